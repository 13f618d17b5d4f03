import { createLogger } from '../../lib/logger';
import { JOBS, type JobHandlers } from '../../services/jobs/job-queue';
import { PgBossQueue } from '../../services/jobs/pg-boss-queue';
import { jobHandlers } from '../../services/jobs/handlers';
import { testDeps } from '../support/app';
import { signInAs } from '../support/auth';
import { useTestDatabase } from '../support/db';
import { until } from '../support/until';

/**
 * The durable job queue on the test database (real pg-boss, real
 * PostgreSQL): a job outlives the process that queued it, runs once however
 * many workers take from the queue, a periodic job is queued once per slot
 * by any number of servers, and a failing job is retried.
 */

const db = useTestDatabase();
const logger = createLogger('silent');
const started: PgBossQueue[] = [];
const start = async (delaySeconds = 1) => {
  const queue = await PgBossQueue.start(db.url, logger, { delaySeconds });
  started.push(queue);
  return queue;
};
// Each test's workers stop after it: a worker left running would take the next test's jobs.
afterEach(async () => {
  await Promise.all(started.splice(0).map((q) => q.stop(2_000)));
});

/** Handlers that record each gift-mail job's order id, optionally failing some attempts first. */
function recording(failFirst = 0): { handlers: JobHandlers; seen: number[] } {
  const seen: number[] = [];
  let failures = 0;
  const giftMail = async (data: Record<string, unknown>) => {
    if (failures < failFirst) {
      failures++;
      throw new Error('the mail server is down');
    }
    seen.push(Number(data.orderId));
  };
  return {
    seen,
    handlers: {
      [JOBS.giftMail]: giftMail,
      [JOBS.publishReleases]: async () => undefined,
      [JOBS.reconcilePayments]: async () => undefined,
      [JOBS.rendition]: async () => undefined,
      [JOBS.waveform]: async () => undefined,
      [JOBS.releaseZip]: async () => undefined,
      [JOBS.orderMail]: async () => undefined,
      [JOBS.salesDigest]: async () => undefined,
      [JOBS.cleanup]: async () => undefined,
    },
  };
}

it('runs a job queued by a process that stopped before any worker took it', async () => {
  const sender = await start();
  expect(await sender.send(JOBS.giftMail, { orderId: 41 })).toEqual(expect.any(String));
  await sender.stop(1_000);
  const worker = await start();
  const { handlers, seen } = recording();
  await worker.work(handlers);
  await until(async () => seen.includes(41), 'the job to run after the restart', 15_000);
  expect(seen).toEqual([41]);
});

it('stops only once the job it is running has finished, and leaves the next one queued for whoever starts next', async () => {
  const first = await start();
  let release: () => void = () => undefined;
  const { handlers, seen } = recording();
  const ran: number[] = [];
  await first.work({
    ...handlers,
    [JOBS.giftMail]: async (data) => {
      ran.push(Number(data.orderId));
      await new Promise<void>((resolve) => (release = resolve));
    },
  });
  await first.send(JOBS.giftMail, { orderId: 51 });
  await until(async () => ran.includes(51), 'the first job to start', 15_000);
  await first.send(JOBS.giftMail, { orderId: 52 });
  let stopped = false;
  const stopping = first.stop(10_000).then(() => (stopped = true));
  await new Promise((r) => setTimeout(r, 700));
  expect(stopped).toBe(false); // the running job holds the stop
  release();
  await stopping;
  expect(ran).toEqual([51]); // the stopping worker took nothing more
  const { rows } = await db.pool.query(
    `SELECT data->>'orderId' AS "orderId", state FROM pgboss.job WHERE name = $1 AND data->>'orderId' IN ('51', '52') ORDER BY 1`,
    [JOBS.giftMail],
  );
  expect(rows).toEqual([
    { orderId: '51', state: 'completed' },
    { orderId: '52', state: 'created' },
  ]);

  const next = await start();
  await next.work(handlers);
  await until(async () => seen.includes(52), 'the queued job to run on the next worker', 15_000);
  expect(seen).toEqual([52]);
});

it('runs each job once across two workers', async () => {
  const [a, b] = [await start(), await start()];
  const ra = recording();
  const rb = recording();
  await a.work(ra.handlers);
  await b.work(rb.handlers);
  const ids = Array.from({ length: 12 }, (_, i) => 100 + i);
  await Promise.all(ids.map((orderId) => a.send(JOBS.giftMail, { orderId })));
  await until(async () => ra.seen.length + rb.seen.length >= ids.length, 'every job to run', 20_000);
  await new Promise((r) => setTimeout(r, 1_500));
  expect([...ra.seen, ...rb.seen].sort((x, y) => x - y)).toEqual(ids);
});

it('queues a periodic job once per slot however many servers ask', async () => {
  const [a, b] = [await start(), await start()];
  const sent = await Promise.all(
    [a, b, a, b].map((q) => q.send(JOBS.publishReleases, {}, { singletonKey: JOBS.publishReleases, singletonSeconds: 60 })),
  );
  expect(sent.filter((id) => id !== null)).toHaveLength(1);
  const counts = await a.counts();
  expect(counts.filter((c) => c.queue === JOBS.publishReleases).reduce((n, c) => n + c.count, 0)).toBe(1);
});

it('retries a failing job with backoff until it succeeds', async () => {
  const queue = await start();
  const { handlers, seen } = recording(2);
  await queue.work(handlers);
  await queue.send(JOBS.giftMail, { orderId: 7 });
  await until(async () => seen.includes(7), 'the third attempt', 30_000);
  const counts = await queue.counts();
  expect(counts).toEqual(expect.arrayContaining([{ queue: JOBS.giftMail, state: 'completed', count: expect.any(Number) }]));
});

it('gives the rendition queue the transcoder’s limit as its expiry, updated when the setting changes', async () => {
  const expiry = async () =>
    (await db.pool.query<{ expire_seconds: number }>(`SELECT expire_seconds FROM pgboss.queue WHERE name = 'rendition'`)).rows[0]!
      .expire_seconds;
  const first = await PgBossQueue.start(db.url, logger, { transcodeSeconds: 77 });
  started.push(first);
  expect(await expiry()).toBe(77);
  const second = await PgBossQueue.start(db.url, logger, { transcodeSeconds: 99 });
  started.push(second);
  expect(await expiry()).toBe(99);
});

it('deletes expired sessions in the cleanup job, on whichever worker takes it', async () => {
  const stale = await signInAs(db.pool, 'user');
  const fresh = await signInAs(db.pool, 'user');
  await db.pool.query(`UPDATE sessions SET expires_at = now() - interval '1 minute' WHERE user_id = $1`, [stale.user.id]);
  const worker = await start();
  await worker.work(jobHandlers(testDeps(db.pool), logger));
  await worker.send(JOBS.cleanup, {});
  const sessionsOf = async (userId: number) =>
    (await db.pool.query('SELECT count(*)::int AS n FROM sessions WHERE user_id = $1', [userId])).rows[0].n as number;
  await until(async () => (await sessionsOf(stale.user.id)) === 0, 'the expired session to go');
  expect(await sessionsOf(fresh.user.id)).toBe(1);
});
