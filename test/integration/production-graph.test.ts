import fs from 'node:fs';
import path from 'node:path';
import { projectRoot } from '../../lib/paths';
import { createDatabase, dropDatabase, newDatabaseName, requireEnv, ENV_TEMPLATE } from '../support/cluster';
import { freePort, startServer, waitForStatus } from '../support/server-process';
import { tempDir } from '../support/temp-dir';

/**
 * Development tools (dev/: the PayPal stand-in) stay out of the production
 * graph: a production start loads no file under dev/, while a development
 * start with the in-process stand-in does (so the audit is not vacuous).
 */

jest.setTimeout(120_000);
const work = tempDir('sn-graph-');
const devDir = path.join(projectRoot, 'dev') + path.sep;

/** Starts the server with `env`, waits until it is ready, stops it, and returns the project files it loaded. */
async function loadedBy(env: Record<string, string>): Promise<string[]> {
  const name = newDatabaseName('graph');
  const url = await createDatabase(name, requireEnv(ENV_TEMPLATE));
  const port = await freePort();
  const out = path.join(work, `${name}.json`);
  try {
    const server = startServer(
      { ...env, DATABASE_URL: url, PORT: String(port), UPLOAD_DIR: path.join(work, name), LOG_LEVEL: 'warn', LOADED_MODULES_FILE: out },
      path.join('test', 'support', 'loaded-modules-entry.ts'),
    );
    await waitForStatus(`http://127.0.0.1:${port}/readyz`, 200, server);
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
    return (JSON.parse(fs.readFileSync(out, 'utf8')) as string[]).filter(
      (file) => file.startsWith(projectRoot) && !file.includes('node_modules'),
    );
  } finally {
    await dropDatabase(name);
  }
}

it('loads no module under dev/ when started in production', async () => {
  const loaded = await loadedBy({
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    APP_ORIGIN: 'https://store.example',
    SMTP_URL: 'smtp://127.0.0.1:2525',
    MAIL_FROM: 'Song-Nexus <store@store.example>',
    PAYPAL_ENV: 'sandbox',
    PAYPAL_CLIENT_ID: 'client',
    PAYPAL_CLIENT_SECRET: 'secret',
    PAYPAL_WEBHOOK_ID: 'WH1234567890',
  });
  expect(loaded.some((file) => file.endsWith(path.join('server', 'compose.ts')))).toBe(true);
  expect(loaded.filter((file) => file.startsWith(devDir))).toEqual([]);
});

it('loads the PayPal stand-in from dev/ when development asks for it', async () => {
  const loaded = await loadedBy({ NODE_ENV: 'development', DEMO_SEED: 'false', PAYPAL_ENV: 'standin' });
  expect(loaded).toContain(path.join(devDir, 'paypal', 'standin.ts'));
});
