import { Router } from 'express';
import { z } from 'zod';
import type { PayoutAccount } from '../db/repos/payout-accounts.repo';
import { parseInput } from '../lib/errors';
import type { RateLimitBackend } from '../server/middleware/rate-limit';
import { confirmationLimits } from './confirmation-limits';
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
  const { mails, guesses } = confirmationLimits(limits, { mail: 'payout-email', confirm: 'payout-confirm', tooMany: 'confirmation mails' });

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
