import fs from 'node:fs';

interface Entry {
  handle: Promise<fs.promises.FileHandle>;
  users: number;
  /** When its last use ended (ms since the epoch). */
  lastUsed: number;
  /** Dropped from the table; closed as soon as its last user is done. */
  retired: boolean;
}

/**
 * Read-only file handles kept open between uses, at most `max` of them (the
 * least recently used idle one is closed first), each closed once nobody
 * has used it for `idleMs` (a playback's range requests come seconds apart;
 * a file nobody plays holds no descriptor). Saves an open and a close per
 * range request. `forget(path)` must be called when a file is replaced or
 * removed, so no one reads the old file through a kept handle.
 */
export class OpenFiles {
  private readonly entries = new Map<string, Entry>();
  private sweeper: NodeJS.Timeout | undefined;

  constructor(
    private readonly max: number,
    private readonly idleMs = 30_000,
  ) {}

  async use<T>(file: string, fn: (handle: fs.promises.FileHandle) => Promise<T>): Promise<T> {
    let entry = this.entries.get(file);
    if (entry) {
      // Most recently used last.
      this.entries.delete(file);
      this.entries.set(file, entry);
    } else {
      entry = { handle: fs.promises.open(file, 'r'), users: 0, lastUsed: Date.now(), retired: false };
      this.entries.set(file, entry);
      entry.handle.catch(() => this.retire(file, entry!));
      this.evict();
      this.sweepLater();
    }
    entry.users++;
    try {
      return await fn(await entry.handle);
    } finally {
      entry.users--;
      entry.lastUsed = Date.now();
      if (entry.retired && entry.users === 0) void this.close(entry);
    }
  }

  /** While any handle is kept, a timer (which keeps no process alive) closes the idle ones. */
  private sweepLater(): void {
    if (this.sweeper) return;
    this.sweeper = setInterval(() => this.closeIdle(), Math.max(10, this.idleMs / 2));
    this.sweeper.unref();
  }

  /** Closes every handle unused for idleMs; stops sweeping when none is left. */
  closeIdle(now = Date.now()): void {
    for (const [file, entry] of this.entries) {
      if (entry.users === 0 && now - entry.lastUsed >= this.idleMs) this.retire(file, entry);
    }
    if (this.entries.size === 0 && this.sweeper) {
      clearInterval(this.sweeper);
      this.sweeper = undefined;
    }
  }

  /** Closes every handle (one in use, as soon as its read ends); for shutdown. Later use opens files again. */
  async closeAll(): Promise<void> {
    clearInterval(this.sweeper);
    this.sweeper = undefined;
    const idle: Entry[] = [];
    for (const [file, entry] of [...this.entries]) {
      if (entry.users === 0) idle.push(entry);
      this.entries.delete(file);
      entry.retired = true;
    }
    await Promise.all(idle.map((entry) => this.close(entry)));
  }

  /** The file changed or is gone: close its handle once nobody uses it. */
  forget(file: string): void {
    const entry = this.entries.get(file);
    if (entry) this.retire(file, entry);
  }

  private retire(file: string, entry: Entry): void {
    if (this.entries.get(file) === entry) this.entries.delete(file);
    entry.retired = true;
    if (entry.users === 0) void this.close(entry);
  }

  private evict(): void {
    for (const [file, entry] of this.entries) {
      if (this.entries.size <= this.max) return;
      if (entry.users === 0) this.retire(file, entry);
    }
  }

  private async close(entry: Entry): Promise<void> {
    await (await entry.handle.catch(() => undefined))?.close().catch(() => undefined);
  }
}
