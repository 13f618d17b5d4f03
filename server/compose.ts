import { runJobs, startJobQueue } from './jobs';
import type pg from 'pg';
import type { RedisClientType } from 'redis';
import { openDatabase } from '../db/database';
import { migrate } from '../db/migrate';
import { createPool } from '../db/pool';
import { countPublishedTracks } from '../db/repos/tracks.repo';
import { systemClock } from '../lib/clock';
import { redactConnectionString, type Logger } from '../lib/logger';
import { Background } from '../services/background';
import { InlineQueue } from '../services/jobs/inline-queue';
import { Ffmpeg } from '../services/audio/ffmpeg';
import { jobHandlers } from '../services/jobs/handlers';
import { seedDemoCatalog } from '../services/demo-catalog.service';
import { smtpMailer } from '../services/mail/mailer';
import { OutboxMailer } from '../services/mail/outbox.mailer';
import { createPaypalGateway } from '../services/payments/paypal-gateway';
import { PlayRecorder } from '../services/plays/play-recorder';
import { PaymentCredentials } from '../services/payments/credential-check';
import type { PaymentGateway } from '../services/payments/payment-gateway';
import { PlayTokens } from '../services/plays/play-token';
import { createStorage } from '../services/storage/create-storage';
import { sweepTemporaries } from '../services/storage/temp-files';
import { startCacheFeed } from './cache-feed';
import type { AppDeps } from './app';
import type { Config } from './config';
import { startDevPaypalStandin } from './dev-tools';
import type { ShutdownStep } from './lifecycle';
import { StoreMetrics } from './metrics';
import { startMetricsListener } from './metrics-exposure';
import { memoryBackend, redisBackend } from './middleware/rate-limit';

/**
 * The composition root: the one place that turns a configuration into the
 * running parts — database, storage, mail, payments, the play recorder, the
 * change feed, timers — in that order, each with the step that stops it.
 */

const CLEANUP_INTERVAL_MS = 10 * 60_000;
const MIGRATION_TIMEOUT_MS = 30 * 60_000;

/** SMTP when SMTP_URL is set, else the outbox (which logs sign-in links in development). */
export function configuredMailer(config: Readonly<Config>, logger: Logger) {
  return config.mail.smtpUrl
    ? smtpMailer(config.mail.smtpUrl, config.mail.from)
    : new OutboxMailer(logger, config.nodeEnv === 'development');
}

/**
 * The dependencies that start nothing, from the configuration, with any
 * part given in `parts` used instead (tests and benchmarks swap them). The
 * play recorder made here is not started: its caller flushes or starts it.
 */
export function appDeps(base: { config: Readonly<Config>; db: pg.Pool; logger: Logger }, parts: Partial<AppDeps> = {}): AppDeps {
  const { config, db, logger } = base;
  const background = parts.background ?? new Background(logger);
  const deps: AppDeps = {
    config,
    db,
    logger,
    rateLimits: parts.rateLimits ?? memoryBackend,
    mailer: parts.mailer ?? configuredMailer(config, logger),
    clock: parts.clock ?? systemClock,
    background,
    storage: parts.storage ?? createStorage(config),
    plays: parts.plays ?? new PlayRecorder(db, logger),
    playTokens: parts.playTokens ?? PlayTokens.fromDatabase(db),
    payments: parts.payments ?? createPaypalGateway(config.paypal),
    accessCache: parts.accessCache,
    listingCounts: parts.listingCounts,
    listingResponses: parts.listingResponses,
    // Without a durable queue (tools, most tests) each job runs at once here, through the same handlers.
    jobs: parts.jobs ?? new InlineQueue(background, () => jobHandlers(deps, logger)),
    ffmpeg: parts.ffmpeg ?? new Ffmpeg(config.ffmpeg),
    metrics: parts.metrics,
    paymentCredentials: parts.paymentCredentials,
  };
  // Read when scraped: the parts as they are then.
  if (!deps.metrics && (config.metrics.token || config.metrics.port)) deps.metrics = new StoreMetrics(deps);
  return deps;
}

export interface Composition {
  deps: AppDeps;
  /** Called if the embedded database this process started dies under it. */
  onDatabaseLost(listener: () => void): void;
}

/**
 * Everything `npm start` runs, started: config → database (migrated, demo
 * data on first start) → storage → rate limits → mail → payments → play
 * recorder → change feed → timers. Each part pushes the step that stops it
 * onto `steps` (to run first-to-last: the newest part stops first), also
 * when a later part fails to start.
 */
