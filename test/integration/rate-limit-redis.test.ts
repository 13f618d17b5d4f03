import type { ChildProcess } from 'node:child_process';
import { createClient, type RedisClientType } from 'redis';
import request from 'supertest';
import { redisBackend } from '../../server/middleware/rate-limit';
import { testConfig, testApp } from '../support/app';
import { useTestDatabase } from '../support/db';
import { haveRedis, spawnRedis } from '../support/redis';
import { freePort } from '../support/server-process';

const db = useTestDatabase();

// A real Redis server, started for this file only.
(haveRedis() ? describe : describe.skip)('rate limits with REDIS_URL (shared by several app servers)', () => {
  let redisProcess: ChildProcess;
  let client: RedisClientType;

  beforeAll(async () => {
    const port = await freePort();
    redisProcess = spawnRedis(port);
    client = createClient({ url: `redis://127.0.0.1:${port}` });
    client.on('error', () => undefined);
    for (let i = 0; ; i++) {
      try {
        await client.connect();
        break;
      } catch (err) {
        if (i > 50) throw err;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  });

  afterAll(async () => {
    await client?.quit();
    redisProcess?.kill('SIGTERM');
  });

  it('counts one budget across two app instances and answers 429 with Retry-After', async () => {
    const config = testConfig({ RATE_LIMIT_MAX: '3', RATE_LIMIT_WINDOW_MS: '60000' });
    const make = () => testApp(db.pool, { config, rateLimits: redisBackend(client) });
    const serverA = make();
    const serverB = make();
    await request(serverA).get('/api/x').expect(404);
    await request(serverB).get('/api/x').expect(404);
    await request(serverA).get('/api/x').expect(404);
    const res = await request(serverB).get('/api/x').expect(429);
    expect(res.body.error.code).toBe('rate_limited');
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    expect(await client.keys('song-nexus:rl:api:*')).not.toHaveLength(0);
  });
});
