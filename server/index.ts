import { buildInfo } from '../lib/version';
import type http from 'node:http';
import { createLogger, redactConnectionString } from '../lib/logger';
import { DEMO_ADMIN_EMAIL, DEMO_ARTIST_EMAILS } from '../services/demo-catalog.service';
import { createApp } from './app';
import { composeServer } from './compose';
import { loadConfig } from './config';
import { fatalHandler } from './fatal';
import { shutdown, type ShutdownStep } from './lifecycle';
import { markStopping } from './middleware/request-context';
import { releaseMemoryWhenIdle } from './idle-memory';
import { trimAudioBuffers } from '../routes/audio-bytes';

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
    markStopping();
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
    const { deps, onDatabaseLost } = await composeServer(config, logger, steps);
    // The embedded PostgreSQL this process started died (killed, crashed, out of memory): the
    // store cannot work without it. Exit non-zero so that a supervisor restarts us, and with us it.
    onDatabaseLost(() => {
      logger.fatal('the embedded PostgreSQL exited on its own; stopping so a supervisor can restart the store');
      void stop('embedded database exited', 1);
    });
    const app = createApp(deps);
    server = app.listen(config.port, config.host);
    await new Promise<void>((resolve, reject) => {
      server!.once('listening', resolve);
      server!.once('error', reject);
    });
    if (stopping) return;
    releaseMemoryWhenIdle(server, { trim: trimAudioBuffers, logger });
    const { version, commit } = buildInfo();
    logger.info(
      { commit }, // the version is on every line
      `Song-Nexus ${version}${commit ? ` (${commit.slice(0, 12)})` : ''} is listening on ${config.appOrigin} (bound to ${config.host}:${config.port})`,
    );
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

void main();
