import { camelColumns } from '../columns';
import type { Page } from '../../lib/page';
import { firstRow, selectPage, type Queryable, type Tx } from '../pool';

export type Role = 'user' | 'artist' | 'admin';

export interface User {
  id: number;
  email: string;
  username: string;
  role: Role;
  isActive: boolean;
  createdAt: Date;
  lastLogin: Date | null;
  updatedAt: Date;
  displayName: string | null;
  /** WebAuthn user handle (base64url), set at the first passkey registration. */
  webauthnUserId: string | null;
  /** When the account was erased (nothing personal is left on it). */
  erasedAt: Date | null;
}

// password_hash and webauthn_credential are never selected: nothing reads them.
const COLUMNS = camelColumns(
  'id, email, username, role, is_active, created_at, last_login, updated_at, display_name, webauthn_user_id, erased_at',
);

export async function findUserByEmail(db: Queryable, email: string): Promise<User | undefined> {
  return firstRow<User>(db, `SELECT ${COLUMNS} FROM users WHERE email = $1`, [email]);
}

export async function findUserById(db: Queryable, id: number): Promise<User | undefined> {
  return firstRow<User>(db, `SELECT ${COLUMNS} FROM users WHERE id = $1`, [id]);
}

export interface NewUser {
  email: string;
  username: string;
  role?: Role;
  isActive?: boolean;
  displayName?: string | null;
}

export async function insertUser(db: Queryable, user: NewUser): Promise<User> {
  const { rows } = await db.query<User>(
    `INSERT INTO users (email, username, role, is_active, display_name)
     VALUES ($1, $2, $3, $4, $5)
     RETURNING ${COLUMNS}`,
    [user.email, user.username, user.role ?? 'user', user.isActive ?? true, user.displayName ?? null],
  );
  return rows[0]!;
}

/** Inserts unless the email or username is taken; undefined then. */
export async function insertUserIfAbsent(db: Queryable, user: NewUser): Promise<User | undefined> {
  return firstRow<User>(
    db,
    `INSERT INTO users (email, username, role) VALUES ($1, $2, $3)
     ON CONFLICT DO NOTHING
     RETURNING ${COLUMNS}`,
    [user.email, user.username, user.role ?? 'user'],
  );
}

export async function recordLogin(db: Queryable, id: number, now: Date): Promise<User> {
  const { rows } = await db.query<User>(`UPDATE users SET last_login = $2 WHERE id = $1 RETURNING ${COLUMNS}`, [id, now]);
  return rows[0]!;
}

export interface UserChanges {
  role?: Role;
  isActive?: boolean;
  displayName?: string | null;
}

/** Applies the given changes (absent fields stay as they are). */
export async function updateUser(db: Queryable, id: number, changes: UserChanges): Promise<User | undefined> {
  return firstRow<User>(
    db,
    `UPDATE users SET
       role = COALESCE($2, role),
       is_active = COALESCE($3, is_active),
       display_name = CASE WHEN $4::boolean THEN $5 ELSE display_name END
     WHERE id = $1
     RETURNING ${COLUMNS}`,
    [id, changes.role ?? null, changes.isActive ?? null, changes.displayName !== undefined, changes.displayName ?? null],
  );
}

/**
 * Locks the rows of every active admin (so two demotions cannot both see
 * "another admin remains") and returns their ids.
 */
export async function lockActiveAdmins(db: Tx): Promise<number[]> {
  const { rows } = await db.query<{ id: number }>(`SELECT id FROM users WHERE role = 'admin' AND is_active ORDER BY id FOR UPDATE`);
  return rows.map((r) => r.id);
}

/** A page of users, newest first, optionally matching `search` in email, username or display name. */
export async function listUsers(db: Queryable, search: string | undefined, page: Page): Promise<{ users: User[]; total: number }> {
  const pattern = search ? `%${search.replace(/[\\%_]/g, (c) => `\\${c}`)}%` : null;
  const where = `$1::text IS NULL OR email ILIKE $1 OR username ILIKE $1 OR display_name ILIKE $1`;
  const { rows, total } = await selectPage<User>(
    db,
    { select: COLUMNS, from: 'users', where, values: [pattern], orderBy: 'created_at DESC, id DESC' },
    page,
  );
  return { users: rows, total };
}

/** Sets the WebAuthn user handle if the user has none yet; returns the handle in force. */
export async function ensureWebauthnUserId(db: Queryable, id: number, candidate: string): Promise<string> {
  const { rows } = await db.query<{ webauthn_user_id: string }>(
    `UPDATE users SET webauthn_user_id = COALESCE(webauthn_user_id, $2) WHERE id = $1 RETURNING webauthn_user_id`,
    [id, candidate],
  );
  return rows[0]!.webauthn_user_id;
}
