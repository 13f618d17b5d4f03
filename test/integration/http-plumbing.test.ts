import { once } from 'node:events';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import express from 'express';
import { Writable } from 'node:stream';
import request from 'supertest';
import { createPool } from '../../db/pool';

import { createLogger } from '../../lib/logger';
import { errorHandler, notFoundHandler } from '../../server/middleware/errors';
import { requestContext } from '../../server/middleware/request-context';
import { TEST_ORIGIN, testApp } from '../support/app';
import { useTestDatabase } from '../support/db';
import { signInAs } from '../support/auth';
import { buildStoredTrack, buildTrack } from '../support/factories';
import { testStorage } from '../support/storage';
import { tempDir } from '../support/temp-dir';
import { projectRoot } from '../../lib/paths';
import { until } from '../support/until';
import { fail } from '../../lib/errors';
import { buildInfo } from '../../lib/version';

const db = useTestDatabase();

/** A logger whose lines the test can read. */
function capturedLogger() {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { logger: createLogger('info', sink), lines };
}

describe('health', () => {
  it('reports liveness and readiness', async () => {
    const app = testApp(db.pool);
    await request(app).get('/healthz').expect(200, { status: 'ok' });
    const ready = await request(app).get('/readyz').expect(200);
    expect(ready.body).toMatchObject({
      status: 'ready',
      database: 'ok',
      dependencies: { database: { ok: true, required: true }, storage: { ok: true, required: true } },
    });
    expect(ready.body.dependencies.database.ms).toBeGreaterThanOrEqual(0);
    // Without REDIS_URL the counters live in the process: nothing to report.
    expect(ready.body.dependencies).not.toHaveProperty('redis');
  });

  it('says which version and commit run', async () => {
    const res = await request(testApp(db.pool)).get('/api/version').expect(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body).toEqual({ version: buildInfo().version, commit: buildInfo().commit });
    expect(res.body.version).toMatch(/^\d+\.\d+\.\d+/);
    // In a git checkout (CI clones one) the commit is known; in a copy without git (the mutation tests' sandbox) it is null.
    if (fs.existsSync(path.join(projectRoot, '.git'))) expect(res.body.commit).toMatch(/^[0-9a-f]{40}$/);
    else expect(res.body.commit).toBeNull();
  });

  it('answers 503 on /readyz when the database is unreachable', async () => {
    const dead = createPool({ connectionString: 'postgres://nobody:x@127.0.0.1:1/none' });
    try {
      const res = await request(testApp(dead)).get('/readyz').expect(503);
      expect(res.body.error.code).toBe('not_ready');
      expect(res.body.error.message).toMatch(/Down: database\.$/);
      expect(res.body.error.details.dependencies).toMatchObject({ database: { ok: false, required: true }, storage: { ok: true } });
    } finally {
      await dead.end();
    }
  });
});

describe('errors', () => {
  it('answers unknown routes with a JSON 404', async () => {
    const res = await request(testApp(db.pool)).get('/api/no-such-thing').expect(404);
    expect(res.headers['content-type']).toMatch(/application\/json/);
    expect(res.body).toEqual({ error: { code: 'route_not_found', message: expect.stringContaining('/api/no-such-thing') } });
  });

  it.each<{ what: string; env: Record<string, string>; type: string; body: string; status: number; code: string }>([
    { what: 'malformed JSON', env: {}, type: 'application/json', body: '{"email": "a@b.c",', status: 400, code: 'invalid_json' },
    {
      what: 'an oversized body',
      env: { BODY_LIMIT_KB: '1' },
      type: 'application/json',
      body: JSON.stringify({ blob: 'x'.repeat(2048) }),
      status: 413,
      code: 'payload_too_large',
    },
    {
      what: 'an unsupported body charset',
      env: {},
      type: 'application/json; charset=klingon',
      body: '{}',
      status: 415,
      code: 'unsupported_encoding',
    },
  ])('answers $what with $status $code', async ({ env, type, body, status, code }) => {
    const res = await request(testApp(db.pool, { env })).post('/api/anything').set('Content-Type', type).send(body).expect(status);
    expect(res.body.error.code).toBe(code);
  });

  it('answers a thrown bug with a generic 500 naming the request id, and logs the detail', async () => {
    const { logger, lines } = capturedLogger();
    const app = express();
    app.use(requestContext(logger));
    app.get('/boom', () => {
      throw new Error('secret internal detail');
    });
    app.get('/teapot', () => {
      throw fail('theme_changed', { message: 'Saved meanwhile.' });
    });
    app.use(notFoundHandler);
    app.use(errorHandler);

    const res = await request(app).get('/boom').set('X-Request-Id', 'req-123').expect(500);
    expect(res.body).toEqual({ error: { code: 'internal_error', message: expect.stringContaining('req-123') } });
    expect(JSON.stringify(res.body)).not.toContain('secret internal detail');
    expect(lines.join('')).toContain('secret internal detail');

    await request(app)
      .get('/teapot')
      .expect(412, { error: { code: 'theme_changed', message: 'Saved meanwhile.' } });
  });

  it('maps database errors caused by input to 4xx in one place', async () => {
    const app = express();
    app.use(requestContext(createLogger('silent')));
    app.get('/bad-cast', async () => {
      await db.pool.query("SELECT 'x'::int");
    });
    app.use(errorHandler);
    const res = await request(app).get('/bad-cast').expect(400);
    expect(res.body.error.code).toBe('invalid_value');
  });
});

