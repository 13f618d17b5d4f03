import PgBoss from 'pg-boss';
import type { Logger } from '../../lib/logger';
import { JOB_NAMES, TRANSCODING_JOBS, type JobCount, type JobHandlers, type JobName, type JobQueue, type SendOptions } from './job-queue';

/** How a job is retried (8 times, from 5 s, doubling) and how long it may run before it counts as failed (and is retried). */
const QUEUE_OPTIONS = { retryLimit: 8, retryDelay: 5, retryBackoff: true, expireInSeconds: 15 * 60 };

/** The job queue on PostgreSQL (pg-boss, in its own `pgboss` schema of the store's database). */
export class PgBossQueue implements JobQueue {
  readonly durable = true;

  private constructor(
    private readonly boss: PgBoss,
    private readonly logger: Logger,
  ) {}

  /**
   * Connects, installs or upgrades pg-boss's schema (safe from several
   * processes at once), and makes the store's queues. `transcodeSeconds`:
   * how long a job that runs ffmpeg (a rendition, a waveform) may run before
   * it counts as lost and runs again — the transcoder's own limit plus
   * copying time, so a server killed mid-transcode costs that long, not more.
   */
  static async start(
    connectionString: string,
    logger: Logger,
    retry: { delaySeconds?: number; transcodeSeconds?: number } = {},
  ): Promise<PgBossQueue> {
    const boss = new PgBoss({ connectionString, max: 3, application_name: 'song-nexus-jobs', schema: 'pgboss' });
    boss.on('error', (err) => logger.error({ err }, 'job queue error'));
    await boss.start();
    const options = { ...QUEUE_OPTIONS, retryDelay: retry.delaySeconds ?? QUEUE_OPTIONS.retryDelay };
    // Renditions and waveforms: at most one job per item waiting and one running (stately), however many ask; ffmpeg may take a while.
    // Created once; updated on every start, so a changed setting applies to the queue that exists.
    for (const name of JOB_NAMES) {
      const queue = {
        name,
        ...options,
        ...(TRANSCODING_JOBS.includes(name) ? { policy: 'stately' as const, expireInSeconds: retry.transcodeSeconds ?? 30 * 60 } : {}),
      };
      await boss.createQueue(name, queue);
      await boss.updateQueue(name, queue);
    }
    return new PgBossQueue(boss, logger);
  }

  send(name: JobName, data: object, options: SendOptions = {}): Promise<string | null> {
    return this.boss.send(name, data, options);
  }

  /** Works every queue in this process, one job of each at a time. */
  async work(handlers: JobHandlers): Promise<void> {
    for (const name of JOB_NAMES) {
      await this.boss.work<Record<string, unknown>>(name, { batchSize: 1, pollingIntervalSeconds: 1 }, async ([job]) => {
        if (!job) return;
        try {
          await handlers[name](job.data ?? {});
        } catch (err) {
          this.logger.warn({ err, job: name, jobId: job.id }, 'job failed; it will be retried');
          throw err;
        }
      });
    }
  }

  /** Jobs by queue and state, for the admin area. */
  async counts(): Promise<JobCount[]> {
    const db = this.boss.getDb();
    const { rows } = await db.executeSql(
      `SELECT name AS queue, state, count(*)::int AS count FROM pgboss.job GROUP BY name, state ORDER BY name, state`,
      [],
    );
    return rows as JobCount[];
  }

  /** Stops taking jobs and waits (up to `timeoutMs`) for those running to finish; unfinished ones run again elsewhere. */
  async stop(timeoutMs: number): Promise<void> {
    await this.boss.stop({ graceful: true, wait: true, timeout: timeoutMs });
    // pg-boss checks once a second, after stop() returns, that its workers have stopped: let that last check
    // run while this process (or test file) still exists, so no timer of its outlives the queue.
    await new Promise((resolve) => setTimeout(resolve, 1_100));
  }
}
