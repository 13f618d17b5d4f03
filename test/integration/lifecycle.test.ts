import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import pg from 'pg';
import { findRunningEmbedded, isAlive } from '../../db/embedded';
import { shutdown } from '../../server/lifecycle';
import { createLogger } from '../../lib/logger';
import { createDatabase, dropDatabase, newDatabaseName } from '../support/cluster';
import { freePort, startServer, waitForStatus } from '../support/server-process';
import { tempDir } from '../support/temp-dir';
import { buildUser } from '../support/factories';

jest.setTimeout(120_000);

function postmasterPid(dataDir: string): number {
  return Number(fs.readFileSync(path.join(dataDir, 'postgres', 'postmaster.pid'), 'utf8').split('\n')[0]);
}

async function embeddedQuery(dataDir: string, sql: string): Promise<pg.QueryResult> {
  const client = new pg.Client({ connectionString: findRunningEmbedded(dataDir) });
  await client.connect();
  try {
    return await client.query(sql);
  } finally {
    await client.end();
  }
}

const baseEnv = (dataDir: string, port: number) => ({
  NODE_ENV: 'development',
  DEMO_SEED: 'false',
  LOG_LEVEL: 'info',
  PORT: String(port),
  DATA_DIR: dataDir,
  UPLOAD_DIR: path.join(dataDir, 'uploads'),
});

describe('server lifecycle on the embedded database', () => {
  const dataDir = tempDir('sn-life-');

  it('starts, becomes ready, stops on SIGTERM leaving no postgres behind, and reuses its data on the next start', async () => {
    const port = await freePort();
    const first = startServer(baseEnv(dataDir, port));
    await waitForStatus(`http://127.0.0.1:${port}/readyz`, 200, first);
    expect(first.output()).toContain('creating the embedded PostgreSQL cluster');
    const pgPid = postmasterPid(dataDir);
    expect(isAlive(pgPid)).toBe(true);
    await embeddedQuery(dataDir, `INSERT INTO users (email, username) VALUES ('keep@example.test', 'keep')`);

    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);
    expect(isAlive(pgPid)).toBe(false);
    expect(fs.existsSync(path.join(dataDir, 'postgres', 'postmaster.pid'))).toBe(false);

    const second = startServer(baseEnv(dataDir, port));
    await waitForStatus(`http://127.0.0.1:${port}/readyz`, 200, second);
    expect(second.output()).not.toContain('creating the embedded PostgreSQL cluster');
    const { rows } = await embeddedQuery(dataDir, `SELECT username FROM users WHERE email = 'keep@example.test'`);
    expect(rows).toEqual([{ username: 'keep' }]);
    const secondPgPid = postmasterPid(dataDir);

    second.child.kill('SIGINT'); // Ctrl-C
    expect(await second.exited).toBe(0);
    expect(isAlive(secondPgPid)).toBe(false);
  });

  it('exits non-zero for its supervisor when the embedded PostgreSQL it started dies under it', async () => {
    const port = await freePort();
    const server = startServer(baseEnv(dataDir, port));
    await waitForStatus(`http://127.0.0.1:${port}/readyz`, 200, server);
    process.kill(postmasterPid(dataDir), 'SIGKILL');
    expect(await server.exited).toBe(1);
    expect(server.output()).toContain('the embedded PostgreSQL exited on its own');
  });

  it('fails clearly, and stops the database it started, when its port is taken', async () => {
    const blocker = net.createServer();
    const port = await new Promise<number>((resolve) =>
      blocker.listen(0, '127.0.0.1', () => resolve((blocker.address() as net.AddressInfo).port)),
    );
    try {
      const server = startServer(baseEnv(dataDir, port));
      expect(await server.exited).toBe(1);
      expect(server.output()).toMatch(/EADDRINUSE/);
      expect(fs.existsSync(path.join(dataDir, 'postgres', 'postmaster.pid'))).toBe(false);
    } finally {
      blocker.close();
    }
  });
});

describe('server lifecycle on DATABASE_URL', () => {
  it('uses the given server as is: migrates it, starts no embedded database, and leaves it running on exit', async () => {
    const name = newDatabaseName('url');
    const url = await createDatabase(name);
    const dataDir = tempDir('sn-url-');
    try {
      const port = await freePort();
      const server = startServer({ ...baseEnv(dataDir, port), DATABASE_URL: url });
      await waitForStatus(`http://127.0.0.1:${port}/readyz`, 200, server);
      expect(server.output()).not.toContain(url); // the URL holds a password
      server.child.kill('SIGTERM');
      expect(await server.exited).toBe(0);
      expect(fs.existsSync(path.join(dataDir, 'postgres'))).toBe(false);
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      const { rows } = await client.query('SELECT count(*)::int AS n FROM schema_migrations');
      await client.end();
      expect(rows[0].n).toBeGreaterThan(0);
    } finally {
      await dropDatabase(name);
    }
  });
});

