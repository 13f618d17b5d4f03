import type { Queryable } from '../pool';

/** A secret the app servers share (table server_secrets, made by migration 0008). */
export async function findServerSecret(db: Queryable, name: string): Promise<Buffer | undefined> {
  const { rows } = await db.query<{ secret: Buffer }>('SELECT secret FROM server_secrets WHERE name = $1', [name]);
  return rows[0]?.secret;
}
