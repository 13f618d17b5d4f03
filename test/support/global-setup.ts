import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startEmbeddedPostgres } from '../../db/embedded';
import { migrate } from '../../db/migrate';
import { createPool } from '../../db/pool';
import { ENV_EMBEDDED_DIR, ENV_PREPARED, ENV_RUN_ID, ENV_SERVER_URL, ENV_TEMPLATE, createDatabase, newDatabaseName } from './cluster';

/**
 * Once per `npm test`: a PostgreSQL server (DATABASE_URL when set, else an
 * embedded one in a temporary folder) and a template database with the
 * migrated schema. Each test file clones the template into a database of its
 * own (test/support/db.ts), so files run in parallel and never share rows.
 */
export default async function globalSetup(): Promise<void> {
  if (process.env[ENV_PREPARED]) return; // one cluster for many runs, made and removed by their runner
  buildFrontEnd();
  process.env[ENV_RUN_ID] = crypto.randomBytes(3).toString('hex');
  let serverUrl = process.env.DATABASE_URL;
  if (!serverUrl) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'song-nexus-test-'));
    fs.chmodSync(dir, 0o755); // PostgreSQL may run as another user when we are root
    const embedded = await startEmbeddedPostgres({ dataDir: dir, database: 'postgres' });
    process.env[ENV_EMBEDDED_DIR] = dir;
    serverUrl = embedded.connectionString;
  }
  process.env[ENV_SERVER_URL] = serverUrl;

  const template = newDatabaseName('template');
  const url = await createDatabase(template);
  const pool = createPool({ connectionString: url, max: 1 });
  try {
    await migrate(pool);
  } finally {
    await pool.end();
  }
  process.env[ENV_TEMPLATE] = template;
}

/** The browser code (public/ts → public/js), as `npm run build` makes it: the pages under test load it. */
function buildFrontEnd(): void {
  const root = path.join(__dirname, '..', '..');
  const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  // The contract first: the browser code imports its compiled modules.
  execFileSync(process.execPath, [tsc, '-p', path.join(root, 'contract', 'tsconfig.browser.json')], { stdio: 'inherit' });
  execFileSync(process.execPath, [tsc, '-p', path.join(root, 'public')], { stdio: 'inherit' });
}
