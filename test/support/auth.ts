import type pg from 'pg';
import type { Role, User } from '../../db/repos/users.repo';
import { startSession } from '../../services/auth/sessions.service';
import { systemClock } from '../../lib/clock';
import { buildUser } from './factories';

/** The cookie name the test configuration uses (Secure outside development). */
export const SESSION_COOKIE = '__Host-sn_session';

/**
 * A user of the given role with a real session (made by the sessions
 * service, stored hashed like any other), and the Cookie header that sends it.
 */
export async function signInAs(
  db: pg.Pool,
  role: Role,
  overrides: Partial<Parameters<typeof buildUser>[1]> = {},
): Promise<{ user: User; cookie: string; token: string }> {
  const user = await buildUser(db, { role, ...overrides });
  const { token } = await startSession({ clock: systemClock }, db, user.id, { ipAddress: '127.0.0.1', userAgent: 'jest' });
  return { user, token, cookie: `${SESSION_COOKIE}=${token}` };
}

/** The session token a response set, from its Set-Cookie header. */
export function sessionTokenFrom(setCookie: string[] | string | undefined): string | undefined {
  const cookies = Array.isArray(setCookie) ? setCookie : setCookie ? [setCookie] : [];
  for (const cookie of cookies) {
    const match = new RegExp(`^${SESSION_COOKIE.replace(/[-]/g, '\\-')}=([^;]*)`).exec(cookie);
    if (match) return match[1] || undefined;
  }
  return undefined;
}
