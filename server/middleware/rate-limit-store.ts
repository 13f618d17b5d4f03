import type { ClientRateLimitInfo, Options, Store } from 'express-rate-limit';
import type { Logger } from '../../lib/logger';
import { fail } from '../../lib/errors';

/**
 * What a limiter does while its counters cannot be reached: `allow` counts
 * nothing and lets the request through (reads: the store stays usable);
 * `refuse` answers 503 `rate_limit_unavailable` (sign-in, mail, code and
 * credential checks: an attacker must not get unlimited guesses because
 * Redis is down).
 */
export type WhenCountersDown = 'allow' | 'refuse';

class CountersTimeout extends Error {
  constructor(ms: number) {
    super(`no answer from the rate-limit counters in ${ms} ms`);
  }
}

/**
 * One shared judgement of whether the counters' server is up, so that a
 * frozen Redis costs each request at most one short wait: after a failure
 * every call fails at once for `pauseMs`, then one call tries again.
 */
export class CounterHealth {
  private downUntil = 0;
  private down = false;

  constructor(
    private readonly logger: Logger | undefined,
    private readonly pauseMs = 5_000,
  ) {}

  /**
   * Runs `call` unless the server failed moments ago; each call may take
   * `timeoutMs` at most. An error for which `isOutage` is false — the
   * server's own error reply: it is up — passes through and pauses nothing.
   */
  async run<T>(call: () => Promise<T>, timeoutMs: number, isOutage: (err: unknown) => boolean = () => true): Promise<T> {
    if (Date.now() < this.downUntil) throw new Error('the rate-limit counters failed moments ago');
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => reject(new CountersTimeout(timeoutMs)), timeoutMs);
    });
    try {
      const result = await Promise.race([call(), timeout]);
      if (this.down) this.logger?.info('rate limits: the counters answer again');
      this.down = false;
      return result;
    } catch (err) {
      if (!(err instanceof CountersTimeout) && !isOutage(err)) throw err;
      this.downUntil = Date.now() + this.pauseMs;
      if (!this.down)
        this.logger?.warn({ err }, 'rate limits: the counters cannot be reached; reads pass uncounted, sign-in and mail are refused');
      this.down = true;
      throw err;
    } finally {
      clearTimeout(timer);
    }
  }
}

/**
 * A store that answers for its limiter when the one it wraps fails: an
 * uncounted hit (`allow`) or 503 (`refuse`). A store whose start-up failed
 * (its scripts not loaded) is started again before its next use.
 */
export class GuardedStore implements Store {
  private options: Options | undefined;
  private started = false;

  constructor(
    private readonly inner: Store,
    private readonly whenDown: WhenCountersDown,
  ) {}

  get prefix() {
    return this.inner.prefix;
  }

  /** Never fails: a store that cannot start now is started again on its next use. */
  async init(options: Options): Promise<void> {
    this.options = options;
    await this.start().catch(() => undefined);
  }

  private async start(): Promise<void> {
    this.started = false;
    await this.inner.init?.(this.options!);
    this.started = true;
  }

  async increment(key: string): Promise<ClientRateLimitInfo> {
    try {
      if (!this.started && this.options) await this.start();
      return await this.inner.increment(key);
    } catch {
      if (this.whenDown === 'refuse') throw fail('rate_limit_unavailable');
      return { totalHits: 1, resetTime: undefined };
    }
  }

  async decrement(key: string): Promise<void> {
    await Promise.resolve(this.inner.decrement(key)).catch(() => undefined);
  }

  async resetKey(key: string): Promise<void> {
    await Promise.resolve(this.inner.resetKey(key)).catch(() => undefined);
  }
}
