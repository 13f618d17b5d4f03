import crypto from 'node:crypto';
import { rateLimit, type Options, type Store } from 'express-rate-limit';
import { RedisStore } from 'rate-limit-redis';
import type { RedisClientType } from 'redis';
import { fail } from '../../lib/errors';
import type { Logger } from '../../lib/logger';
import { CounterHealth, GuardedStore, type WhenCountersDown } from './rate-limit-store';

/**
 * Where rate-limit counters live: in process memory by default, or in Redis
 * (REDIS_URL) so that several app servers share one budget per client.
 */
export interface RateLimitBackend {
  /** A new store for one limiter; undefined means express-rate-limit's memory store. */
  store(prefix: string, whenDown: WhenCountersDown): Store | undefined;
  /** Whether the counters answer now (absent: they live in this process). */
  check?(): Promise<boolean>;
}

export const memoryBackend: RateLimitBackend = { store: () => undefined };

/** The longest one Redis command may take before the counters count as down. */
const REDIS_COMMAND_TIMEOUT_MS = 500;

/**
 * Counters in Redis, through a connected node-redis client. Every command
 * has a time limit, and a failure makes the next few seconds' commands fail
 * at once (CounterHealth): a stopped or frozen Redis slows no request by
 * more than REDIS_COMMAND_TIMEOUT_MS, and each limiter then does what its
 * `whenDown` says until Redis answers again.
 */
export function redisBackend(client: RedisClientType, logger?: Logger, commandTimeoutMs = REDIS_COMMAND_TIMEOUT_MS): RateLimitBackend {
  const health = new CounterHealth(logger);
  // An error while connected is Redis's own reply (NOSCRIPT after a restart: the store reloads its script), not an outage.
  const send = (args: string[]) =>
    health.run(
      () => client.sendCommand(args),
      commandTimeoutMs,
      () => !client.isReady,
    );
  return {
    store: (prefix, whenDown) =>
      new GuardedStore(
        new RedisStore({ prefix: `song-nexus:rl:${prefix}:`, sendCommand: (...args: string[]) => send(args) as Promise<never> }),
        whenDown,
      ),
    // Asked directly (not through the pause), so readiness sees a recovery at once; readiness times it.
    check: () =>
      Promise.race([
        client.ping().then(
          () => true,
          () => false,
        ),
        new Promise<false>((resolve) => setTimeout(() => resolve(false), commandTimeoutMs).unref()),
      ]),
  };
}

/** A key part that names a person (an e-mail address) without writing it anywhere: its digest. */
export const privateKeyPart = (value: string) => crypto.createHash('sha256').update(value).digest('hex').slice(0, 32);

export interface LimiterOptions {
  /** Distinguishes this limiter's counters from the others'. */
  name: string;
  windowMs: number;
  limit: number;
  /** Defaults to the client's IP address (an IPv6 /56 counts as one client). */
  keyGenerator?: Options['keyGenerator'];
  message?: string;
  /** Count only answers of 400 and up (wrong guesses), not successes. */
  failuresOnly?: boolean;
  /** While the counters cannot be reached (Redis down): let requests through, or refuse them with 503. */
  whenDown: WhenCountersDown;
}

/**
 * A limiter that answers 429 through the error model, with `Retry-After` and
 * the standard RateLimit headers.
 */
export function createLimiter(backend: RateLimitBackend, options: LimiterOptions) {
  return rateLimit({
    windowMs: options.windowMs,
    limit: options.limit,
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    store: backend.store(options.name, options.whenDown),
    skipSuccessfulRequests: options.failuresOnly ?? false,
    ...(options.keyGenerator ? { keyGenerator: options.keyGenerator } : {}),
    handler: (req, res, next, used) => {
      res.locals.limit = options.name; // the access-log line says which limit answered
      // Seconds until this client's window resets (the whole window if unknown).
      const resetAt = (req as { rateLimit?: { resetTime?: Date } }).rateLimit?.resetTime?.getTime();
      const waitMs = resetAt !== undefined ? resetAt - Date.now() : used.windowMs;
      const retryAfter = Math.max(1, Math.ceil(waitMs / 1000));
      next(
        fail('rate_limited', {
          message: options.message ?? 'Too many requests. Try again later.',
          headers: {
            'Retry-After': String(retryAfter),
          },
        }),
      );
    },
  });
}
