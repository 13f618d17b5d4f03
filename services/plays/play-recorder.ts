import type pg from 'pg';
import { withTransaction } from '../../db/pool';
import { insertPlays, type PlayRow } from '../../db/repos/play-stats.repo';

import type { Logger } from '../../lib/logger';
import { fail } from '../../lib/errors';

/**
 * Buffers accepted plays and writes them in batches — one transaction per
 * flush, every `intervalMs` or as soon as `maxBatch` are waiting — so a
 * burst of listeners costs a few multi-row statements, not a transaction per
 * event. `stop()` (on SIGTERM) writes everything accepted before it returns.
 * When the database is unreachable the plays stay buffered and are retried;
 * past `maxBuffered` new plays are refused (503) rather than held without bound.
 */
export class PlayRecorder {
  private buffer: PlayRow[] = [];
  private flushing: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  /** Transactions written so far (for tests and benchmarks). */
  batchesWritten = 0;
  /** Plays taken, refused (buffer full, shutting down) and written since start (for the metrics). */
  readonly counts = { accepted: 0, refused: 0, written: 0 };

  constructor(
    private readonly db: pg.Pool,
    private readonly logger: Logger,
    private readonly options = { intervalMs: 200, maxBatch: 2_000, maxBuffered: 200_000 },
  ) {}

  start(): this {
    this.timer = setInterval(() => void this.flush().catch(() => undefined), this.options.intervalMs);
    this.timer.unref();
    return this;
  }

  add(play: PlayRow): void {
    if (this.stopped) {
      this.counts.refused++;
      throw fail('service_unavailable', { message: 'The server is shutting down. Try again shortly.' });
    }
    if (this.buffer.length >= this.options.maxBuffered) {
      this.counts.refused++;
      throw fail('service_unavailable', { message: 'Plays cannot be recorded right now. Try again shortly.' });
    }
    this.counts.accepted++;
    this.buffer.push(play);
    if (this.buffer.length >= this.options.maxBatch) void this.flush().catch(() => undefined);
  }

  /** Writes what is buffered now (waiting for a flush already under way first). */
  async flush(): Promise<void> {
    while (this.flushing) await this.flushing;
    if (this.buffer.length === 0) return;
    const batch = this.buffer.splice(0, this.options.maxBatch);
    this.flushing = withTransaction(this.db, (tx) => insertPlays(tx, batch))
      .then(() => {
        this.batchesWritten++;
        this.counts.written += batch.length;
      })
      .catch((err: unknown) => {
        this.buffer.unshift(...batch); // kept for the next attempt
        this.logger.error({ err, plays: batch.length }, 'writing plays failed; will retry');
        throw err;
      })
      .finally(() => {
        this.flushing = undefined;
      });
    await this.flushing;
  }

  /** Refuses new plays and writes every accepted one. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    while (this.buffer.length > 0 || this.flushing) await this.flush();
  }

  get pending(): number {
    return this.buffer.length;
  }
}
