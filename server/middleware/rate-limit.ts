import { rateLimit, type Options, type Store } from 'express-rate-limit';
import { RedisStore } from 'rate-limit-redis';
import type { RedisClientType } from 'redis';
import { fail } from '../../lib/errors';

/**
 * Where rate-limit counters live: in process memory by default, or in Redis
 * (REDIS_URL) so that several app servers share one budget per client.
 */
export interface RateLimitBackend {
  /** A new store for one limiter; undefined means express-rate-limit's memory store. */
  store(prefix: string): Store | undefined;
}

export const memoryBackend: RateLimitBackend = { store: () => undefined };

/** Counters in Redis, through a connected node-redis client. */
export function redisBackend(client: RedisClientType): RateLimitBackend {
  return {
    store: (prefix) =>
      new RedisStore({
        prefix: `song-nexus:rl:${prefix}:`,
        sendCommand: (...args: string[]) => client.sendCommand(args),
      }),
  };
}

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
    store: backend.store(options.name),
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
