import type { Request, RequestHandler } from 'express';
import { ipKeyGenerator } from 'express-rate-limit';
import { createLimiter, type RateLimitBackend } from '../server/middleware/rate-limit';

/**
 * The two limits of a change confirmed by a mailed link (a payout address,
 * a sign-in address): asking sends mail — 5 an hour per account — and
 * confirming redeems a token — 20 wrong links per IP per quarter of an hour.
 * Both refuse (503) while the counters are down: no mail bombing and no
 * token guessing while nobody counts.
 */
export function confirmationLimits(
  limits: RateLimitBackend,
  names: { mail: string; confirm: string; tooMany: string },
): { mails: RequestHandler; guesses: RequestHandler } {
  const byAccount = (req: Request) => (req.actor ? `user:${req.actor.userId}` : ipKeyGenerator(req.ip ?? ''));
  return {
    mails: createLimiter(limits, {
      name: names.mail,
      whenDown: 'refuse',
      windowMs: 60 * 60_000,
      limit: 5,
      keyGenerator: byAccount,
      message: `Too many ${names.tooMany}. Try again in an hour.`,
    }),
    guesses: createLimiter(limits, {
      name: names.confirm,
      whenDown: 'refuse',
      windowMs: 15 * 60_000,
      limit: 20,
      failuresOnly: true,
      keyGenerator: (req) => ipKeyGenerator(req.ip ?? ''),
      message: 'Too many wrong links. Try again in a quarter of an hour.',
    }),
  };
}