describe('cross-origin protection', () => {
  it('refuses a POST whose Origin is another site', async () => {
    const res = await request(testApp(db.pool)).post('/api/anything').set('Origin', 'https://evil.example').send({}).expect(403);
    expect(res.body.error.code).toBe('cross_origin_request');
  });

  it('refuses a DELETE marked cross-site by Sec-Fetch-Site even without Origin', async () => {
    const res = await request(testApp(db.pool)).delete('/api/anything').set('Sec-Fetch-Site', 'cross-site').expect(403);
    expect(res.body.error.code).toBe('cross_origin_request');
  });

  it('refuses cross-site writes to real routes with a signed-in session, and writes nothing', async () => {
    const app = testApp(db.pool);
    const artist = await signInAs(db.pool, 'artist');
    const track = await buildTrack(db.pool, { artistUserId: artist.user.id, name: 'Kept', isPublished: true });
    const row = async () => (await db.pool.query('SELECT name, is_deleted, is_published FROM tracks WHERE id = $1', [track.id])).rows[0];
    const before = await row();
    const attempts = [
      request(app).patch(`/api/artist/tracks/${track.id}`).send({ name: 'Taken' }),
      request(app).delete(`/api/artist/tracks/${track.id}`),
      request(app).put('/api/artist/payout-settings').send({ paypalEmail: 'thief@example.test' }),
      request(app).post('/api/auth/logout'),
    ];
    for (const [i, attempt] of attempts.entries()) {
      // A form or fetch from another site carries the cookie: the browser says where it came from.
      const marked = i % 2 ? attempt.set('Sec-Fetch-Site', 'cross-site') : attempt.set('Origin', 'https://evil.example');
      const res = await marked.set('Cookie', artist.cookie);
      expect([res.status, res.body.error?.code]).toEqual([403, 'cross_origin_request']);
    }
    expect(await row()).toEqual(before);
    expect(
      (await db.pool.query('SELECT count(*)::int AS n FROM payout_accounts WHERE artist_user_id = $1', [artist.user.id])).rows[0].n,
    ).toBe(0);
    // The session survived the cross-site logout: the same cookie still works from the store's own pages.
    const session = await request(app).get('/api/auth/session').set('Cookie', artist.cookie).expect(200);
    expect(session.body.user?.id).toBe(artist.user.id);
  });

  it('lets same-origin requests and non-browser clients through', async () => {
    const app = testApp(db.pool);
    await request(app).post('/api/anything').set('Origin', TEST_ORIGIN).set('Sec-Fetch-Site', 'same-origin').expect(404);
    await request(app).post('/api/anything').expect(404);
  });

  it('exempts webhooks, which are verified by signature instead', async () => {
    // Past the origin check, the webhook route itself refuses the empty delivery.
    const res = await request(testApp(db.pool)).post('/api/webhooks/paypal').set('Origin', 'https://www.paypal.com').expect(400);
    expect(res.body.error.code).toBe('invalid_webhook');
  });

  it('lets cross-site GETs read public pages', async () => {
    await request(testApp(db.pool)).get('/healthz').set('Sec-Fetch-Site', 'cross-site').expect(200);
  });
});

