import os from 'node:os';
import PgBoss from 'pg-boss';
import { claimStaleLeases, dropLease, renewLease } from '../../db/repos/job-leases.repo';
import type { Queryable } from '../../db/pool';
import type { Logger } from '../../lib/logger';
import { JOB_NAMES, LONG_JOBS, type JobCount, type JobHandlers, type JobName, type JobQueue, type SendOptions } from './job-queue';

/** How a job is retried (8 times, from 5 s, doubling) and how long it may run before it counts as failed (and is retried). */
const QUEUE_OPTIONS = { retryLimit: 8, retryDelay: 5, retryBackoff: true, expireInSeconds: 15 * 60 };

/**
 * Heartbeats for the jobs that run ffmpeg: the worker renews a lease every
 * `seconds` while one runs, and every worker sweeps for leases three beats
 * old — their worker is gone (SIGKILL, a lost machine) — and fails those
 * jobs back into the queue, so they run again within seconds instead of
 * after the job's whole time limit. pg-boss has no heartbeat of its own.
 */
export interface Heartbeat {
  db: Queryable;
  seconds: number;
}

const WORKER = `${os.hostname()}:${process.pid}`.slice(0, 120);

/** How long a job query waits for one of the queue's connections before it fails (and is tried again). */
const CONNECTION_WAIT_MS = 2_000;

/** The job queue on PostgreSQL (pg-boss, in its own `pgboss` schema of the store's database). */
export class PgBossQueue implements JobQueue {
  readonly durable = true;

  private sweeper: NodeJS.Timeout | undefined;
  /** Set by stop(): a job pg-boss hands over after that is not started (it fails back into the queue), and pg-boss's errors are expected. */
  private stopping = false;
  /** The handlers running now, so stop() can wait for one that started after pg-boss last looked. */
  private readonly running = new Set<Promise<void>>();

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
    // pg-pool never serves nor fails a query still waiting for a connection when the pool ends: a
    // worker whose fetch waited so at stop() would never stop. With a wait limit it fails instead.
    const settings: PgBoss.ConstructorOptions & { connectionTimeoutMillis: number } = {
      connectionString,
      max: 3,
      application_name: 'song-nexus-jobs',
      schema: 'pgboss',
      connectionTimeoutMillis: CONNECTION_WAIT_MS,
    };
    const boss = new PgBoss(settings);
    const queue = new PgBossQueue(boss, logger);
    boss.on('error', (err) => {
      // A fetch cut short by stop() is no fault.
      if (queue.stopping) logger.debug({ err }, 'job queue error while stopping');
      else logger.error({ err }, 'job queue error');
    });
    await boss.start();
    const options = { ...QUEUE_OPTIONS, retryDelay: retry.delaySeconds ?? QUEUE_OPTIONS.retryDelay };
    // Renditions and waveforms: at most one job per item waiting and one running (stately), however many ask; ffmpeg may take a while.
    // Created once; updated on every start, so a changed setting applies to the queue that exists.
    for (const name of JOB_NAMES) {
      const definition = {
        name,
        ...options,
        ...(LONG_JOBS.includes(name) ? { policy: 'stately' as const, expireInSeconds: retry.transcodeSeconds ?? 30 * 60 } : {}),
      };
      await boss.createQueue(name, definition);
      await boss.updateQueue(name, definition);
    }
    return queue;
  }

  send(name: JobName, data: object, options: SendOptions = {}): Promise<string | null> {
    return this.boss.send(name, data, options);
  }

  /**
   * Works every queue in this process: one job of each at a time, and of
   * the long jobs `longAtOnce` (the transcoder's own limit then decides how
   * many ffmpeg run; each worker takes at most a job a second). With
   * `heartbeat`, long jobs hold leases (above).
   */
  async work(handlers: JobHandlers, options: { heartbeat?: Heartbeat; longAtOnce?: number } = {}): Promise<void> {
    const { heartbeat, longAtOnce = 1 } = options;
    for (const name of JOB_NAMES) {
      const long = LONG_JOBS.includes(name);
      const leased = long ? heartbeat : undefined;
      for (let i = 0; i < (long ? Math.max(1, longAtOnce) : 1); i++) {
        await this.boss.work<Record<string, unknown>>(name, { batchSize: 1, pollingIntervalSeconds: 1 }, async ([job]) => {
          if (!job) return;
          if (this.stopping) throw new Error('the job queue is stopping; the job runs again later');
          const run = () => handlers[name](job.data ?? {});
          const running = leased ? this.withLease(leased, name, job.id, run) : run();
          this.running.add(running);
          try {
            await running;
          } catch (err) {
            this.logger.warn({ err, job: name, jobId: job.id }, 'job failed; it will be retried');
            throw err;
          } finally {
            this.running.delete(running);
          }
        });
      }
    }
    if (heartbeat) this.startSweeping(heartbeat);
  }

  private async withLease(heartbeat: Heartbeat, queue: string, jobId: string, run: () => Promise<void>): Promise<void> {
    const lease = { jobId, queue, worker: WORKER };
    await renewLease(heartbeat.db, lease);
    const timer = setInterval(
      () => void renewLease(heartbeat.db, lease).catch((err: unknown) => this.logger.warn({ err, jobId }, 'renewing a job lease failed')),
      heartbeat.seconds * 1000,
    );
    try {
      await run();
    } finally {
      clearInterval(timer);
      await dropLease(heartbeat.db, jobId).catch(() => undefined);
    }
  }

  /** Fails back into the queue the active jobs whose worker stopped renewing their lease (every worker sweeps; each lease is claimed once). */
  private startSweeping(heartbeat: Heartbeat): void {
    const sweep = async () => {
      for (const lease of await claimStaleLeases(heartbeat.db, heartbeat.seconds * 3)) {
        const job = await this.boss.getJobById(lease.queue, lease.jobId);
        if (job?.state !== 'active') continue; // finished, or already retried by pg-boss
        await this.boss.fail(lease.queue, lease.jobId, { message: `its worker ${lease.worker} stopped` });
        this.logger.warn({ job: lease.queue, jobId: lease.jobId, worker: lease.worker }, 'a job whose worker stopped runs again');
      }
    };
    const run = () => void sweep().catch((err: unknown) => this.logger.warn({ err }, 'sweeping job leases failed'));
    run();
    this.sweeper = setInterval(run, heartbeat.seconds * 1000);
    this.sweeper.unref();
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
    const deadline = Date.now() + timeoutMs;
    this.stopping = true;
    clearInterval(this.sweeper);
    await this.boss.stop({ graceful: true, wait: true, timeout: timeoutMs });
    // A fetch still waiting for a connection when the pool ended fails within CONNECTION_WAIT_MS (above):
    // its worker stops then, and pg-boss's check below sees it.
    const pool = (this.boss.getDb() as { pool?: { waitingCount: number } }).pool;
    while ((pool?.waitingCount ?? 0) > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    // pg-boss waits only for jobs its workers held when it looked; a fetch still under way then may hand one
    // over as it closes. Let that handler settle (it throws at once, above) within the time given.
    await new Promise((resolve) => setImmediate(resolve));
    const left = Math.max(0, deadline - Date.now());
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([Promise.allSettled([...this.running]), new Promise((resolve) => (timer = setTimeout(resolve, left)))]).finally(() =>
      clearTimeout(timer),
    );
    // pg-boss checks once a second, after stop() returns, that its workers have stopped: let that last check
    // run while this process (or test file) still exists, so no timer of its outlives the queue.
    await new Promise((resolve) => setTimeout(resolve, 1_100));
  }
}
