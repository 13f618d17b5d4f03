import { withTransaction } from '../../db/pool';
import { consumeMagicLink, deleteUnusedLinksFor, findMagicLinkState, insertMagicLink } from '../../db/repos/magic-links.repo';
import { findUserByEmail, recordLogin, type User } from '../../db/repos/users.repo';

import { addMinutes } from '../../lib/clock';
import type { RequestMeta, ServiceDeps } from '../deps';
import { magicLinkMail } from '../mail/magic-link.mail';
import { findOrCreateAccount, normaliseEmail } from '../users.service';
import { startSession, type NewSession } from './sessions.service';
import { hashToken, isWellFormedToken, newToken } from './tokens';
import { accountDisabled, fail } from '../../lib/errors';

export const MAGIC_LINK_MINUTES = 15;

/**
 * Sends a sign-in link to an address, whether or not it has an account (the
 * account is made when the link is used), so the answer and the work done
 * are the same for both and reveal nothing. The mail goes out off the
 * request path. Older unused links asked for from the same address (IP)
 * stop working; links someone else asked for elsewhere do not, so nobody can
 * void the owner's link by asking for more. Signing in with any link voids
 * the rest. `next` is where the confirm page leads afterwards: a path of
 * this store, already checked against contract/pages.ts's RETURN_PATH by
 * the route (and checked again by the confirm page).
 */
export async function requestMagicLink(deps: ServiceDeps, rawEmail: string, meta: RequestMeta, next?: string): Promise<void> {
  const email = normaliseEmail(rawEmail);
  const now = deps.clock();
  const { token, hash } = newToken();
  await withTransaction(deps.db, async (tx) => {
    const user = await findUserByEmail(tx, email);
    await deleteUnusedLinksFor(tx, email, meta.ipAddress);
    await insertMagicLink(tx, {
      email,
      userId: user?.id ?? null,
      tokenHash: hash,
      createdAt: now,
      expiresAt: addMinutes(now, MAGIC_LINK_MINUTES),
      ipAddress: meta.ipAddress,
      userAgent: meta.userAgent?.slice(0, 500) ?? null,
    });
  });
  // The confirm page takes the listener back to `next` once signed in.
  const link = `${deps.config.appOrigin}/auth/magic?${new URLSearchParams({ token, email, ...(next && next !== '/' ? { next } : {}) }).toString()}`;
  deps.background.run('magic-link mail', () => deps.mailer.send(magicLinkMail(email, link, MAGIC_LINK_MINUTES)));
}

const invalid = () => fail('magic_link_invalid');

/**
 * Signs in with a link's token: consumes it (exactly one of any concurrent
 * attempts wins), creates the account on first sign-in, records the login
 * and starts a session — all in one transaction.
 */
export async function verifyMagicLink(
  deps: ServiceDeps,
  input: { token: string; email: string },
  meta: RequestMeta,
): Promise<{ user: User; session: NewSession }> {
  if (!isWellFormedToken(input.token)) throw invalid();
  const email = normaliseEmail(input.email);
  const tokenHash = hashToken(input.token);
  const now = deps.clock();
  return withTransaction(deps.db, async (tx) => {
    const consumed = await consumeMagicLink(tx, tokenHash, email, now);
    if (!consumed) {
      const state = await findMagicLinkState(tx, tokenHash);
      if (!state || state.email !== email) throw invalid();
      if (state.usedAt) throw fail('magic_link_used');
      throw fail('magic_link_expired');
    }
    // Signed in: every other link of the address is moot.
    await deleteUnusedLinksFor(tx, email);
    const account = await findOrCreateAccount(tx, email);
    if (!account.isActive) throw accountDisabled();
    const user = await recordLogin(tx, account.id, now);
    const session = await startSession(deps, tx, user.id, meta);
    return { user, session };
  });
}
