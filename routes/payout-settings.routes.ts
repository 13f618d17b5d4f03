import { Router, type Request } from 'express';
import { ipKeyGenerator } from 'express-rate-limit';
import { z } from 'zod';
import type { PayoutAccount } from '../db/repos/payout-accounts.repo';
import { parseInput } from '../lib/errors';
import { createLimiter, type RateLimitBackend } from '../server/middleware/rate-limit';
import { confirmPayoutAddress, myPayoutSettings, requestPayoutAddress } from '../services/ledger/payout-settings.service';
import type { RouteDeps } from './deps';
import { emailField } from './request';
import { doc } from './api-doc';

const settingsBody = z.object({ paypalEmail: emailField }).strict();
const confirmBody = z.object({ token: z.string().max(100) }).strict();

const present = (account: PayoutAccount | undefined) => ({
  paypalEmail: account?.paypalEmail ?? null,
  confirmedAt: account?.confirmedAt?.toISOString() ?? null,
  pendingEmail: account?.pendingEmail ?? null,
  pendingUntil: account?.tokenExpiresAt?.toISOString() ?? null,
});

/** Where an artist is paid: a PayPal address, confirmed by the link mailed to it. Both calls are rate-limited: one sends mail, one redeems a token. */
export function payoutSettingsRoutes(deps: RouteDeps, limits: RateLimitBackend): Router {
  const router = Router();
  const byAccount = (req: Request) => (req.actor ? `user:${req.actor.userId}` : ipKeyGenerator(req.ip ?? ''));
  const mails = createLimiter(limits, {
    name: 'payout-email',
    whenDown: 'refuse',
    windowMs: 60 * 60_000,
    limit: 5,
    keyGenerator: byAccount,
    message: 'Too many confirmation mails. Try again in an hour.',
  });
  const guesses = createLimiter(limits, {
    name: 'payout-confirm',
    whenDown: 'refuse',
    windowMs: 15 * 60_000,
    limit: 20,
    failuresOnly: true,
    keyGenerator: (req) => ipKeyGenerator(req.ip ?? ''),
    message: 'Too many wrong links. Try again in a quarter of an hour.',
  });

  router.get('/api/artist/payout-settings', doc({ summary: 'Where I am paid', access: 'artist' }), async (req, res) => {
    res.set('Cache-Control', 'no-store').json(present(await myPayoutSettings(deps, req.actor)));
  });

  router.put(
    '/api/artist/payout-settings',
    doc({ summary: 'Set my PayPal address (confirmed by mail)', access: 'artist', body: settingsBody, response: { status: 202 } }),
    mails,
    async (req, res) => {
      const { paypalEmail } = parseInput(settingsBody, req.body, 'body');
      res.status(202).json({ status: 'confirmation_sent', ...present(await requestPayoutAddress(deps, req.actor, paypalEmail)) });
    },
  );

  router.post(
    '/api/payouts/confirm',
    doc({ summary: "Confirm a payout address with the mailed link's token", access: 'anyone with the link', body: confirmBody }),
    guesses,
    async (req, res) => {
      const { token } = parseInput(confirmBody, req.body, 'body');
      res.json(present(await confirmPayoutAddress(deps, token)));
    },
  );

  return router;
}
