import express from 'express';
import { createApp } from '../server/app';
import { parseConfig } from '../server/config';
import { createLogger } from '../lib/logger';
import { createPool } from '../db/pool';
import { listen, load, median } from './lib/http-load';
import { appDeps } from '../server/compose';

/**
 * What the app's shared middleware (request ids and access log, helmet's
 * headers, the origin check, the JSON 404 path) costs per request, as a
 * ratio against a bare express app answering the same JSON on the same
 * machine in the same run. Rounds alternate between the two so that noise
 * from other work on the machine hits both alike; the medians are compared.
 *
 * The route measured is /healthz, which touches no database.
 */
export async function run(): Promise<void> {
  const rounds = 7;
  const requests = 4_000;
  const concurrency = 16;

  const bare = express();
  bare.get('/healthz', (_req, res) => {
    res.set('Cache-Control', 'no-store').json({ status: 'ok' });
  });
  // The pool never connects: /healthz does not query.
  const pool = createPool({ connectionString: 'postgres://bench:bench@127.0.0.1:1/bench' });
  const config = parseConfig({
    NODE_ENV: 'production',
    APP_ORIGIN: 'https://bench.example',
    DATABASE_URL: 'postgres://x@127.0.0.1/x',
    SMTP_URL: 'smtp://127.0.0.1',
    MAIL_FROM: 'x@bench.example',
    PAYPAL_ENV: 'sandbox',
    PAYPAL_CLIENT_ID: 'x',
    PAYPAL_CLIENT_SECRET: 'x',
    PAYPAL_WEBHOOK_ID: 'x',
    RATE_LIMIT_MAX: '1000000',
  });
  // Production settings, logging at the production level into /dev/null.
  const app = createApp(appDeps({ config, db: pool, logger: createLogger('info', { write: () => true }) }));

  const bareServer = await listen(bare);
  const appServer = await listen(app);
  await load(bareServer, '/healthz', 1_000, concurrency); // warm-up
  await load(appServer, '/healthz', 1_000, concurrency);
  const bareRps: number[] = [];
  const appRps: number[] = [];
  for (let i = 0; i < rounds; i++) {
    bareRps.push(await load(bareServer, '/healthz', requests, concurrency));
    appRps.push(await load(appServer, '/healthz', requests, concurrency));
  }
  bareServer.close();
  appServer.close();
  await pool.end();

  const b = median(bareRps);
  const a = median(appRps);
  console.log(`middleware-overhead: GET /healthz, ${rounds} rounds x ${requests} requests, concurrency ${concurrency}`);
  console.log(`  bare express     median ${b.toFixed(0)} req/s`);
  console.log(`  song-nexus app   median ${a.toFixed(0)} req/s`);
  console.log(`  ratio app/bare   ${(a / b).toFixed(2)}`);
}
