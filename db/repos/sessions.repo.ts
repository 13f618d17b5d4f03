import type { Queryable } from '../pool';
import type { Role } from './users.repo';

export interface ActiveSession {
  id: number;
  userId: number;
  role: Role;
  expiresAt: Date;
  lastUsedAt: Date;
}

export async function insertSession(
  db: Queryable,
  s: { tokenHash: string; userId: number; expiresAt: Date; now: Date; ipAddress: string | null; userAgent: string | null },
): Promise<number> {
  const { rows } = await db.query<{ id: number }>(
    `INSERT INTO sessions (token_hash, user_id, created_at, expires_at, last_used_at, ip_address, user_agent)
     VALUES ($1, $2, $3, $4, $3, $5, $6)
     RETURNING id`,
    [s.tokenHash, s.userId, s.now, s.expiresAt, s.ipAddress, s.userAgent],
  );
  return rows[0]!.id;
}

/** The unexpired session of an active user with this token hash. */
export async function findActiveSession(db: Queryable, tokenHash: string, now: Date): Promise<ActiveSession | undefined> {
  // Named: prepared once per connection, since every signed-in request runs it.
  const { rows } = await db.query<{ id: number; user_id: number; role: Role; expires_at: Date; last_used_at: Date }>({
    name: 'sessions.find-active',
    text: `SELECT s.id, s.user_id, u.role, s.expires_at, s.last_used_at
     FROM sessions s JOIN users u ON u.id = s.user_id
     WHERE s.token_hash = $1 AND s.expires_at > $2 AND u.is_active`,
    values: [tokenHash, now],
  });
  const row = rows[0];
  return row && { id: row.id, userId: row.user_id, role: row.role, expiresAt: row.expires_at, lastUsedAt: row.last_used_at };
}

export async function extendSession(db: Queryable, id: number, now: Date, expiresAt: Date): Promise<void> {
  await db.query('UPDATE sessions SET last_used_at = $2, expires_at = $3 WHERE id = $1', [id, now, expiresAt]);
}

export async function deleteSessionByHash(db: Queryable, tokenHash: string): Promise<void> {
  await db.query('DELETE FROM sessions WHERE token_hash = $1', [tokenHash]);
}

/** Ends every session of a user; returns how many there were. */
export async function deleteSessionsOfUser(db: Queryable, userId: number): Promise<number> {
  const { rowCount } = await db.query('DELETE FROM sessions WHERE user_id = $1', [userId]);
  return rowCount ?? 0;
}

export async function deleteExpiredSessions(db: Queryable, now: Date): Promise<number> {
  const { rowCount } = await db.query('DELETE FROM sessions WHERE expires_at <= $1', [now]);
  return rowCount ?? 0;
}
