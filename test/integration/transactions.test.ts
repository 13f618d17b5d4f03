import { withTransaction, type Tx } from '../../db/pool';
import { lockOrder } from '../../db/repos/orders.repo';
import { useTestDatabase } from '../support/db';
import { buildUser } from '../support/factories';

const db = useTestDatabase();

/** Never called: the type checker (npm run lint) fails if the pool is accepted where a transaction is required. */
export function typeChecks(pool: typeof db.pool, tx: Tx) {
  // @ts-expect-error a row lock on the pool would end with its own statement
  void lockOrder(pool, 1);
  void lockOrder(tx, 1);
}

describe('withTransaction', () => {
  it('commits what the function did when it resolves, and rolls all of it back when it throws', async () => {
    const kept = await withTransaction(db.pool, async (tx) => buildUser(tx));
    await expect(
      withTransaction(db.pool, async (tx) => {
        await buildUser(tx, { username: 'rolled_back' });
        throw new Error('changed my mind');
      }),
    ).rejects.toThrow('changed my mind');
    const names = (
      await db.pool.query<{ username: string }>('SELECT username FROM users WHERE id = $1 OR username = $2', [kept.id, 'rolled_back'])
    ).rows;
    expect(names).toEqual([{ username: kept.username }]);
  });

  it('releases its client either way', async () => {
    for (let i = 0; i < 8; i++) await withTransaction(db.pool, async () => Promise.reject(new Error('x'))).catch(() => undefined);
    expect(db.pool.totalCount - db.pool.idleCount).toBe(0);
  });
});
