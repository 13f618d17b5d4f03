import type { Page } from '../lib/page';
import crypto from 'node:crypto';
import { withTransaction, type Queryable, type Tx } from '../db/pool';
import { deleteSessionsOfUser } from '../db/repos/sessions.repo';
import {
  findUserByEmail,
  findUserById,
  insertUserIfAbsent,
  listUsers as listUserRows,
  lockActiveAdmins,
  updateUser,
  type Role,
  type User,
} from '../db/repos/users.repo';
import { fail, forbidden, userNotFound } from '../lib/errors';
import { requireRole, requireSignedIn, type Actor } from './actor';
import { recordAudit, type AuditBy } from './audit.service';
import type { ServiceDeps } from './deps';

/**
 * Addresses are trimmed and their domain lower-cased; the local part keeps
 * its case (RFC 5321 leaves it to the receiving server).
 */
export function normaliseEmail(raw: string): string {
  const trimmed = raw.trim();
  const at = trimmed.lastIndexOf('@');
  return at < 0 ? trimmed : `${trimmed.slice(0, at)}@${trimmed.slice(at + 1).toLowerCase()}`;
}

/**
 * The name the public sees: the display name the person chose, else a
 * neutral one. Never the username, which is made from the email address.
 */
export function publicName(user: Pick<User, 'id' | 'displayName'>): string {
  return user.displayName?.trim() || `Artist #${user.id}`;
}

/** A username derived from the address: its local part, lower-case, [a-z0-9_] only, 3–40 characters. */
export function usernameFromEmail(email: string): string {
  const local = email.slice(0, Math.max(0, email.lastIndexOf('@'))).toLowerCase();
  const cleaned = local
    .replace(/[^a-z0-9_]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .slice(0, 40);
  return cleaned.length >= 3 ? cleaned : `user_${cleaned}`.replace(/_+$/, '');
}

/**
 * The account of an address, created (role `user`) if there is none. A taken
 * username gets a random numeric suffix; a concurrent creation of the same
 * address returns the row the other transaction made.
 */
export async function findOrCreateAccount(db: Queryable, email: string): Promise<User> {
  const base = usernameFromEmail(email);
  for (let attempt = 0; attempt < 10; attempt++) {
    const username = attempt === 0 ? base : `${base.slice(0, 40)}_${crypto.randomInt(1000, 1_000_000)}`;
    const created = await insertUserIfAbsent(db, { email, username });
    if (created) return created;
    const existing = await findUserByEmail(db, email);
    if (existing) return existing;
  }
  throw new Error(`no free username for ${base} after 10 attempts`);
}

/** A listener becomes an artist (ARTIST_SIGNUP=open), with the name shown on their tracks. */
export async function becomeArtist(deps: ServiceDeps, actor: Actor | undefined, displayName: string): Promise<User> {
  const me = requireSignedIn(actor);
  if (deps.config.artistSignup === 'admin' && me.role !== 'admin') {
    throw fail('artist_signup_closed', { message: 'Only an admin can make an account an artist on this store.' });
  }
  const role: Role = me.role === 'admin' ? 'admin' : 'artist';
  return withTransaction(deps.db, async (tx) => {
    const before = await findUserById(tx, me.userId);
    const user = await updateUser(tx, me.userId, { role, displayName });
    if (!before || !user) throw userNotFound();
    await auditUserChange(tx, me, before, user);
    return user;
  });
}

export interface UserListQuery extends Page {
  q?: string;
}

export async function listUsers(
  deps: ServiceDeps,
  actor: Actor | undefined,
  query: UserListQuery,
): Promise<{ users: User[]; total: number }> {
  requireRole(actor, 'admin');
  return listUserRows(deps.db, query.q, query);
}

/** 409 last_admin: what refuses to leave the store without an active admin. */
export const lastAdmin = () => fail('last_admin', { message: 'This is the last active admin; make another admin first.' });

/**
 * Changes a user's role or active flag, refusing to leave the store without
 * an active admin. Deactivation ends all of the user's sessions at once.
 * Runs inside the caller's transaction: it locks the active admins' rows so
 * that two concurrent demotions cannot both succeed. Each real change is
 * written to the audit trail in the same transaction.
 */
export async function changeUser(db: Tx, targetId: number, changes: { role?: Role; isActive?: boolean }, by: AuditBy): Promise<User> {
  const admins = await lockActiveAdmins(db);
  // The acting admin may have been demoted by a transaction that committed
  // after their session was read: check again under the lock.
  if (typeof by !== 'string' && !admins.includes(by.userId)) throw forbidden();
  const target = await findUserById(db, targetId);
  // An erased account stays erased: it has nothing to sign in with, and must not come back as a user.
  if (!target || target.erasedAt) throw userNotFound();
  const losesAdmin =
    target.role === 'admin' && target.isActive && ((changes.role && changes.role !== 'admin') || changes.isActive === false);
  if (losesAdmin && admins.length <= 1) {
    throw lastAdmin();
  }
  const user = (await updateUser(db, targetId, changes))!;
  if (changes.isActive === false) await deleteSessionsOfUser(db, targetId);
  await auditUserChange(db, by, target, user);
  return user;
}

async function auditUserChange(tx: Tx, by: AuditBy, before: User, after: User): Promise<void> {
  const target = { type: 'user', id: after.id };
  if (before.role !== after.role) await recordAudit(tx, by, 'user.role_changed', target, { from: before.role, to: after.role });
  if (before.isActive !== after.isActive) await recordAudit(tx, by, after.isActive ? 'user.activated' : 'user.deactivated', target);
}

/** Admin route: change another user's role or active flag. */
export async function updateUserAsAdmin(
  deps: ServiceDeps,
  actor: Actor | undefined,
  targetId: number,
  changes: { role?: Role; isActive?: boolean },
): Promise<User> {
  const admin = requireRole(actor, 'admin');
  return withTransaction(deps.db, (tx) => changeUser(tx, targetId, changes, admin));
}

/** CLI (first admin, recovery): gives an address a role, creating the account if needed, and optionally the name it shows. */
export async function grantRole(
  db: ServiceDeps['db'],
  rawEmail: string,
  role: Role,
  options: { displayName?: string } = {},
): Promise<User> {
  const email = normaliseEmail(rawEmail);
  return withTransaction(db, async (tx) => {
    const user = await findOrCreateAccount(tx, email);
    const changed = await changeUser(tx, user.id, { role, isActive: true }, 'cli');
    if (options.displayName === undefined || options.displayName === changed.displayName) return changed;
    await recordAudit(tx, 'cli', 'user.renamed', { type: 'user', id: user.id });
    return (await updateUser(tx, user.id, { displayName: options.displayName }))!;
  });
}

/** The signed-in user's account, or undefined when signed out. */
export async function currentUser(deps: ServiceDeps, actor: Actor | undefined): Promise<User | undefined> {
  return actor ? findUserById(deps.db, actor.userId) : undefined;
}
