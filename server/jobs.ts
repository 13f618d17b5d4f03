import type { Queryable } from '../db/pool';
import type { Logger } from '../lib/logger';
import { jobHandlers } from '../services/jobs/handlers';
import { JOBS, type JobName } from '../services/jobs/job-queue';
import { PgBossQueue } from '../services/jobs/pg-boss-queue';
import type { AppDeps } from './app';
import type { Config } from './config';
import type { ShutdownStep } from './lifecycle';

/** How long a job that runs ffmpeg may run before it is taken as lost: ffmpeg's limit and two minutes to copy the master in and the result out. */
export const transcodeExpiry = (config: Readonly<Config>) => Math.ceil(config.ffmpeg.timeoutMs / 1000) + 120;

/** How a process works the queue: heartbeats for long jobs, and as many of them at once as ffmpeg may run. */
export const workOptions = (db: Queryable, config: Readonly<Config>) => ({
  heartbeat: { db, seconds: config.jobHeartbeatSeconds },
  longAtOnce: config.ffmpeg.concurrency,
});

/** The durable job queue of a server: started before the app, stopped before the database pool. */
export async function startJobQueue(connectionString: string, config: Readonly<Config>, logger: Logger, steps: ShutdownStep[]) {
  const queue = await PgBossQueue.start(connectionString, logger, { transcodeSeconds: transcodeExpiry(config) });
  steps.unshift({ name: 'job queue', run: () => queue.stop(config.shutdownTimeoutMs) });
  return queue;
}

/**
 * Works the queue in this server (JOBS_WORKER=server, the default; `off`
 * leaves it to `npm run worker`), and every server enqueues the periodic
 * jobs: one per time slot however many servers run (a singleton key), so
 * reconciliation and scheduled publication happen once, on whichever
 * process takes the job — and still happen after a restart.
 */
export async function runJobs(queue: PgBossQueue, deps: AppDeps, steps: ShutdownStep[]): Promise<void> {
  const { config, logger } = deps;
  if (config.jobsWorker === 'server') await queue.work(jobHandlers(deps, logger), workOptions(deps.db, config));
  const every = (name: JobName, ms: number) => {
    const seconds = Math.max(1, Math.round(ms / 1000));
    const enqueue = () =>
      queue
        .send(name, {}, { singletonKey: name, singletonSeconds: seconds })
        .catch((err: unknown) => logger.error({ err, job: name }, 'could not queue a periodic job'));
    void enqueue(); // what came due while no server ran
    const timer = setInterval(() => void enqueue(), ms);
    timer.unref();
    steps.unshift({ name: `${name} timer`, run: async () => clearInterval(timer) });
  };
  every(JOBS.reconcilePayments, config.reconcileIntervalMs);
  every(JOBS.publishReleases, config.releasePublishIntervalMs);
  every(JOBS.salesDigest, 3_600_000); // hourly; each artist's digest of a day is sent once
  every(JOBS.cleanup, 10 * 60_000);
}
