import { Router } from 'express';
import { z } from 'zod';
import { parseInput } from '../lib/errors';
import { clearedSessionCookie } from '../server/cookies';
import type { RateLimitBackend } from '../server/middleware/rate-limit';
import { confirmationLimits } from './confirmation-limits';
import { confirmEmailChange, deleteMyAccount, eraseAccountAsAdmin, exportMyAccount, requestEmailChange } from '../services/account.service';
import type { RouteDeps } from './deps';
import { emailField, idParam } from './request';
import { doc } from './api-doc';
import { responses } from './response-schemas';

const deleteBody = z.object({ confirmEmail: z.string().max(254) }).strict();
const emailBody = z.object({ email: emailField }).strict();
const confirmBody = z.object({ token: z.string().max(100) }).strict();

/**
 * A person's account end to end: export, change of address, erasure (their
 * own, or any by an admin). The address change is rate-limited twice: the
 * request sends mail, the confirmation redeems a token.
 */
export function accountRoutes(deps: RouteDeps, limits: RateLimitBackend): Router {
  const router = Router();
  const { mails, guesses } = confirmationLimits(limits, { mail: 'email-change', confirm: 'email-confirm', tooMany: 'address changes' });

  router.get(
    '/api/me/export',
    doc({ summary: 'Everything the store holds about me, as a JSON file', access: 'signed in', response: { status: 200 } }),
    async (req, res) => {
      const { userId, data } = await exportMyAccount(deps, req.actor);
      res
        .set('Cache-Control', 'no-store')
        .attachment(`song-nexus-account-${userId}.json`)
        .type('application/json')
        .send(`${JSON.stringify(data, null, 2)}\n`);
    },
  );

  router.delete(
    '/api/me',
    doc({ summary: 'Erase my account', access: 'listener or admin', body: deleteBody, response: { status: 204 } }),
    async (req, res) => {
      const { confirmEmail } = parseInput(deleteBody, req.body, 'body');
      await deleteMyAccount(deps, req.actor, confirmEmail);
      res.append('Set-Cookie', clearedSessionCookie(deps.config)).status(204).end();
    },
  );

  router.post(
    '/api/me/email',
    doc({
      summary: 'Ask to change my sign-in address',
      access: 'signed in',
      body: emailBody,
      response: { status: 202, schema: responses.emailChange },
    }),
    mails,
    async (req, res) => {
      const { email } = parseInput(emailBody, req.body, 'body');
      await requestEmailChange(deps, req.actor, email);
      res.status(202).json({ status: 'confirmation_sent' });
    },
  );

  router.post(
    '/api/auth/email-change/confirm',
    doc({
      summary: "Confirm a new sign-in address with the mailed link's token",
      access: 'anyone with the link',
      body: confirmBody,
      response: { status: 200, schema: responses.emailConfirmed },
    }),
    guesses,
    async (req, res) => {
      const { token } = parseInput(confirmBody, req.body, 'body');
      res.json(await confirmEmailChange(deps, token));
    },
  );

  router.delete(
    '/api/admin/users/:id',
    doc({ summary: 'Erase an account', access: 'admin', response: { status: 204 } }),
    async (req, res) => {
      await eraseAccountAsAdmin(deps, req.actor, idParam(req));
      res.status(204).end();
    },
  );

  return router;
}
