import type { Queryable } from '../../db/pool';
import { deleteSessionByHash, deleteSessionsOfUser, extendSession, findActiveSession, insertSession } from '../../db/repos/sessions.repo';
import type { Actor } from '../actor';
import { requireSignedIn } from '../actor';
import { addDays } from '../../lib/clock';
import type { RequestMeta, ServiceDeps } from '../deps';
import { hashToken, isWellFormedToken, newToken } from './tokens';

/** Sessions slide: each use pushes the expiry to 30 days from then… */
export const SESSION_DAYS = 30;
/** …but the row is rewritten at most this often, not on every request. */
export const SESSION_REFRESH_MINUTES = 5;

export interface NewSession {
  /** The cookie value. Never stored, never logged. */
  token: string;
  expiresAt: Date;
}

/** Starts a session for a user who has just proven who they are. */
export async function startSession(
  deps: Pick<ServiceDeps, 'clock'>,
  db: Queryable,
  userId: number,
  meta: RequestMeta,
): Promise<NewSession> {
  const now = deps.clock();
  const { token, hash } = newToken();
  const expiresAt = addDays(now, SESSION_DAYS);
  await insertSession(db, {
    tokenHash: hash,
    userId,
    now,
    expiresAt,
    ipAddress: meta.ipAddress,
    userAgent: meta.userAgent?.slice(0, 500) ?? null,
  });
  return { token, expiresAt };
}

/**
 * The actor behind a session cookie, or undefined when the token is unknown,
 * expired, or its user is deactivated. Extends the expiry when the stored one
 * is more than SESSION_REFRESH_MINUTES old.
 */
export async function resolveSession(deps: ServiceDeps, token: string, options: { cached?: boolean } = {}): Promise<Actor | undefined> {
  if (!isWellFormedToken(token)) return undefined;
  const now = deps.clock();
  const hash = hashToken(token);
  const cache = options.cached ? deps.accessCache : undefined;
  const session = cache
    ? await cache.get(`session:${hash}`, () => findActiveSession(deps.db, hash, now))
    : await findActiveSession(deps.db, hash, now);
  // A cached session may have expired since it was read.
  if (!session || session.expiresAt.getTime() <= now.getTime()) return undefined;
  if (now.getTime() - session.lastUsedAt.getTime() >= SESSION_REFRESH_MINUTES * 60_000) {
    const expiresAt = addDays(now, SESSION_DAYS);
    await extendSession(deps.db, session.id, now, expiresAt);
    // The cached object (if any) is this one: it now says what the row says.
    Object.assign(session, { lastUsedAt: now, expiresAt });
  }
  return { userId: session.userId, role: session.role };
}

/** Ends the session of this token (sign out here). */
export async function endSession(deps: ServiceDeps, token: string | undefined): Promise<void> {
  if (token && isWellFormedToken(token)) await deleteSessionByHash(deps.db, hashToken(token));
}

/** Ends every session of the actor (sign out everywhere). */
export async function endAllSessions(deps: ServiceDeps, actor: Actor | undefined): Promise<number> {
  return deleteSessionsOfUser(deps.db, requireSignedIn(actor).userId);
}
