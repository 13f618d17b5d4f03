import { spawn } from 'node:child_process';
import path from 'node:path';
import request from 'supertest';
import { deleteExpired } from '../../services/cleanup.service';
import { projectRoot } from '../../lib/paths';
import { signInAs } from '../support/auth';
import { useTestDatabase } from '../support/db';
import { lockBarrier } from '../support/lock-barrier';
import { buildPasskey, buildSession, buildUser } from '../support/factories';
import { testApp } from '../support/app';

const db = useTestDatabase();

/** Every admin route with a valid request shape. */
const ADMIN_ROUTES: [method: 'get' | 'patch', path: string, body?: object][] = [
  ['get', '/api/admin/users'],
  ['patch', '/api/admin/users/1', { role: 'artist' }],
];

describe('admin routes', () => {
  it('answer 401 to anonymous and 403 to listeners and artists', async () => {
    const app = testApp(db.pool);
    const listener = await signInAs(db.pool, 'user');
    const artist = await signInAs(db.pool, 'artist');
    for (const [method, url, body] of ADMIN_ROUTES) {
      const anon = await request(app)[method](url).send(body);
      expect({ url, status: anon.status, code: anon.body.error?.code }).toEqual({ url, status: 401, code: 'unauthenticated' });
      for (const who of [listener, artist]) {
        const res = await request(app)[method](url).set('Cookie', who.cookie).send(body);
        expect({ url, status: res.status, code: res.body.error?.code }).toEqual({ url, status: 403, code: 'forbidden' });
      }
      // Even malformed input is refused for lack of rights first.
      const bad = await request(app)[method](`${url}?page=-1`).set('Cookie', listener.cookie).send({ role: 'emperor' });
      expect(bad.status).toBe(403);
    }
  });

  it('lists users with search and pagination, presenting no internal columns', async () => {
    const app = testApp(db.pool);
    const admin = await signInAs(db.pool, 'admin');
    const tag = `zebra${Date.now()}`;
    for (let i = 0; i < 3; i++) await buildUser(db.pool, { email: `${tag}-${i}@example.test`, username: `${tag}_${i}` });
    const page1 = await request(app).get('/api/admin/users').query({ q: tag, pageSize: 2 }).set('Cookie', admin.cookie).expect(200);
    expect(page1.body).toMatchObject({ total: 3, page: 1, pageSize: 2 });
    expect(page1.body.users).toHaveLength(2);
    const page2 = await request(app)
      .get('/api/admin/users')
      .query({ q: tag, pageSize: 2, page: 2 })
      .set('Cookie', admin.cookie)
      .expect(200);
    expect(page2.body.users).toHaveLength(1);
    expect(Object.keys(page1.body.users[0]).sort()).toEqual(
      ['createdAt', 'displayName', 'email', 'erasedAt', 'id', 'isActive', 'lastLogin', 'role', 'username'].sort(),
    );
    // LIKE wildcards in the search are taken literally.
    const wild = await request(app).get('/api/admin/users').query({ q: '%' }).set('Cookie', admin.cookie).expect(200);
    expect(wild.body.total).toBe(0);
    const bad = await request(app).get('/api/admin/users').query({ pageSize: 1000 }).set('Cookie', admin.cookie).expect(400);
    expect(bad.body.error.code).toBe('validation_failed');
  });

  it('changes roles and refuses unknown users, bad roles and unknown fields', async () => {
    const app = testApp(db.pool);
    const admin = await signInAs(db.pool, 'admin');
    const user = await buildUser(db.pool);
    const res = await request(app).patch(`/api/admin/users/${user.id}`).set('Cookie', admin.cookie).send({ role: 'artist' }).expect(200);
    expect(res.body.user.role).toBe('artist');
    await request(app).patch('/api/admin/users/999999').set('Cookie', admin.cookie).send({ role: 'artist' }).expect(404);
    for (const body of [{ role: 'emperor' }, {}, { role: 'user', password: 'x' }, { isActive: 'no' }]) {
      const bad = await request(app).patch(`/api/admin/users/${user.id}`).set('Cookie', admin.cookie).send(body).expect(400);
      expect(bad.body.error.code).toBe('validation_failed');
    }
    await request(app).patch('/api/admin/users/abc').set('Cookie', admin.cookie).send({ role: 'user' }).expect(400);
  });

  it('never leaves the store without an active admin, even under concurrent demotions', async () => {
    // This test's database has other admins from earlier tests: remove them from the picture.
    await db.pool.query(`UPDATE users SET role = 'user' WHERE role = 'admin'`);
    const app = testApp(db.pool);
    const a = await signInAs(db.pool, 'admin');
    const b = await signInAs(db.pool, 'admin');

    // A barrier, not luck: the admins' rows are held locked until both demotions wait on them, then let go at once.
    const barrier = await lockBarrier(db.pool, `SELECT id FROM users WHERE role = 'admin' AND is_active FOR UPDATE`, []);
    let both: request.Response[];
    try {
      const racing = Promise.all([
        request(app).patch(`/api/admin/users/${b.user.id}`).set('Cookie', a.cookie).send({ role: 'user' }),
        request(app).patch(`/api/admin/users/${a.user.id}`).set('Cookie', b.cookie).send({ isActive: false }),
      ]);
      await barrier.waitFor(2, 'both demotions at the admins’ lock');
      await barrier.release();
      both = await racing;
    } finally {
      await barrier.close();
    }
    const statuses = both.map((r) => r.status).sort();
    // One demotion wins; the other is refused, either as the last admin or because its actor lost the role.
    expect(statuses[0]).toBe(200);
    expect([403, 409]).toContain(statuses[1]);
    const { rows } = await db.pool.query(`SELECT count(*)::int AS n FROM users WHERE role = 'admin' AND is_active`);
    expect(rows[0].n).toBe(1);

    const survivor = both[0]!.status === 200 ? a : b;
    const last = await request(app)
      .patch(`/api/admin/users/${survivor.user.id}`)
      .set('Cookie', survivor.cookie)
      .send({ role: 'user' })
      .expect(409);
    expect(last.body.error.code).toBe('last_admin');
  });
});

