import fs from 'node:fs';
import type http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type pg from 'pg';
import { startChangeFeed } from '../../db/change-feed';
import { startEmbeddedPostgres, isAlive, type EmbeddedPostgres } from '../../db/embedded';
import { migrate } from '../../db/migrate';
import { createPool } from '../../db/pool';
import { testConfig, testApp } from '../support/app';
import { buildTrack } from '../support/factories';
import { until } from '../support/until';

/**
 * The database misbehaving under a running store, on a PostgreSQL of this
 * file's own (an embedded one in a temporary folder, whatever DATABASE_URL
 * says), since the tests freeze and stop it.
 */

jest.setTimeout(120_000);

const STATEMENT_MS = 1_000;
const REQUEST_MS = 2_500;
let dir: string;
let embedded: EmbeddedPostgres;
let pool: pg.Pool;
let server: http.Server;
let base: string;

/** The postmaster and every backend it forked (from /proc). */
function serverProcesses(): number[] {
  const postmaster = Number(fs.readFileSync(path.join(dir, 'postgres', 'postmaster.pid'), 'utf8').split('\n')[0]);
  const children = fs
    .readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .filter((pid) => {
      try {
        const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
        return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === postmaster;
      } catch {
        return false; // gone meanwhile
      }
    })
    .map(Number);
  return [postmaster, ...children];
}
const signalAll = (signal: NodeJS.Signals) => serverProcesses().forEach((pid) => process.kill(pid, signal));

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sn-outage-'));
  fs.chmodSync(dir, 0o755); // PostgreSQL may run as another user when we are root
  embedded = await startEmbeddedPostgres({ dataDir: dir, database: 'outage' });
  const setup = createPool({ connectionString: embedded.connectionString, max: 1 });
  await migrate(setup);
  await buildTrack(setup, { name: 'Outage song' });
  await setup.end();
  pool = createPool({
    connectionString: embedded.connectionString,
    max: 4,
    statementTimeoutMs: STATEMENT_MS,
    connectTimeoutMs: STATEMENT_MS,
    idleTimeoutMs: 500,
  });
  const config = testConfig({ REQUEST_TIMEOUT_MS: String(REQUEST_MS), RATE_LIMIT_MAX: '100000' });
  const app = testApp(pool, { config });
  server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});

afterAll(async () => {
  if (fs.existsSync(path.join(dir, 'postgres', 'postmaster.pid'))) signalAll('SIGCONT');
  server?.closeAllConnections();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  await pool?.end().catch(() => undefined);
  await embedded?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

it('ends every request with 503 within the deadline while PostgreSQL is frozen, holds no pool client, and recovers', async () => {
  // Warm the pool: some requests will meet open connections, others must connect.
  await Promise.all(Array.from({ length: 4 }, () => fetch(`${base}/api/tracks`).then((r) => expect(r.status).toBe(200))));
  signalAll('SIGSTOP');
  try {
    const started = Date.now();
    const replies = await Promise.all(
      [
        '/api/tracks',
        '/api/tracks?q=song',
        '/api/genres',
        '/api/tracks/1',
        '/api/tracks/1/stream',
        '/readyz',
        '/api/design-system',
        '/api/tracks',
      ].map(async (url) => {
        const res = await fetch(`${base}${url}`);
        return { url, status: res.status, ms: Date.now() - started };
      }),
    );
    for (const reply of replies) {
      expect({ url: reply.url, status: reply.status }).toEqual({ url: reply.url, status: 503 });
      expect(reply.ms).toBeLessThan(REQUEST_MS + 1_500);
    }
    // Every client that waited on the frozen server was given up, none is still checked out.
    await until(() => pool.totalCount - pool.idleCount === 0 && pool.waitingCount === 0, 'the pool to let go of its clients', 5_000);
  } finally {
    signalAll('SIGCONT');
  }
  await until(async () => (await fetch(`${base}/api/tracks`)).status === 200, 'the store to serve again', 10_000);
});

it('lets a PostgreSQL told to stop (SIGTERM, smart shutdown) finish stopping although the change feed listens', async () => {
  let live = false;
  const feed = startChangeFeed(
    { connectionString: embedded.connectionString },
    { onChange: () => undefined, onLive: (l) => (live = l) },
    { probeIntervalMs: 200 },
  );
  try {
    await until(() => live, 'the feed to listen');
    await fetch(`${base}/api/tracks`); // and the pool holds (idle) connections too
    const [postmaster] = serverProcesses();
    process.kill(postmaster!, 'SIGTERM');
    await until(() => !isAlive(postmaster!), 'PostgreSQL to finish its shutdown', 10_000);
    expect(live).toBe(false);
    expect((await fetch(`${base}/api/tracks`)).status).toBe(503);
  } finally {
    await feed.stop();
  }
});
