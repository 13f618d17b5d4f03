import pg from 'pg';

/** Anything that runs a query: the pool or a client inside a transaction. */
export type Queryable = Pick<pg.Pool | pg.PoolClient, 'query'>;

// Type parsers are process-wide in node-postgres, so they are set once here,
// where every pool is made:
// - int8 (BIGINT, COUNT(*)): as a JS number. Our bigints are byte sizes,
//   counters and ids far below 2^53, so no precision is lost.
// - numeric: left as the exact decimal string PostgreSQL sends ("0.99"). Money
//   is NUMERIC and must never pass through a float; code turns it into integer
//   cents with services' money helpers.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));
pg.types.setTypeParser(pg.types.builtins.NUMERIC, (v) => v);

export interface PoolOptions {
  connectionString: string;
  max?: number;
  /** Name shown in pg_stat_activity, to tell the app from scripts. */
  applicationName?: string;
}

/** Creates a pool. Nothing connects until the first query. */
export function createPool(options: PoolOptions): pg.Pool {
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    max: options.max ?? 10,
    idleTimeoutMillis: 30_000,
    connectionTimeoutMillis: 5_000,
    application_name: options.applicationName ?? 'song-nexus',
  });
  // An idle client that loses its server (restart, failover) emits 'error' on
  // the pool; without a listener that would crash the process. The next query
  // simply gets a fresh connection.
  pool.on('error', () => undefined);
  return pool;
}

/**
 * Runs `fn` inside a transaction on one client of the pool: COMMIT when it
 * resolves, ROLLBACK when it throws. The client is always released, and a
 * client whose rollback failed is destroyed rather than reused.
 */
export async function withTransaction<T>(pool: pg.Pool, fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query('BEGIN');
    const result = await fn(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    try {
      await client.query('ROLLBACK');
    } catch (rollbackError) {
      broken = rollbackError as Error;
    }
    throw err;
  } finally {
    client.release(broken);
  }
}
