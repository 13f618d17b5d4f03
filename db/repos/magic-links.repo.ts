import { firstRow, type Queryable } from '../pool';

export interface NewMagicLink {
  email: string;
  userId: number | null;
  tokenHash: string;
  expiresAt: Date;
  createdAt: Date;
  ipAddress: string | null;
  userAgent: string | null;
}

/**
 * Invalidates the unused links of an address that were asked for from
 * `ipAddress` (a newer link from the same requester replaces them), or from
 * anywhere when `ipAddress` is undefined (after a sign-in with one of them).
 */
export async function deleteUnusedLinksFor(db: Queryable, email: string, ipAddress?: string | null): Promise<void> {
  if (ipAddress === undefined) {
    await db.query('DELETE FROM magic_links WHERE email = $1 AND used_at IS NULL', [email]);
  } else {
    await db.query('DELETE FROM magic_links WHERE email = $1 AND used_at IS NULL AND ip_address IS NOT DISTINCT FROM $2', [
      email,
      ipAddress,
    ]);
  }
}

export async function insertMagicLink(db: Queryable, link: NewMagicLink): Promise<void> {
  await db.query(
    `INSERT INTO magic_links (email, user_id, token, expires_at, created_at, ip_address, user_agent)
     VALUES ($1, $2, $3, $4, $5, $6, $7)`,
    [link.email, link.userId, link.tokenHash, link.expiresAt, link.createdAt, link.ipAddress, link.userAgent],
  );
}

/**
 * Marks the link used if it was sent to `email` and is unused and unexpired,
 * in one statement, so of any number of concurrent attempts exactly one gets
 * the row back.
 */
export async function consumeMagicLink(db: Queryable, tokenHash: string, email: string, now: Date): Promise<{ email: string } | undefined> {
  return firstRow<{ email: string }>(
    db,
    `UPDATE magic_links SET used_at = $3
     WHERE token = $1 AND email = $2 AND used_at IS NULL AND expires_at > $3
     RETURNING email`,
    [tokenHash, email, now],
  );
}

/** Why a link could not be consumed: used, expired, or (undefined) unknown. */
export async function findMagicLinkState(
  db: Queryable,
  tokenHash: string,
): Promise<{ email: string; usedAt: Date | null; expiresAt: Date } | undefined> {
  const { rows } = await db.query<{ email: string; used_at: Date | null; expires_at: Date }>(
    'SELECT email, used_at, expires_at FROM magic_links WHERE token = $1',
    [tokenHash],
  );
  const row = rows[0];
  return row && { email: row.email, usedAt: row.used_at, expiresAt: row.expires_at };
}

/** Removes links that can no longer be used (expired, or used a day ago). */
export async function deleteStaleMagicLinks(db: Queryable, now: Date): Promise<number> {
  const { rowCount } = await db.query(`DELETE FROM magic_links WHERE expires_at <= $1 OR used_at <= $1 - interval '1 day'`, [now]);
  return rowCount ?? 0;
}
