import type { Queryable } from '../pool';

/** Records (or replaces) the account's pending change of address. */
export async function upsertEmailChange(
  db: Queryable,
  change: { userId: number; newEmail: string; tokenHash: string; expiresAt: Date },
): Promise<void> {
  await db.query(
    `INSERT INTO email_changes (user_id, new_email, token_hash, expires_at) VALUES ($1, $2, $3, $4)
     ON CONFLICT (user_id) DO UPDATE SET new_email = EXCLUDED.new_email, token_hash = EXCLUDED.token_hash,
       expires_at = EXCLUDED.expires_at, created_at = CURRENT_TIMESTAMP`,
    [change.userId, change.newEmail, change.tokenHash, change.expiresAt],
  );
}

/** Takes the pending change a token names, once: the row is deleted; undefined when unknown or expired. */
export async function takeEmailChange(
  db: Queryable,
  tokenHash: string,
  now: Date,
): Promise<{ userId: number; newEmail: string } | undefined> {
  const { rows } = await db.query<{ userId: number; newEmail: string; live: boolean }>(
    `DELETE FROM email_changes WHERE token_hash = $1 RETURNING user_id AS "userId", new_email AS "newEmail", expires_at > $2 AS live`,
    [tokenHash, now],
  );
  const row = rows[0];
  return row?.live ? { userId: row.userId, newEmail: row.newEmail } : undefined;
}

/** Changes the sign-in address; false when another account holds it. */
export async function setUserEmail(db: Queryable, userId: number, email: string): Promise<boolean> {
  const { rowCount } = await db.query(
    `UPDATE users SET email = $2 WHERE id = $1 AND erased_at IS NULL AND NOT EXISTS (SELECT 1 FROM users WHERE email = $2 AND id <> $1)`,
    [userId, email],
  );
  return (rowCount ?? 0) > 0;
}
