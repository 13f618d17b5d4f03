import { Router, type Response } from 'express';
import { ipKeyGenerator } from 'express-rate-limit';
import { z } from 'zod';
import type { AuthenticationResponseJSON, RegistrationResponseJSON } from '@simplewebauthn/server';
import { RETURN_PATH } from '../contract/pages';
import { requestMagicLink, verifyMagicLink } from '../services/auth/magic-link.service';
import { authenticationOptions, registrationOptions, verifyAuthentication, verifyRegistration } from '../services/auth/passkeys.service';
import { endAllSessions, endSession, type NewSession } from '../services/auth/sessions.service';
import type { RouteDeps } from './deps';
import { currentUser, normaliseEmail } from '../services/users.service';
import { clearedSessionCookie, sessionCookie } from '../server/cookies';
import { parseInput } from '../lib/errors';
import { createLimiter, privateKeyPart, type RateLimitBackend } from '../server/middleware/rate-limit';
import { presentPasskey, presentUser } from './presenters';
import { emailField, requestMeta } from './request';
import { doc } from './api-doc';
import { responses } from './response-schemas';

const FIFTEEN_MINUTES = 15 * 60_000;

/** The address alone: the per-address limit counts by it, whatever else the body holds. */
const addressOnly = z.object({ email: emailField });
const magicLinkBody = addressOnly.extend({ next: z.string().regex(RETURN_PATH, 'must be a path of this store, like /cart').optional() });
const verifyBody = z.object({ token: z.string().min(1).max(200), email: emailField });
// WebAuthn responses are checked cryptographically by the service; here only
// their shape and size, so nothing malformed reaches the library.
const b64url = (max: number) =>
  z
    .string()
    .min(1)
    .max(max)
    .regex(/^[A-Za-z0-9_-]+$/, 'must be base64url');
const credentialBase = {
  id: b64url(1024),
  rawId: b64url(1024),
  type: z.literal('public-key'),
  clientExtensionResults: z.record(z.string(), z.unknown()).default({}),
  authenticatorAttachment: z.enum(['platform', 'cross-platform']).optional(),
};
const registrationBody = z.object({
  response: z.object({
    ...credentialBase,
    response: z.looseObject({
      clientDataJSON: b64url(8192),
      attestationObject: b64url(16384),
      transports: z.array(z.string().max(32)).max(10).optional(),
    }),
  }),
  name: z.string().trim().min(1).max(100).optional(),
});
const authenticationBody = z.object({
  response: z.object({
    ...credentialBase,
    response: z.looseObject({
      clientDataJSON: b64url(8192),
      authenticatorData: b64url(8192),
      signature: b64url(2048),
      userHandle: b64url(256).optional(),
    }),
  }),
});

const SIGNED_IN_MESSAGE = 'If that address can receive mail, a sign-in link is on its way. It works for 15 minutes.';