export async function composeServer(config: Readonly<Config>, logger: Logger, steps: ShutdownStep[]): Promise<Composition> {
  const database = await openDatabase(config, (message) => logger.info(message));
  steps.unshift({ name: 'database', run: () => database.close() });
  logger.info(`database: ${database.description}`);
  // Migrations may run long statements: their own short-lived pool with a generous timeout.
  const migrations = createPool({ connectionString: database.connectionString, max: 1, statementTimeoutMs: MIGRATION_TIMEOUT_MS });
  try {
    await migrate(migrations, { log: (message) => logger.info(message) });
  } finally {
    await migrations.end();
  }
  const db = createPool({
    connectionString: database.connectionString,
    max: config.dbPoolMax,
    statementTimeoutMs: config.dbTimeouts.statementMs,
    connectTimeoutMs: config.dbTimeouts.connectMs,
  });
  steps.unshift({ name: 'pool', run: () => db.end() });

  const storage = createStorage(config);
  steps.unshift({ name: 'storage', run: () => storage.close() });
  if (config.demoSeed && (await countPublishedTracks(db)) === 0) {
    logger.info('first start: creating the demo catalog (about half a minute)');
    logger.info(
      await seedDemoCatalog(db, storage, { log: (message) => logger.info(message), currency: config.currency }),
      'demo catalog ready',
    );
  }

  let rateLimits = memoryBackend;
  if (config.redisUrl) {
    const redis = connectRedis(config.redisUrl, logger);
    steps.unshift({ name: 'redis', run: async () => void (redis.isReady ? await redis.close() : redis.destroy()) });
    rateLimits = redisBackend(redis, logger);
  }

  const background = new Background(logger);
  steps.unshift({ name: 'background tasks', run: () => background.drain() });
  const mailer = configuredMailer(config, logger);

  // In development with the stand-in and no PAYPAL_STANDIN_URL, a stand-in runs in this
  // process on a loopback port, sending its webhooks here: the whole purchase works offline.
  const { paypal } = config;
  const devStandin = paypal.env === 'standin' && !paypal.standinUrl && config.nodeEnv === 'development';
  const paypalSettings = devStandin ? { ...paypal, standinUrl: await startDevPaypalStandin(config, steps, logger) } : paypal;
  const payments = createPaypalGateway(paypalSettings);
  const paymentCredentials = await checkPaymentCredentials(payments, paypalSettings, config.isProduction, logger);

  const plays = new PlayRecorder(db, logger).start();
  // After the HTTP server has stopped taking requests and before the pool closes: every accepted play is written.
  steps.unshift({ name: 'plays', run: () => plays.stop() });
  const { stop: stopFeed, ...caches } = startCacheFeed(database.connectionString, config.listingCache, logger);
  steps.unshift({ name: 'change feed', run: stopFeed });

  const jobs = await startJobQueue(database.connectionString, config, logger, steps);
  const deps = appDeps(
    { config, db, logger },
    { rateLimits, mailer, background, storage, plays, payments, paymentCredentials, ...caches, jobs },
  );
  await startTimers(deps, steps);
  await runJobs(jobs, deps, steps);
  if (deps.metrics && config.metrics.port)
    await startMetricsListener(deps.metrics, { host: config.metrics.host, port: config.metrics.port }, steps, logger);
  return { deps, onDatabaseLost: (listener) => database.onUnexpectedExit(listener) };
}

/**
 * Signs in to PayPal once at start, so bad credentials or an unreachable
 * PayPal show in the log (and in /readyz) before the first sale, not at it.
 * The log says which PayPal and why it failed, never the secret. A store
 * running the stand-in in production (ALLOW_PAYPAL_STANDIN=staging) says so
 * on every start.
 */
async function checkPaymentCredentials(
  payments: PaymentGateway,
  paypal: Config['paypal'],
  isProduction: boolean,
  logger: Logger,
): Promise<PaymentCredentials> {
  const credentials = new PaymentCredentials(payments);
  const { ok, reason } = await credentials.verify();
  const which = paypal.env === 'standin' ? `the stand-in at ${paypal.standinUrl ?? '(none configured)'}` : `PayPal ${paypal.env}`;
  if (ok) logger.info(`payments: ${which} accepted the store's credentials (client id ${paypal.clientId.slice(0, 6)}…)`);
  else logger.error({ reason }, `payments: ${which} did not accept the store's credentials; checkout fails until this is fixed`);
  if (isProduction && paypal.env === 'standin')
    logger.warn(
      'PAYPAL_ENV=standin in production (ALLOW_PAYPAL_STANDIN=staging): no money moves. For staging smoke tests only, never a public store.',
    );
  return credentials;
}

/**
 * The rate-limit counters' Redis. Nothing waits for it: the store starts and
 * serves while Redis is down (each limiter does what its `whenDown` says),
 * commands fail at once while it is disconnected (no offline queue to hang
 * in), and it is reconnected every few seconds without a restart.
 */
export function connectRedis(url: string, logger: Logger): RedisClientType {
  // Loaded only when used: a store without Redis does not carry the client in every process.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { createClient } = require('redis') as typeof import('redis');
  const redis = createClient({
    url,
    disableOfflineQueue: true,
    socket: { connectTimeout: 2_000, reconnectStrategy: (retries: number) => Math.min(100 * 2 ** retries, 3_000) },
  }) as RedisClientType;
  let reported = false;
  redis.on('error', (err) => {
    // Once per outage, not once per reconnection attempt.
    if (!reported) logger.warn({ err: redactConnectionString(String(err)) }, 'redis: connection failed; retrying');
    reported = true;
  });
  redis.on('ready', () => {
    if (reported) logger.info('redis: connected again');
    reported = false;
  });
  redis.connect().catch(() => undefined); // failures are reported above and retried by the client
  return redis;
}

/**
 * This machine's upkeep: temporary files a crash left in its UPLOAD_DIR
 * (now, and every 10 minutes) — local to each server, so not a queued job.
 * Expired records, reconciliation and publication are jobs (server/jobs.ts).
 */
async function startTimers(deps: AppDeps, steps: ShutdownStep[]): Promise<void> {
  const { config, logger } = deps;
  const sweep = () =>
    sweepTemporaries(config.uploadDir, systemClock())
      .then((swept) => swept.removed > 0 && logger.info(swept, 'leftover temporary files removed'))
      .catch((err: unknown) => logger.error({ err }, 'sweeping temporary files failed'));
  await sweep(); // what a crash before this start left behind
  const timer = setInterval(() => void sweep(), CLEANUP_INTERVAL_MS);
  timer.unref();
  steps.unshift({ name: 'temporary files timer', run: async () => clearInterval(timer) });
}
