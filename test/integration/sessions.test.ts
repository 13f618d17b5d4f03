import request from 'supertest';
import { startSession } from '../../services/auth/sessions.service';
import { SESSION_COOKIE, signInAs } from '../support/auth';
import { useTestDatabase } from '../support/db';
import { outbox, testApp } from '../support/app';

const db = useTestDatabase();
const DAY = 86_400_000;

function appAt(clock: () => Date = () => new Date()) {
  return testApp(db.pool, { clock });
}

const whoAmI = async (app: ReturnType<typeof appAt>, cookie: string) =>
  (await request(app).get('/api/auth/session').set('Cookie', cookie).expect(200)).body.user as { id: number } | null;

describe('sessions', () => {
  it('says who is signed in, and null for anyone else', async () => {
    const app = appAt();
    const { user, cookie } = await signInAs(db.pool, 'user');
    expect(await whoAmI(app, cookie)).toMatchObject({ id: user.id, role: 'user' });
    expect(await whoAmI(app, `${SESSION_COOKIE}=${'A'.repeat(43)}`)).toBeNull();
    expect(await whoAmI(app, `${SESSION_COOKIE}=not-a-token`)).toBeNull();
    const anonymous = await request(app).get('/api/auth/session').expect(200);
    expect(anonymous.body).toEqual({ user: null });
  });

  it('sets an httpOnly, SameSite=Lax, Secure host-only cookie (plain in development)', async () => {
    const { user } = await signInAs(db.pool, 'user');
    const verifyCookie = await signInThroughLink({}, user.email);
    expect(verifyCookie).toMatch(/^__Host-sn_session=[A-Za-z0-9_-]{43}; /);
    expect(verifyCookie).toContain('HttpOnly');
    expect(verifyCookie).toContain('SameSite=Lax');
    expect(verifyCookie).toContain('Secure');
    expect(verifyCookie).toContain('Path=/');
    expect(verifyCookie).not.toContain('Domain=');

    const dev = await signInThroughLink({ NODE_ENV: 'development' }, user.email);
    expect(dev).toMatch(/^sn_session=/);
    expect(dev).not.toContain('Secure');
  });

  it('signs out this device only', async () => {
    const app = appAt();
    const { user, cookie } = await signInAs(db.pool, 'user');
    const other = await signInAs(db.pool, 'user', { email: `second-${user.email}`, username: `${user.username}_2` });
    const res = await request(app).post('/api/auth/logout').set('Cookie', cookie).expect(204);
    expect(String(res.headers['set-cookie'])).toMatch(/__Host-sn_session=; .*Max-Age=0/);
    expect(await whoAmI(app, cookie)).toBeNull();
    expect(await whoAmI(app, other.cookie)).not.toBeNull();
  });

  it('signs out everywhere: every session of the user ends, nobody else’s', async () => {
    const app = appAt();
    const first = await signInAs(db.pool, 'user');
    const second = await startSession({ clock: () => new Date() }, db.pool, first.user.id, { ipAddress: null, userAgent: 'phone' });
    const stranger = await signInAs(db.pool, 'user');

    await request(app).post('/api/auth/logout-all').set('Cookie', first.cookie).expect(204);
    expect(await whoAmI(app, first.cookie)).toBeNull();
    expect(await whoAmI(app, `${SESSION_COOKIE}=${second.token}`)).toBeNull();
    expect(await whoAmI(app, stranger.cookie)).not.toBeNull();
    await request(app).post('/api/auth/logout-all').expect(401);
  });

  it('slides the expiry forward, writing it at most every few minutes', async () => {
    let now = new Date();
    const app = appAt(() => now);
    const { cookie, user } = await signInAs(db.pool, 'user');
    const expiry = async () =>
      (
        await db.pool.query<{ expires_at: Date }>('SELECT expires_at FROM sessions WHERE user_id = $1', [user.id])
      ).rows[0]!.expires_at.getTime();
    const initial = await expiry();

    now = new Date(now.getTime() + 60_000); // one minute later: no write
    await whoAmI(app, cookie);
    expect(await expiry()).toBe(initial);

    now = new Date(now.getTime() + 10 * 60_000); // ten minutes later: pushed to 30 days from now
    await whoAmI(app, cookie);
    expect(await expiry()).toBe(now.getTime() + 30 * DAY);

    now = new Date(now.getTime() + 31 * DAY); // unused for a month: gone
    expect(await whoAmI(app, cookie)).toBeNull();
  });

  it('ends a session at once when its user is deactivated', async () => {
    const app = appAt();
    const admin = await signInAs(db.pool, 'admin');
    const victim = await signInAs(db.pool, 'artist');
    expect(await whoAmI(app, victim.cookie)).not.toBeNull();
    await request(app).patch(`/api/admin/users/${victim.user.id}`).set('Cookie', admin.cookie).send({ isActive: false }).expect(200);
    expect(await whoAmI(app, victim.cookie)).toBeNull();
    const { rows } = await db.pool.query('SELECT count(*)::int AS n FROM sessions WHERE user_id = $1', [victim.user.id]);
    expect(rows[0].n).toBe(0);
  });

  it('ignores sessions of a user deactivated directly in the database', async () => {
    const app = appAt();
    const { user, cookie } = await signInAs(db.pool, 'user');
    await db.pool.query('UPDATE users SET is_active = false WHERE id = $1', [user.id]);
    expect(await whoAmI(app, cookie)).toBeNull();
  });
});

/** Signs in through the real magic-link flow (outbox mailer) and returns the Set-Cookie line. */
async function signInThroughLink(env: Record<string, string>, email: string): Promise<string> {
  const { mailer, background } = outbox();
  const app = testApp(db.pool, { env, mailer, background });
  await request(app).post('/api/auth/magic-link').send({ email }).expect(202);
  await background.drain();
  const link = new URL(/https?:\/\/\S+/.exec(mailer.list()[0]!.text)![0]);
  const res = await request(app)
    .post('/api/auth/magic-link/verify')
    .send({ token: link.searchParams.get('token'), email })
    .expect(200);
  return [res.headers['set-cookie']].flat().join('\n');
}
