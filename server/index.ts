import type http from 'node:http';
import { createClient, type RedisClientType } from 'redis';
import { openDatabase } from '../db/database';
import { migrate } from '../db/migrate';
import { createPool } from '../db/pool';
import { countPublishedTracks } from '../db/repos/tracks.repo';
import { Background } from '../services/background';
import { deleteExpired } from '../services/cleanup.service';
import { startPaypalStandin } from '../scripts/standins/paypal/standin';
import { reconcileStaleOrders } from '../services/checkout/reconcile.service';
import { createPaypalGateway } from '../services/payments/paypal-gateway';
import { systemClock } from '../services/clock';
import { DEMO_ADMIN_EMAIL, DEMO_ARTIST_EMAILS, seedDemoCatalog } from '../services/demo-catalog.service';
import { smtpMailer } from '../services/mail/mailer';
import { PlayRecorder } from '../services/plays/play-recorder';
import { OutboxMailer } from '../services/mail/outbox.mailer';
import { createStorage } from '../services/storage/create-storage';
import { sweepTemporaries } from '../services/storage/temp-files';
import { startAccessCache } from './access-feed';
import { createApp } from './app';
import { fatalHandler } from './fatal';
import { loadConfig, type Config } from './config';
import { shutdown, type ShutdownStep } from './lifecycle';
import { createLogger, redactConnectionString, type Logger } from './logger';
import { memoryBackend, redisBackend } from './middleware/rate-limit';

const CLEANUP_INTERVAL_MS = 10 * 60_000;
const MIGRATION_TIMEOUT_MS = 30 * 60_000;

