import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type pg from 'pg';
import { startEmbeddedPostgres } from '../../db/embedded';
import { migrate } from '../../db/migrate';
import { createPool } from '../../db/pool';

/**
 * Runs a benchmark against its own embedded PostgreSQL in a temporary folder
 * (migrated, removed afterwards), so benchmarks never touch the store's data.
 */
export async function withBenchDatabase(
  name: string,
  fn: (bench: { dir: string; pool: pg.Pool; url: string }) => Promise<void>,
  options: { poolMax?: number } = {},
): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `sn-bench-${name}-`));
  fs.chmodSync(dir, 0o755); // the embedded server may run as another user when benchmarks run as root
  const embedded = await startEmbeddedPostgres({ dataDir: path.join(dir, 'data') });
  const pool = createPool({ connectionString: embedded.connectionString, max: options.poolMax });
  try {
    await migrate(pool);
    await fn({ dir, pool, url: embedded.connectionString });
  } finally {
    await pool.end();
    await embedded.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
