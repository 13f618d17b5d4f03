import pg from 'pg';
import { offsetOf, type Page } from '../lib/page';

/** Anything that runs a query: the pool or a client inside a transaction. */
export type Queryable = Pick<pg.Pool | pg.PoolClient, 'query'>;

/** The first row a statement returns, if any. */
export async function firstRow<Row extends pg.QueryResultRow>(
  db: Queryable,
  sql: string,
  values: unknown[] = [],
): Promise<Row | undefined> {
  const { rows } = await db.query<Row>(sql, values);
  return rows[0];
}

/** A query split into its clauses, so one page of it and the count of all its rows can be built from it. */
export interface PagedQuery {
  select: string;
  from: string;
  /** A condition over `values` ($1, $2, …); every row when absent. */
  where?: string;
  values?: unknown[];
  orderBy: string;
}

/** The two statements behind selectPage: the page's rows, and the count of all rows. */
function pageStatements(
  query: PagedQuery,
  page: Page,
): { rows: { text: string; values: unknown[] }; count: { text: string; values: unknown[] } } {
  const values = query.values ?? [];
  const where = query.where ? `WHERE (${query.where})` : '';
  return {
    rows: {
      text: `SELECT ${query.select} FROM ${query.from} ${where} ORDER BY ${query.orderBy} LIMIT $${values.length + 1} OFFSET $${values.length + 2}`,
      values: [...values, page.pageSize, offsetOf(page)],
    },
    count: { text: `SELECT count(*)::int AS n FROM ${query.from} ${where}`, values },
  };
}

/**
 * One page of a query's rows and how many rows it has in all; the two
 * statements run in parallel on the pool.
 */
export async function selectPage<Row extends pg.QueryResultRow>(
  db: Queryable,
  query: PagedQuery,
  page: Page,
): Promise<{ rows: Row[]; total: number }> {
  const statements = pageStatements(query, page);
  const [rows, counted] = await Promise.all([db.query<Row>(statements.rows), db.query<{ n: number }>(statements.count)]);
  return { rows: rows.rows, total: counted.rows[0]!.n };
}

declare const inTransaction: unique symbol;
/**
 * A client inside a transaction that withTransaction began: what row locks,
 * transaction-scoped advisory locks and multi-statement writes take, so the
 * type checker refuses to hand them the pool (where each statement would be
 * a transaction of its own and a lock would end at once).
 */
export type Tx = Pick<pg.PoolClient, 'query'> & { readonly [inTransaction]: true };

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
  /** Longest a statement may run (server side), in ms; default 10 s. */
  statementTimeoutMs?: number;
  /** Longest opening a connection may take, in ms; default 5 s. */
  connectTimeoutMs?: number;
  /** How long an unused connection stays open, in ms; default 30 s. */
  idleTimeoutMs?: number;
}

/** Slack the client-side timeout leaves the server's, so PostgreSQL normally cancels first (57014). */
const CLIENT_TIMEOUT_SLACK_MS = 1_000;

/**
 * Creates a pool. Nothing connects until the first query. Every wait is
 * bounded: connecting (connectTimeoutMs), a statement on the server
 * (statement_timeout), a transaction left idle (twice that), and — for a
 * server that does not answer at all (frozen, partitioned) — the client's own
 * query_timeout a little later. A client whose query timed out is destroyed
 * when released (pool.query and withTransaction release it with the error),
 * never reused.
 */
export function createPool(options: PoolOptions): pg.Pool {
  const statementMs = options.statementTimeoutMs ?? 10_000;
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    max: options.max ?? 10,
    idleTimeoutMillis: options.idleTimeoutMs ?? 30_000,
    // Connections are renewed after a minute, so a PostgreSQL told to stop ("smart" shutdown
    // waits for every session) is let go within about a minute even under steady traffic.
    maxLifetimeSeconds: 60,
    connectionTimeoutMillis: options.connectTimeoutMs ?? 5_000,
    application_name: options.applicationName ?? 'song-nexus',
    statement_timeout: statementMs,
    idle_in_transaction_session_timeout: statementMs * 2,
    query_timeout: statementMs + CLIENT_TIMEOUT_SLACK_MS,
  });
  // An idle client that loses its server (restart, failover) emits 'error' on
  // the pool; without a listener that would crash the process. The next query
  // simply gets a fresh connection.
  pool.on('error', () => undefined);
  // A client that loses its server while checked out (a backend terminated
  // mid-transaction) emits 'error' on itself, where the pool listens only
  // while it is idle: the statement in flight fails with the cause, the
  // client is destroyed when released, and the process carries on.
  pool.on('connect', (client) => client.on('error', () => undefined));
  return pool;
}

/**
 * Runs `fn` inside a transaction on one client of the pool: COMMIT when it
 * resolves, ROLLBACK when it throws. The client is always released, and a
 * client whose rollback failed is destroyed rather than reused.
 */
export async function withTransaction<T>(pool: pg.Pool, fn: (tx: Tx) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query('BEGIN');
    const result = await fn(client as unknown as Tx);
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
