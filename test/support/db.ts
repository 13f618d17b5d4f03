import type pg from 'pg';
import { createPool } from '../../db/pool';
import { ENV_TEMPLATE, createDatabase, dropDatabase, newDatabaseName, requireEnv } from './cluster';

export interface TestDatabase {
  /** Pool on this file's own database; valid between beforeAll and afterAll. */
  readonly pool: pg.Pool;
  readonly url: string;
  readonly name: string;
  /** Runs `close` before the database is dropped (hooks run in the order they are declared, and this file's came first). */
  beforeDrop(close: () => Promise<void>): void;
}

/**
 * Gives the calling test file a database of its own, cloned from the migrated
 * template in beforeAll and dropped in afterAll.
 */
export function useTestDatabase(): TestDatabase {
  const state: { pool?: pg.Pool; url?: string; name?: string } = {};
  const closers: (() => Promise<void>)[] = [];
  beforeAll(async () => {
    state.name = newDatabaseName('file');
    state.url = await createDatabase(state.name, requireEnv(ENV_TEMPLATE));
    // Fixtures load in bulk (100,000 tracks for the query-plan tests): a generous statement timeout.
    state.pool = createPool({ connectionString: state.url, max: 5, statementTimeoutMs: 120_000 });
  });
  afterAll(async () => {
    try {
      for (const close of closers.splice(0).reverse()) await close();
    } finally {
      await state.pool?.end();
      if (state.name) await dropDatabase(state.name);
    }
  });
  return {
    get pool() {
      if (!state.pool) throw new Error('the test database exists only inside tests (after beforeAll)');
      return state.pool;
    },
    get url() {
      return state.url!;
    },
    get name() {
      return state.name!;
    },
    beforeDrop(close) {
      closers.push(close);
    },
  };
}