describe('becoming an artist', () => {
  it('is open to any signed-in listener by default', async () => {
    const app = testApp(db.pool);
    const listener = await signInAs(db.pool, 'user');
    await request(app).post('/api/me/artist').send({ displayName: 'X' }).expect(401);
    const res = await request(app)
      .post('/api/me/artist')
      .set('Cookie', listener.cookie)
      .send({ displayName: '  The Nightjars ' })
      .expect(200);
    expect(res.body.user).toMatchObject({ role: 'artist', displayName: 'The Nightjars' });
    await request(app).post('/api/me/artist').set('Cookie', listener.cookie).send({ displayName: '' }).expect(400);
  });

  it('is for admins to grant when ARTIST_SIGNUP=admin', async () => {
    const app = testApp(db.pool, { env: { ARTIST_SIGNUP: 'admin' } });
    const listener = await signInAs(db.pool, 'user');
    const res = await request(app).post('/api/me/artist').set('Cookie', listener.cookie).send({ displayName: 'Nope' }).expect(403);
    expect(res.body.error.code).toBe('artist_signup_closed');
    const admin = await signInAs(db.pool, 'admin');
    await request(app).patch(`/api/admin/users/${listener.user.id}`).set('Cookie', admin.cookie).send({ role: 'artist' }).expect(200);
  });
});

describe('passkey management routes', () => {
  it('need a session and never touch another user’s passkeys', async () => {
    const app = testApp(db.pool);
    const owner = await signInAs(db.pool, 'user');
    const other = await signInAs(db.pool, 'user');
    const { id } = await buildPasskey(db.pool, { userId: owner.user.id, name: 'Laptop' });

    await request(app).get('/api/me/passkeys').expect(401);
    await request(app).post('/api/auth/passkeys/registration/options').expect(401);
    const mine = await request(app).get('/api/me/passkeys').set('Cookie', owner.cookie).expect(200);
    expect(mine.body.passkeys).toEqual([expect.objectContaining({ id, name: 'Laptop' })]);
    expect(mine.body.passkeys[0]).not.toHaveProperty('publicKey');
    const theirs = await request(app).get('/api/me/passkeys').set('Cookie', other.cookie).expect(200);
    expect(theirs.body.passkeys).toEqual([]);

    await request(app).patch(`/api/me/passkeys/${id}`).set('Cookie', other.cookie).send({ name: 'Mine now' }).expect(404);
    await request(app).delete(`/api/me/passkeys/${id}`).set('Cookie', other.cookie).expect(404);
    const renamed = await request(app)
      .patch(`/api/me/passkeys/${id}`)
      .set('Cookie', owner.cookie)
      .send({ name: ' Work laptop ' })
      .expect(200);
    expect(renamed.body.passkey.name).toBe('Work laptop');
    await request(app)
      .patch(`/api/me/passkeys/${id}`)
      .set('Cookie', owner.cookie)
      .send({ name: 'x'.repeat(101) })
      .expect(400);
    await request(app).delete(`/api/me/passkeys/${id}`).set('Cookie', owner.cookie).expect(204);
    await request(app).delete(`/api/me/passkeys/${id}`).set('Cookie', owner.cookie).expect(404);
  });

  it('refuse malformed passkey responses with 400 before any verification', async () => {
    const app = testApp(db.pool);
    const owner = await signInAs(db.pool, 'user');
    const bodies = [
      {},
      { response: { id: 'abc', rawId: 'abc', type: 'public-key', response: {} } },
      { response: { id: 'a b', rawId: 'abc', type: 'public-key', response: { clientDataJSON: 'x', attestationObject: 'y' } } },
    ];
    for (const body of bodies) {
      const res = await request(app).post('/api/auth/passkeys/registration/verify').set('Cookie', owner.cookie).send(body).expect(400);
      expect(res.body.error.code).toBe('validation_failed');
    }
    const wellFormedButBogus = {
      response: {
        id: 'abc',
        rawId: 'abc',
        type: 'public-key',
        response: { clientDataJSON: Buffer.from('{"challenge":"nope"}').toString('base64url'), authenticatorData: 'AA', signature: 'AA' },
      },
    };
    const res = await request(app).post('/api/auth/passkeys/authentication/verify').send(wellFormedButBogus).expect(400);
    expect(res.body.error.code).toBe('passkey_challenge_invalid');
  });
});

