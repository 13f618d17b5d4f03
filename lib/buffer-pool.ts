/**
 * Buffers of one size, reused: a server that reads a range into memory for
 * each of thousands of requests a second would otherwise allocate (and the
 * collector free) as many buffers of that size a second, outside the heap,
 * where the allocator's freed blocks keep the process's memory high long
 * after the load has gone. At most `maxIdle` wait to be taken again; more
 * in use at once than that are allocated and, when given back, dropped.
 *
 * A buffer may be given back only when nothing reads it any more (for a
 * response: on 'finish', when the socket has taken its bytes); one never
 * given back (a connection that closed first) is left to the collector.
 */
export class BufferPool {
  private readonly idle: Buffer[] = [];

  constructor(
    readonly bytes: number,
    private readonly maxIdle: number,
  ) {}

  take(): Buffer {
    return this.idle.pop() ?? Buffer.allocUnsafeSlow(this.bytes);
  }

  give(buffer: Buffer): void {
    if (buffer.length === this.bytes && this.idle.length < this.maxIdle && !this.idle.includes(buffer)) this.idle.push(buffer);
  }

  /** Drops the idle buffers (the store has gone quiet: their memory goes back; a busy spell fills the pool again). */
  trim(): void {
    this.idle.length = 0;
  }

  /** How many wait to be taken (for tests). */
  get idleCount(): number {
    return this.idle.length;
  }
}
