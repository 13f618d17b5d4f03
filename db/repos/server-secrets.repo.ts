import type { Queryable } from '../pool';

/** A secret the app servers share (table server_secrets, made by migration 0008). */
export async function findServerSecret(db: Queryable, name: string): Promise<Buffer | undefined> {
  const { rows } = await db.query<{ secret: Buffer }>('SELECT secret FROM server_secrets WHERE name = $1', [name]);
  return rows[0]?.secret;
}

const loaded = new WeakMap<object, Map<string, Promise<Buffer>>>();

/**
 * A shared secret, read once per pool and kept (a failed read is tried
 * again next time: the database may be back). Throws when the row is
 * missing, which means the migrations have not run.
 */
export function serverSecret(db: Queryable, name: string): Promise<Buffer> {
  let byName = loaded.get(db);
  if (!byName) loaded.set(db, (byName = new Map()));
  let secret = byName.get(name);
  if (!secret) {
    secret = findServerSecret(db, name).then((found) => {
      if (!found) throw new Error(`server_secrets has no ${name} row: run the migrations`);
      return found;
    });
    secret.catch(() => byName.delete(name));
    byName.set(name, secret);
  }
  return secret;
}