/** Start-up: config → database → migrations → (demo data) → listen; then wait for a signal. */
async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  const steps: ShutdownStep[] = [];
  let server: http.Server | undefined;
  let stopping = false;

  const stop = async (reason: string, code: number) => {
    if (stopping) return;
    stopping = true;
    logger.info({ reason }, 'shutting down');
    const ok = await shutdown(server, steps, config.shutdownTimeoutMs, logger);
    logger.info('stopped');
    process.exit(ok ? code : 1);
  };
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.on(signal, () => void stop(signal, 0));
  }
  const fatal = fatalHandler(logger, (reason) => void stop(reason, 1));
  process.on('unhandledRejection', fatal);
  process.on('uncaughtException', fatal);

  try {
    const database = await openDatabase(config, (message) => logger.info(message));
    steps.unshift({ name: 'database', run: () => database.close() });
    // The embedded PostgreSQL this process started died (killed, crashed, out of memory): the
    // store cannot work without it. Exit non-zero so that a supervisor restarts us, and with us it.
    database.onUnexpectedExit(() => {
      logger.fatal('the embedded PostgreSQL exited on its own; stopping so a supervisor can restart the store');
      void stop('embedded database exited', 1);
    });
    logger.info(`database: ${database.description}`);
    // Migrations may run long statements: their own short-lived pool with a generous timeout.
    const migrations = createPool({ connectionString: database.connectionString, max: 1, statementTimeoutMs: MIGRATION_TIMEOUT_MS });
    try {
      await migrate(migrations, { log: (message) => logger.info(message) });
    } finally {
      await migrations.end();
    }
    const pool = createPool({
      connectionString: database.connectionString,
      max: config.dbPoolMax,
      statementTimeoutMs: config.dbTimeouts.statementMs,
      connectTimeoutMs: config.dbTimeouts.connectMs,
    });
    steps.unshift({ name: 'pool', run: () => pool.end() });

    const storage = createStorage(config);
    if (config.demoSeed && (await countPublishedTracks(pool)) === 0) {
      logger.info('first start: creating the demo catalog (about half a minute)');
      const seeded = await seedDemoCatalog(pool, storage, {
        log: (message) => logger.info(message),
      });
      logger.info(seeded, 'demo catalog ready');
    }

    let rateLimits = memoryBackend;
    if (config.redisUrl) {
      const redis: RedisClientType = createClient({ url: config.redisUrl });
      redis.on('error', (err) => logger.error({ err: redactConnectionString(String(err)) }, 'redis error'));
      await redis.connect();
      steps.unshift({ name: 'redis', run: async () => void (await redis.quit()) });
      rateLimits = redisBackend(redis);
    }

    const background = new Background(logger);
    steps.unshift({ name: 'background tasks', run: () => background.drain() });
    const mailer = config.mail.smtpUrl
      ? smtpMailer(config.mail.smtpUrl, config.mail.from)
      : new OutboxMailer(logger, config.nodeEnv === 'development');
    const sweep = () =>
      sweepTemporaries(config.uploadDir, systemClock())
        .then((swept) => swept.removed > 0 && logger.info(swept, 'leftover temporary files removed'))
        .catch((err: unknown) => logger.error({ err }, 'sweeping temporary files failed'));
    await sweep(); // what a crash before this start left behind
    const cleanup = setInterval(() => {
      deleteExpired({ db: pool, clock: systemClock })
        .then((removed) => logger.info(removed, 'expired sessions, links and challenges removed'))
        .catch((err: unknown) => logger.error({ err }, 'cleanup failed'));
      void sweep();
    }, CLEANUP_INTERVAL_MS);
    cleanup.unref();
    steps.unshift({ name: 'cleanup timer', run: async () => clearInterval(cleanup) });

    const payments = await paymentGateway(config, steps, logger);
    const reconcile = setInterval(() => {
      reconcileStaleOrders({ db: pool, clock: systemClock, payments }, { onError: (order, err) => logger.warn({ err, orderId: order.id }, 'reconciling an order failed') })
        .then((summary) => summary.checked > 0 && logger.info(summary, 'payments reconciled'))
        .catch((err: unknown) => logger.error({ err }, 'payment reconciliation failed'));
    }, config.reconcileIntervalMs);
    reconcile.unref();
    steps.unshift({ name: 'reconciliation timer', run: async () => clearInterval(reconcile) });

    const { cache: accessCache, stop: stopFeed } = startAccessCache(database.connectionString, logger);
    steps.unshift({ name: 'access change feed', run: stopFeed });

    const plays = new PlayRecorder(pool, logger).start();
    // After the HTTP server has stopped taking requests and before the pool closes: every accepted play is written.
    steps.unshift({ name: 'plays', run: () => plays.stop() });
    const app = createApp({ config, db: pool, logger, rateLimits, mailer, background, storage, plays, payments, accessCache });
    server = app.listen(config.port, config.host);
    await new Promise<void>((resolve, reject) => {
      server!.once('listening', resolve);
      server!.once('error', reject);
    });
    if (stopping) return;
    logger.info(`Song-Nexus is listening on ${config.appOrigin} (bound to ${config.host}:${config.port})`);
    if (config.demoSeed) {
      logger.info(
        `demo accounts: admin ${DEMO_ADMIN_EMAIL}; artists ${DEMO_ARTIST_EMAILS.join(', ')}. ` +
          `Ask for a sign-in link with POST /api/auth/magic-link {"email": …}; ${config.mail.smtpUrl ? 'it arrives by mail' : `it appears at ${config.appOrigin}/dev/outbox and in this log`}.`,
      );
    }
  } catch (err) {
    logger.fatal({ err: redactConnectionString(err instanceof Error ? err.message : String(err)) }, 'start-up failed');
    await stop('start-up failed', 1);
  }
}


/**
 * PayPal as configured. In development with the stand-in and no
 * PAYPAL_STANDIN_URL, a stand-in is started in this process on a loopback
 * port, sending its webhooks to this store — the whole purchase works offline.
 */
async function paymentGateway(config: Readonly<Config>, steps: ShutdownStep[], logger: Logger) {
  const { paypal } = config;
  if (paypal.env !== 'standin' || paypal.standinUrl || config.nodeEnv !== 'development') return createPaypalGateway(paypal);
  const standin = await startPaypalStandin({ ...paypal, webhookUrl: `${config.appOrigin}/api/webhooks/paypal` });
  steps.push({ name: 'PayPal stand-in', run: () => standin.close() });
  logger.info(`PayPal stand-in (offline checkout) listening on ${standin.url}`);
  return createPaypalGateway({ ...paypal, standinUrl: standin.url });
}

void main();
