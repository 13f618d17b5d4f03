import type { Queryable } from './pool';

/** Round-trips a trivial query; rejects when the database cannot answer. */
export async function ping(db: Queryable): Promise<void> {
  await db.query('SELECT 1');
}