describe('cleanup', () => {
  it('removes expired sessions, dead links and expired challenges, and keeps live ones', async () => {
    const user = await buildUser(db.pool);
    const q = (sql: string, params: unknown[]) => db.pool.query(sql, params);
    await buildSession(db.pool, { userId: user.id, expiresAt: new Date(Date.now() - 60_000) });
    const live = await buildSession(db.pool, { userId: user.id, expiresAt: new Date(Date.now() + 86_400_000) });
    await q(
      `INSERT INTO magic_links (email, token, expires_at) VALUES ($1, $2, now() - interval '1 minute'), ($1, $3, now() + interval '10 minutes')`,
      [user.email, '1'.repeat(64), '2'.repeat(64)],
    );
    await q(
      `INSERT INTO webauthn_challenges (challenge, flow, expires_at) VALUES ('old', 'authentication', now() - interval '1 minute'), ('new', 'authentication', now() + interval '5 minutes')`,
      [],
    );
    const removed = await deleteExpired({ db: db.pool, clock: () => new Date() });
    expect(removed).toEqual({ sessions: 1, magicLinks: 1, challenges: 1 });
    expect((await q('SELECT token_hash FROM sessions WHERE user_id = $1', [user.id])).rows).toEqual([{ token_hash: live.tokenHash }]);
  });
});

describe('command-line tools', () => {
  function cli(args: string[], script = 'admin.ts'): Promise<{ code: number | null; output: string }> {
    return new Promise((resolve) => {
      const child = spawn(process.execPath, ['--require', 'tsx/cjs', path.join(projectRoot, 'scripts', script), ...args], {
        cwd: projectRoot,
        env: { PATH: process.env.PATH ?? '', DATABASE_URL: db.url, LOG_LEVEL: 'info' },
      });
      let output = '';
      child.stdout.on('data', (c) => (output += String(c)));
      child.stderr.on('data', (c) => (output += String(c)));
      child.on('exit', (code) => resolve({ code, output }));
    });
  }

  it('admin grants a role, creating the account when needed', async () => {
    const email = `first-admin-${Date.now()}@Example.TEST`;
    const result = await cli(['grant', email, 'admin']);
    expect(result.code).toBe(0);
    const { rows } = await db.pool.query('SELECT role, is_active FROM users WHERE email = $1', [
      email.replace('Example.TEST', 'example.test'),
    ]);
    expect(rows).toEqual([{ role: 'admin', is_active: true }]);
  });

  it('admin takes any address a browser takes, and sets the name the store shows', async () => {
    const short = `ops${Date.now()}@y.z`;
    expect((await cli(['grant', short, 'artist', '--name', 'The  Night Shift '])).code).toBe(0);
    const { rows } = await db.pool.query('SELECT id, role, display_name FROM users WHERE email = $1', [short]);
    expect(rows).toEqual([{ id: expect.any(Number), role: 'artist', display_name: 'The  Night Shift' }]);
    const { rows: audit } = await db.pool.query(`SELECT actor_kind, action FROM audit_log WHERE target_id = $1 ORDER BY id`, [
      String(rows[0].id),
    ]);
    expect(audit).toEqual([
      { actor_kind: 'cli', action: 'user.role_changed' },
      { actor_kind: 'cli', action: 'user.renamed' },
    ]);
  });

  it('npm run cleanup removes expired records', async () => {
    const user = await buildUser(db.pool);
    await buildSession(db.pool, { userId: user.id, expiresAt: new Date(Date.now() - 3_600_000) });
    const result = await cli([], 'cleanup.ts');
    expect(result.code).toBe(0);
    expect(result.output).toContain('"sessions":1');
    expect((await db.pool.query('SELECT 1 FROM sessions WHERE user_id = $1', [user.id])).rows).toHaveLength(0);
  });

  it('admin refuses bad arguments with a usage message', async () => {
    for (const args of [
      [],
      ['grant', 'x@example.test', 'emperor'],
      ['grant', 'not-an-email', 'admin'],
      ['revoke', 'x@example.test', 'user'],
      ['grant', 'x@example.test', 'user', '--name'],
      ['grant', 'x@example.test', 'user', '--name', ''],
    ]) {
      const result = await cli(args);
      expect(result.code).toBe(64);
      expect(result.output).toContain('usage: npm run admin -- grant');
    }
  });
});
