import type { Queryable } from '../pool';

/** Claims a mail's key: true for the one caller that may send it (however many try at once). */
export async function claimMail(db: Queryable, key: string): Promise<boolean> {
  const { rowCount } = await db.query('INSERT INTO sent_mail (mail_key) VALUES ($1) ON CONFLICT DO NOTHING', [key]);
  return (rowCount ?? 0) > 0;
}

/** Gives a claim back (the mail could not be sent): a retry may send it. */
export async function releaseMail(db: Queryable, key: string): Promise<void> {
  await db.query('DELETE FROM sent_mail WHERE mail_key = $1', [key]);
}

/** The artists (id, address) who want their sales mailed as `mode`, of those given (all of them when none are given). */
export async function artistsMailedAs(
  db: Queryable,
  mode: 'each' | 'daily',
  artistIds?: number[],
): Promise<{ id: number; email: string }[]> {
  const { rows } = await db.query<{ id: number; email: string }>(
    `SELECT id, email FROM users WHERE sale_mail = $1 AND is_active AND ($2::int[] IS NULL OR id = ANY($2::int[])) ORDER BY id`,
    [mode, artistIds ?? null],
  );
  return rows;
}

export async function setSaleMail(db: Queryable, userId: number, mode: 'each' | 'daily' | 'off'): Promise<void> {
  await db.query('UPDATE users SET sale_mail = $2 WHERE id = $1', [userId, mode]);
}

export async function saleMailOf(db: Queryable, userId: number): Promise<'each' | 'daily' | 'off' | undefined> {
  const { rows } = await db.query<{ saleMail: 'each' | 'daily' | 'off' }>('SELECT sale_mail AS "saleMail" FROM users WHERE id = $1', [
    userId,
  ]);
  return rows[0]?.saleMail;
}
