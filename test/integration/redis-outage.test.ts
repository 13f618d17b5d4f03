import type { ChildProcess } from 'node:child_process';
import type { RedisClientType } from 'redis';
import request from 'supertest';
import { createLogger } from '../../lib/logger';
import { connectRedis } from '../../server/compose';
import { redisBackend } from '../../server/middleware/rate-limit';
import { outbox, testApp } from '../support/app';
import { useTestDatabase } from '../support/db';
import { haveRedis, spawnRedis } from '../support/redis';
import { freePort } from '../support/server-process';
import { until } from '../support/until';

/**
 * The rate-limit counters' Redis stopped, and frozen (SIGSTOP: connections
 * stay open and nothing answers), under a real app with the client set up as
 * the server sets it up (server/compose.ts): reads keep working uncounted,
 * sign-in is refused with a clear code, nothing waits longer than a moment,
 * /readyz says what is down, and everything recovers when Redis returns.
 */

const db = useTestDatabase();

(haveRedis() ? describe : describe.skip)('Redis outages', () => {
  let port: number;
  let redis: ChildProcess;
  let client: RedisClientType;
  let app: ReturnType<typeof testApp>;

  const startRedis = async () => {
    redis = spawnRedis(port);
    await until(() => client === undefined || client.isReady, 'Redis to accept the client', 10_000);
  };

  beforeAll(async () => {
    port = await freePort();
    await startRedis();
    client = connectRedis(`redis://127.0.0.1:${port}`, createLogger('silent'));
    await until(() => client.isReady, 'the client to connect', 10_000);
    app = testApp(db.pool, { rateLimits: redisBackend(client), ...outbox() });
  });
  afterAll(async () => {
    redis.kill('SIGCONT');
    redis.kill('SIGTERM');
    client.destroy();
  });

  /** A request and how long its answer took, in ms. */
  const timed = async (make: () => request.Test) => {
    const started = Date.now();
    const res = await make();
    return { res, ms: Date.now() - started };
  };
  const browse = () => timed(() => request(app).get('/api/tracks?pageSize=1'));
  const signIn = () =>
    timed(() => request(app).post('/api/auth/magic-link').set('Origin', 'http://store.test').send({ email: 'listener@example.com' }));
  const ready = () => timed(() => request(app).get('/readyz'));

  /** While Redis is out: fast reads, a clear refusal of sign-in, and a readiness report naming it (but ready). */
  async function expectDegraded(): Promise<void> {
    for (let i = 0; i < 3; i++) {
      const read = await browse();
      expect([read.res.status, read.ms < 1_000]).toEqual([200, true]);
      const refused = await signIn();
      expect([refused.res.status, refused.res.body.error?.code, refused.ms < 1_000]).toEqual([503, 'rate_limit_unavailable', true]);
    }
    const probe = await ready();
    expect(probe.res.status).toBe(200);
    expect(probe.res.body.dependencies).toMatchObject({
      database: { ok: true, required: true },
      storage: { ok: true, required: true },
      redis: { ok: false, required: false },
    });
    expect(probe.ms).toBeLessThan(1_500);
  }

  async function expectRecovered(): Promise<void> {
    await until(async () => (await signIn()).res.status === 202, 'sign-in to work again', 15_000);
    expect((await ready()).res.body.dependencies.redis).toMatchObject({ ok: true });
    expect((await browse()).res.status).toBe(200);
  }

  it('works normally with Redis up, and reports it', async () => {
    expect((await signIn()).res.status).toBe(202);
    expect((await ready()).res.body).toMatchObject({ status: 'ready', dependencies: { redis: { ok: true } } });
  });

  it('answers within a second while Redis is frozen, and recovers when it thaws', async () => {
    redis.kill('SIGSTOP');
    try {
      await expectDegraded();
    } finally {
      redis.kill('SIGCONT');
    }
    await expectRecovered();
  });

  it('answers within a second while Redis is stopped, and recovers when it starts again, without a restart', async () => {
    redis.kill('SIGTERM');
    await until(() => !client.isReady, 'the client to notice');
    await expectDegraded();
    await startRedis();
    await expectRecovered();
  });
});
