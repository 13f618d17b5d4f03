import { appDeps } from '../server/compose';
import { transcodeExpiry, workOptions } from '../server/jobs';
import { jobHandlers } from '../services/jobs/handlers';
import { PgBossQueue } from '../services/jobs/pg-boss-queue';
import { runWithDatabase } from './lib/with-database';

// npm run worker — works the job queue (gift mail, reconciliation, scheduled
// publication …) in a process of its own, for operators who run the app
// servers with JOBS_WORKER=off. Any number may run: each job runs once. Stops
// on SIGTERM or SIGINT after the jobs in hand finish (SHUTDOWN_TIMEOUT_MS);
// what it could not finish runs again on another worker.
void runWithDatabase('worker', async ({ config, db, logger, connectionString }) => {
  const queue = await PgBossQueue.start(connectionString, logger, { transcodeSeconds: transcodeExpiry(config) });
  const deps = appDeps({ config, db, logger }, { jobs: queue });
  await queue.work(jobHandlers(deps, logger), workOptions(db, config));
  logger.info('working the job queue');
  await new Promise<void>((resolve) => {
    process.once('SIGTERM', resolve);
    process.once('SIGINT', resolve);
  });
  logger.info('stopping: finishing the jobs in hand');
  await queue.stop(config.shutdownTimeoutMs);
  await deps.background.drain();
  await deps.storage.close();
});
