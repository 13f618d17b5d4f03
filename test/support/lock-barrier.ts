import pg from 'pg';
import { until } from './until';

/**
 * A barrier for races: rows locked (`lockSql`, a SELECT … FOR UPDATE) from a
 * connection of the test's own, held while the racing requests reach them,
 * and released once `waitFor(n)` has seen n sessions of this database
 * waiting on a lock. Code that locks those rows waits its turn; code that
 * forgot to lock reads them unlocked meanwhile and is caught deciding on
 * what it read.
 */
export async function lockBarrier(pool: pg.Pool, lockSql: string, values: unknown[]) {
  const connect = async () => {
    const client = new pg.Client({
      connectionString: (pool as unknown as { options: { connectionString: string } }).options.connectionString,
    });
    await client.connect();
    return client;
  };
  const [holder, watcher] = [await connect(), await connect()];
  await holder.query('BEGIN');
  await holder.query(lockSql, values);
  let held = true;
  const release = async () => {
    if (held) await holder.query('COMMIT');
    held = false;
  };
  const waiting = async () =>
    (
      await watcher.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`,
      )
    ).rows[0]!.n;
  return {
    waitFor: (n: number, what: string) => until(async () => (await waiting()) >= n, what),
    release,
    close: async () => {
      await release();
      await Promise.all([holder.end(), watcher.end()]);
    },
  };
}