describe('security headers and request ids', () => {
  it('sends a strict CSP and hides the framework', async () => {
    const res = await request(testApp(db.pool)).get('/healthz').expect(200);
    expect(res.headers['x-powered-by']).toBeUndefined();
    const csp = res.headers['content-security-policy'];
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("object-src 'none'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-inline');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
  });

  it('echoes a well-formed X-Request-Id and replaces a malformed one', async () => {
    const app = testApp(db.pool);
    const kept = await request(app).get('/healthz').set('X-Request-Id', 'abc-123');
    expect(kept.headers['x-request-id']).toBe('abc-123');
    const replaced = await request(app).get('/healthz').set('X-Request-Id', 'bad id\twith junk');
    expect(replaced.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('logs requests without cookies, authorization headers or token values', async () => {
    const { logger, lines } = capturedLogger();
    const app = testApp(db.pool, { logger });
    await request(app)
      .get('/auth/magic?token=supersecrettokenvalue&x=1')
      .set('Cookie', 'sid=sessioncookievalue')
      .set('Authorization', 'Bearer bearertokenvalue');
    const log = lines.join('');
    expect(log).toContain('/auth/magic?token=%5Bredacted%5D&x=1');
    for (const secret of ['supersecrettokenvalue', 'sessioncookievalue', 'bearertokenvalue']) expect(log).not.toContain(secret);
  });
});

describe('access log', () => {
  const parsed = (lines: string[]) => lines.map((line) => JSON.parse(line) as Record<string, unknown>);
  const requestLines = (lines: string[]) => parsed(lines).filter((line) => line.msg === 'request');

  it('gives every request one line: level in words, instance, version, client address, user, status, bytes', async () => {
    const { logger, lines } = capturedLogger();
    const app = testApp(db.pool, { logger, env: { TRUST_PROXY: 'loopback' } });
    const listener = await signInAs(db.pool, 'user');
    const res = await request(app).get('/api/auth/session').set('Cookie', listener.cookie).set('X-Forwarded-For', '203.0.113.9');
    const [line] = requestLines(lines);
    expect(line).toMatchObject({
      level: 'info',
      service: 'song-nexus',
      version: buildInfo().version,
      method: 'GET',
      url: '/api/auth/session',
      status: 200,
      ip: '203.0.113.9',
      user: listener.user.id,
      reqId: res.headers['x-request-id'],
    });
    expect(line!.instance).toMatch(/^.+:\d+$/);
    // Headers and body: at least the body's length.
    expect(line!.bytes).toBeGreaterThan(Number(res.headers['content-length']));
    expect(line).not.toHaveProperty('outcome');
  });

  it('logs health probes at debug only, and names the limit that answered a 429', async () => {
    const { logger, lines } = capturedLogger();
    const app = testApp(db.pool, { logger, env: { RATE_LIMIT_MAX: '1' } });
    await request(app).get('/healthz').expect(200);
    await request(app).get('/readyz').expect(200);
    expect(requestLines(lines)).toEqual([]);
    await request(app).get('/api/x').expect(404);
    await request(app).get('/api/x').expect(429);
    expect(requestLines(lines).map((line) => [line.status, line.limit])).toEqual([
      [404, undefined],
      [429, 'api'],
    ]);
  });

  it('logs a request the client abandoned, with what it had been sent', async () => {
    const { logger, lines } = capturedLogger();
    const uploads = tempDir('sn-log-');
    const storage = testStorage(uploads);
    const app = testApp(db.pool, { logger, storage, env: { UPLOAD_DIR: uploads } });
    const { track, full } = await buildStoredTrack(db.pool, storage, { isFree: true });
    // A 40 KB file through a client that reads nothing and hangs up: the answer never finishes.
    fs.writeFileSync(path.join(uploads, track.audioFilename), Buffer.concat([full, Buffer.alloc(8 * 1024 * 1024)]));
    await db.pool.query('UPDATE tracks SET file_size_bytes = $2 WHERE id = $1', [track.id, full.length + 8 * 1024 * 1024]);
    const server = app.listen(0, '127.0.0.1');
    await once(server, 'listening');
    try {
      const { port } = server.address() as AddressInfo;
      await new Promise<void>((resolve) => {
        const req = http.get({ host: '127.0.0.1', port, path: `/api/tracks/${track.id}/stream` }, (res) => {
          res.pause();
          setTimeout(() => {
            req.destroy();
            resolve();
          }, 200);
        });
      });
      await until(() => requestLines(lines).length === 1, 'the abandoned request to be logged');
      const [line] = requestLines(lines);
      expect(line).toMatchObject({ level: 'warn', status: 200, outcome: 'aborted', url: `/api/tracks/${track.id}/stream` });
      expect(line!.bytes).toBeGreaterThan(0);
      expect(line!.bytes).toBeLessThan(full.length + 8 * 1024 * 1024);
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });
});

describe('rate limits', () => {
  it('answers 429 with Retry-After once a client exceeds the API budget', async () => {
    const app = testApp(db.pool, { env: { RATE_LIMIT_MAX: '3', RATE_LIMIT_WINDOW_MS: '60000' } });
    for (let i = 0; i < 3; i++) await request(app).get('/api/x').expect(404);
    const res = await request(app).get('/api/x').expect(429);
    expect(res.body.error.code).toBe('rate_limited');
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    await request(app).get('/healthz').expect(200); // probes are never limited
  });
});