/** Sign-in by magic link or passkey, the session, and sign-out. */
export function authRoutes(deps: RouteDeps, limits: RateLimitBackend): Router {
  const router = Router();
  const startSessionCookie = (res: Response, session: NewSession) =>
    res.append('Set-Cookie', sessionCookie(deps.config, session.token, session.expiresAt));

  const linkPerIp = createLimiter(limits, { name: 'magic-ip', windowMs: FIFTEEN_MINUTES, limit: 10, whenDown: 'refuse' });
  // Counted per address and requesting IP together: a stranger asking for links to
  // someone's address uses up only their own budget, never the owner's.
  const linkPerAddress = createLimiter(limits, {
    name: 'magic-address',
    whenDown: 'refuse',
    windowMs: FIFTEEN_MINUTES,
    limit: 5,
    keyGenerator: (req) => {
      const parsed = addressOnly.safeParse(req.body);
      const address = parsed.success ? normaliseEmail(parsed.data.email) : 'invalid';
      // The address only as a digest: rate-limit keys (in Redis too) hold no personal data.
      return `address:${privateKeyPart(address)}|ip:${ipKeyGenerator(req.ip ?? '')}`;
    },
    message: 'Too many sign-in links were asked for this address. Try again later.',
  });
  const credentialChecks = createLimiter(limits, { name: 'credential-check', windowMs: FIFTEEN_MINUTES, limit: 30, whenDown: 'refuse' });

  router.post(
    '/api/auth/magic-link',
    doc({ summary: 'Mail a sign-in link', access: 'anyone', body: magicLinkBody, response: { status: 202 } }),
    linkPerIp,
    linkPerAddress,
    async (req, res) => {
      const { email, next } = parseInput(magicLinkBody, req.body, 'body');
      await requestMagicLink(deps, email, requestMeta(req), next);
      res.status(202).json({ status: 'sent', message: SIGNED_IN_MESSAGE });
    },
  );

  router.post(
    '/api/auth/magic-link/verify',
    doc({ summary: "Sign in with a mailed link's token", access: 'anyone', body: verifyBody }),
    credentialChecks,
    async (req, res) => {
      const input = parseInput(verifyBody, req.body, 'body');
      const { user, session } = await verifyMagicLink(deps, input, requestMeta(req));
      startSessionCookie(res, session);
      res.json({ user: presentUser(user) });
    },
  );

  router.get(
    '/api/auth/session',
    doc({ summary: 'The signed-in user, or null', access: 'anyone', response: { status: 200, schema: responses.session } }),
    async (req, res) => {
      const user = await currentUser(deps, req.actor);
      res.set('Cache-Control', 'no-store').json({ user: user ? presentUser(user) : null });
    },
  );

  router.post('/api/auth/logout', doc({ summary: 'End this session', access: 'anyone', response: { status: 204 } }), async (req, res) => {
    await endSession(deps, req.sessionToken);
    res.append('Set-Cookie', clearedSessionCookie(deps.config)).status(204).end();
  });

  router.post(
    '/api/auth/logout-all',
    doc({ summary: 'End every session of the user', access: 'signed in', response: { status: 204 } }),
    async (req, res) => {
      await endAllSessions(deps, req.actor);
      res.append('Set-Cookie', clearedSessionCookie(deps.config)).status(204).end();
    },
  );

  router.post(
    '/api/auth/passkeys/registration/options',
    doc({ summary: 'WebAuthn options to create a passkey', access: 'signed in' }),
    async (req, res) => {
      res.set('Cache-Control', 'no-store').json(await registrationOptions(deps, req.actor));
    },
  );

  router.post(
    '/api/auth/passkeys/registration/verify',
    doc({ summary: 'Store a new passkey', access: 'signed in', body: registrationBody, response: { status: 201 } }),
    async (req, res) => {
      const body = parseInput(registrationBody, req.body, 'body');
      const passkey = await verifyRegistration(deps, req.actor, {
        response: body.response as RegistrationResponseJSON,
        name: body.name,
      });
      res.status(201).json({ passkey: presentPasskey(passkey) });
    },
  );

  router.post(
    '/api/auth/passkeys/authentication/options',
    doc({ summary: 'WebAuthn options to sign in with a passkey', access: 'anyone' }),
    credentialChecks,
    async (_req, res) => {
      res.set('Cache-Control', 'no-store').json(await authenticationOptions(deps));
    },
  );

  router.post(
    '/api/auth/passkeys/authentication/verify',
    doc({ summary: 'Sign in with a passkey', access: 'anyone', body: authenticationBody }),
    credentialChecks,
    async (req, res) => {
      const body = parseInput(authenticationBody, req.body, 'body');
      const { user, session } = await verifyAuthentication(
        deps,
        { response: body.response as AuthenticationResponseJSON },
        requestMeta(req),
      );
      startSessionCookie(res, session);
      res.json({ user: presentUser(user) });
    },
  );

  return router;
}