describe('payments in development', () => {
  it('signs in to its own PayPal stand-in at start, and the command-line tools reach that stand-in through DATA_DIR', async () => {
    const name = newDatabaseName('pay');
    const url = await createDatabase(name);
    const dataDir = tempDir('sn-pay-');
    const db = new pg.Pool({ connectionString: url, max: 1 });
    let server: ReturnType<typeof startServer> | undefined;
    try {
      const port = await freePort();
      server = startServer({ ...baseEnv(dataDir, port), DATABASE_URL: url });
      await waitForStatus(`http://127.0.0.1:${port}/readyz`, 200, server);
      expect(server.output()).toMatch(/payments: the stand-in at http:\/\/127\.0\.0\.1:\d+ accepted the store's credentials/);
      const ready = (await (await fetch(`http://127.0.0.1:${port}/readyz`)).json()) as { dependencies: Record<string, { ok: boolean }> };
      expect(ready.dependencies.paypal).toMatchObject({ ok: true, required: false });
      const recorded = path.join(dataDir, 'paypal-standin.url');
      expect(fs.statSync(recorded).mode & 0o777).toBe(0o600);

      // An order left CREATED that the stand-in never saw: reconciling asks the stand-in, which says it does not exist.
      const user = await buildUser(db);
      const { rows: made } = await db.query<{ id: number }>(
        `INSERT INTO orders (user_id, paypal_order_id, amount, status, created_at, updated_at)
         VALUES ($1, 'NEVERSEEN0000001', 1.00, 'CREATED', now() - interval '10 minutes', now() - interval '10 minutes') RETURNING id`,
        [user.id],
      );
      const order = made[0]!;
      const cli = startServer({ ...baseEnv(dataDir, port), DATABASE_URL: url }, 'scripts/reconcile-payments.ts');
      expect(await cli.exited).toBe(0);
      const { rows } = await db.query('SELECT status FROM orders WHERE id = $1', [order.id]);
      expect(rows).toEqual([{ status: 'FAILED' }]);

      server.child.kill('SIGTERM');
      expect(await server.exited).toBe(0);
      expect(fs.existsSync(recorded)).toBe(false);
    } finally {
      server?.child.kill('SIGKILL');
      await db.end();
      await dropDatabase(name);
    }
  });
});

describe('server start-up refusals', () => {
  it('exits non-zero naming the problem when DATA_DIR is not a usable folder', async () => {
    const file = path.join(tempDir('sn-file-'), 'not-a-folder');
    fs.writeFileSync(file, 'x');
    const server = startServer(baseEnv(file, await freePort()));
    expect(await server.exited).toBe(1);
    expect(server.output()).toMatch(/DATA_DIR .*not-a-folder is not a writable folder/);
  });

  it('lists every configuration problem and exits non-zero without starting anything', async () => {
    const dataDir = tempDir('sn-badcfg-');
    const server = startServer({ ...baseEnv(dataDir, 3000), PORT: 'eighty', DATABASE_URL: 'mysql://x', LOG_LEVEL: 'loud' });
    expect(await server.exited).toBe(78);
    expect(server.output()).toMatch(/PORT/);
    expect(server.output()).toMatch(/DATABASE_URL/);
    expect(server.output()).toMatch(/LOG_LEVEL/);
    expect(fs.existsSync(path.join(dataDir, 'postgres'))).toBe(false);
  });
});

describe('graceful shutdown', () => {
  async function slowServer(delayMs: number, events: string[] = []) {
    const server = http.createServer((req, res) => {
      const timer = setTimeout(() => res.end('done', () => events.push('response sent')), delayMs);
      req.socket.once('close', () => clearTimeout(timer));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return { server, url: `http://127.0.0.1:${(server.address() as net.AddressInfo).port}/` };
  }

  it('lets an in-flight request finish before running the shutdown steps', async () => {
    const order: string[] = [];
    const { server, url } = await slowServer(300, order);
    const response = fetch(url).then((res) => res.text());
    await new Promise((r) => setTimeout(r, 50));
    const ok = await shutdown(server, [{ name: 'pool', run: async () => void order.push('pool closed') }], 5_000, createLogger('silent'));
    expect(await response).toBe('done');
    expect(ok).toBe(true);
    expect(order).toEqual(['response sent', 'pool closed']);
  });

  it('cuts requests that outlive the timeout and still runs every step', async () => {
    const { server, url } = await slowServer(10_000);
    const response = fetch(url).then(
      () => 'answered',
      () => 'cut',
    );
    await new Promise((r) => setTimeout(r, 50));
    const steps: string[] = [];
    const ok = await shutdown(
      server,
      [
        { name: 'failing', run: async () => Promise.reject(new Error('x')) },
        { name: 'db', run: async () => void steps.push('db') },
      ],
      100,
      createLogger('silent'),
    );
    expect(await response).toBe('cut');
    expect(ok).toBe(false);
    expect(steps).toEqual(['db']);
  });
});
