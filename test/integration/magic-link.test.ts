import crypto from 'node:crypto';
import { Writable } from 'node:stream';
import request from 'supertest';
import { Background } from '../../services/background';
import { smtpMailer } from '../../services/mail/mailer';
import { createLogger } from '../../lib/logger';
import { TEST_ORIGIN, testConfig, testApp } from '../support/app';
import { SESSION_COOKIE, sessionTokenFrom } from '../support/auth';
import { useTestDatabase } from '../support/db';
import { buildUser } from '../support/factories';
import { linkIn, TestSmtpServer } from '../support/smtp';

const db = useTestDatabase();
const smtp = new TestSmtpServer();
let smtpUrl: string;

beforeAll(async () => {
  smtpUrl = await smtp.start();
});
afterAll(() => smtp.stop());

const sha256 = (s: string) => crypto.createHash('sha256').update(s).digest('hex');
let counter = 0;
const uniqueEmail = (local = 'listener') => `${local}.${Date.now()}.${counter++}@example.test`;

/** The app with real SMTP mail, a movable clock and a readable log. */
function setup(env: Record<string, string> = {}) {
  let now = new Date();
  const logLines: string[] = [];
  const logger = createLogger(
    'debug',
    new Writable({
      write(chunk, _e, done) {
        logLines.push(String(chunk));
        done();
      },
    }),
  );
  const background = new Background(logger);
  const config = testConfig({ SMTP_URL: smtpUrl, MAIL_FROM: 'Song-Nexus <login@store.test>', ...env });
  const app = testApp(db.pool, { config, logger, background, mailer: smtpMailer(smtpUrl, config.mail.from), clock: () => now });
  return {
    app,
    background,
    log: () => logLines.join(''),
    advance: (ms: number) => {
      now = new Date(now.getTime() + ms);
    },
  };
}

/** Asks for a link and returns the token and address from the mail that arrives. */
async function requestLink(app: ReturnType<typeof setup>['app'], email: string) {
  await request(app).post('/api/auth/magic-link').send({ email }).expect(202);
  const mail = await smtp.nextMailTo(email);
  const link = linkIn(mail);
  return { mail, link, token: link.searchParams.get('token')!, email: link.searchParams.get('email')! };
}

describe('magic-link sign-in', () => {
  it('carries a return path of this store in the link, and refuses any other place to go', async () => {
    const { app } = setup();
    const email = uniqueEmail();
    await request(app).post('/api/auth/magic-link').send({ email, next: '/cart' }).expect(202);
    expect(linkIn(await smtp.nextMailTo(email)).searchParams.get('next')).toBe('/cart');
    for (const next of ['//evil.example/x', 'https://evil.example/', '/cart?x=1', 'cart', '/\\evil.example', '/a b', 42]) {
      const res = await request(app).post('/api/auth/magic-link').send({ email: uniqueEmail(), next }); // (5 links per address per 15 min)
      expect([JSON.stringify(next), res.status, res.body.error?.code]).toEqual([JSON.stringify(next), 400, 'validation_failed']);
    }
  });

  it('mails a link whose confirm page consumes nothing, and whose confirmation creates the account and signs in', async () => {
    const { app } = setup();
    const typed = `  New.Person+${counter++}@Example.TEST `;
    const normalised = typed.trim().replace(/@Example\.TEST$/, '@example.test');
    await request(app).post('/api/auth/magic-link').send({ email: typed }).expect(202);

    const mail = await smtp.nextMailTo(normalised);
    expect(mail.from?.text).toContain('login@store.test');
    expect(mail.subject).toMatch(/sign-in link/i);
    expect(mail.html).toContain('/auth/magic?token=');
    const link = linkIn(mail);
    expect(link.origin).toBe(TEST_ORIGIN);
    const token = link.searchParams.get('token')!;
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);

    // Opening the link (as a mail scanner would) shows a page and consumes nothing.
    const page = await request(app).get(`${link.pathname}${link.search}`).expect(200);
    expect(page.headers['content-type']).toMatch(/text\/html/);
    expect(page.text).toContain('/js/magic-confirm.js');
    expect(page.headers['set-cookie']).toBeUndefined();
    const stored = await db.pool.query('SELECT used_at FROM magic_links WHERE token = $1', [sha256(token)]);
    expect(stored.rows).toEqual([{ used_at: null }]);

    const verified = await request(app)
      .post('/api/auth/magic-link/verify')
      .send({ token, email: link.searchParams.get('email') })
      .expect(200);
    expect(verified.body.user).toMatchObject({ email: normalised, role: 'user', username: expect.stringMatching(/^new_person/) });
    expect(verified.body.user.lastLogin).not.toBeNull();
    const sessionToken = sessionTokenFrom(verified.headers['set-cookie']);
    expect(sessionToken).toMatch(/^[A-Za-z0-9_-]{43}$/);

    const session = await request(app).get('/api/auth/session').set('Cookie', `${SESSION_COOKIE}=${sessionToken}`).expect(200);
    expect(session.body.user.email).toBe(normalised);
  });

  it('signs an existing account in without creating another', async () => {
    const { app } = setup();
    const user = await buildUser(db.pool, { email: uniqueEmail('known') });
    const { token, email } = await requestLink(app, user.email);
    const res = await request(app).post('/api/auth/magic-link/verify').send({ token, email }).expect(200);
    expect(res.body.user.id).toBe(user.id);
    const { rows } = await db.pool.query('SELECT count(*)::int AS n FROM users WHERE email = $1', [user.email]);
    expect(rows[0].n).toBe(1);
  });

  it('answers an unknown address exactly like a known one, and mails both', async () => {
    const { app } = setup();
    const known = await buildUser(db.pool, { email: uniqueEmail('known') });
    const unknown = uniqueEmail('unknown');
    const a = await request(app).post('/api/auth/magic-link').send({ email: known.email });
    const b = await request(app).post('/api/auth/magic-link').send({ email: unknown });
    expect(a.status).toBe(202);
    expect(b.status).toBe(a.status);
    expect(b.body).toEqual(a.body);
    expect(Object.keys(b.headers).sort()).toEqual(Object.keys(a.headers).sort());
    await smtp.nextMailTo(known.email);
    await smtp.nextMailTo(unknown);
    // No account is made for the unknown address until its link is used.
    const { rows } = await db.pool.query('SELECT 1 FROM users WHERE email = $1', [unknown]);
    expect(rows).toHaveLength(0);
  });

  it('refuses an expired link (clock moved past 15 minutes)', async () => {
    const { app, advance } = setup();
    const { token, email } = await requestLink(app, uniqueEmail());
    advance(15 * 60_000 + 1_000);
    const res = await request(app).post('/api/auth/magic-link/verify').send({ token, email }).expect(400);
    expect(res.body.error.code).toBe('magic_link_expired');
  });

  it('refuses a link used before', async () => {
    const { app } = setup();
    const { token, email } = await requestLink(app, uniqueEmail());
    await request(app).post('/api/auth/magic-link/verify').send({ token, email }).expect(200);
    const res = await request(app).post('/api/auth/magic-link/verify').send({ token, email }).expect(400);
    expect(res.body.error.code).toBe('magic_link_used');
  });

  it('refuses tampered and malformed tokens', async () => {
    const { app } = setup();
    const { token, email } = await requestLink(app, uniqueEmail());
    const tampered = `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`;
    for (const bad of [tampered, 'short', 'x'.repeat(43) + '!']) {
      const res = await request(app).post('/api/auth/magic-link/verify').send({ token: bad, email }).expect(400);
      expect(res.body.error.code).toBe('magic_link_invalid');
    }
    // The real token still works afterwards.
    await request(app).post('/api/auth/magic-link/verify').send({ token, email }).expect(200);
  });

  it('refuses a token presented for another address, without using it up', async () => {
    const { app } = setup();
    const { token, email } = await requestLink(app, uniqueEmail('owner'));
    const res = await request(app)
      .post('/api/auth/magic-link/verify')
      .send({ token, email: uniqueEmail('intruder') })
      .expect(400);
    expect(res.body.error.code).toBe('magic_link_invalid');
    await request(app).post('/api/auth/magic-link/verify').send({ token, email }).expect(200);
  });

  it('invalidates older unused links when the same requester asks for a new one', async () => {
    const { app } = setup();
    const address = uniqueEmail();
    const first = await requestLink(app, address);
    const second = await requestLink(app, address);
    const res = await request(app).post('/api/auth/magic-link/verify').send({ token: first.token, email: address }).expect(400);
    expect(res.body.error.code).toBe('magic_link_invalid');
    await request(app).post('/api/auth/magic-link/verify').send({ token: second.token, email: address }).expect(200);
  });

  it('lets exactly one of several concurrent confirmations sign in', async () => {
    const { app } = setup();
    const { token, email } = await requestLink(app, uniqueEmail('race'));
    const results = await Promise.all(
      Array.from({ length: 6 }, () => request(app).post('/api/auth/magic-link/verify').send({ token, email })),
    );
    expect(results.map((r) => r.status).sort()).toEqual([200, 400, 400, 400, 400, 400]);
    expect(results.filter((r) => r.status === 400).every((r) => r.body.error.code === 'magic_link_used')).toBe(true);
    const { rows } = await db.pool.query('SELECT count(*)::int AS n FROM sessions s JOIN users u ON u.id = s.user_id WHERE u.email = $1', [
      email,
    ]);
    expect(rows[0].n).toBe(1);
  });

  it('stores only hashes, and never logs a link token or a session token', async () => {
    const { app, log } = setup();
    const { token, email } = await requestLink(app, uniqueEmail('hash'));
    await request(app)
      .get(`/auth/magic?${new URLSearchParams({ token, email })}`)
      .expect(200);
    const res = await request(app).post('/api/auth/magic-link/verify').send({ token, email }).expect(200);
    const sessionToken = sessionTokenFrom(res.headers['set-cookie'])!;
    await request(app).get('/api/auth/session').set('Cookie', `${SESSION_COOKIE}=${sessionToken}`).expect(200);

    const link = await db.pool.query('SELECT token FROM magic_links WHERE email = $1', [email]);
    expect(link.rows).toEqual([{ token: sha256(token) }]);
    const session = await db.pool.query('SELECT token_hash FROM sessions WHERE token_hash = $1', [sha256(sessionToken)]);
    expect(session.rows).toHaveLength(1);
    const everything = JSON.stringify([
      (await db.pool.query('SELECT * FROM sessions')).rows,
      (await db.pool.query('SELECT * FROM magic_links')).rows,
    ]);
    expect(everything).not.toContain(sessionToken);
    expect(everything).not.toContain(token);

    expect(log()).toContain('/auth/magic?token=%5Bredacted%5D');
    expect(log()).not.toContain(token);
    expect(log()).not.toContain(sessionToken);
  });

  it('sends the mail off the request path', async () => {
    const slow = new TestSmtpServer();
    const url = await slow.start();
    try {
      const background = new Background(createLogger('silent'));
      let sent = false;
      const mailer = smtpMailer(url, 'x@store.test');
      const app = testApp(db.pool, {
        background,
        mailer: {
          send: async (m) => {
            await new Promise((r) => setTimeout(r, 500));
            await mailer.send(m);
            sent = true;
          },
        },
      });
      const started = Date.now();
      await request(app)
        .post('/api/auth/magic-link')
        .send({ email: uniqueEmail('slow') })
        .expect(202);
      expect(Date.now() - started).toBeLessThan(450);
      expect(sent).toBe(false);
      await background.drain();
      expect(sent).toBe(true);
    } finally {
      await slow.stop();
    }
  });

  it('refuses a deactivated account', async () => {
    const { app } = setup();
    const user = await buildUser(db.pool, { email: uniqueEmail('gone'), isActive: false });
    const { token, email } = await requestLink(app, user.email);
    const res = await request(app).post('/api/auth/magic-link/verify').send({ token, email }).expect(403);
    expect(res.body.error.code).toBe('account_disabled');
  });

  it('answers bad input with 400 validation_failed', async () => {
    const { app } = setup();
    for (const body of [{}, { email: 'not-an-address' }, { email: 42 }, { email: `${'a'.repeat(250)}@x.test` }]) {
      const res = await request(app).post('/api/auth/magic-link').send(body).expect(400);
      expect(res.body.error.code).toBe('validation_failed');
    }
    const res = await request(app)
      .post('/api/auth/magic-link/verify')
      .send({ token: ['x'], email: 'a@b.test' })
      .expect(400);
    expect(res.body.error.code).toBe('validation_failed');
  });
});

describe('magic-link rate limits', () => {
  it('limits links per address, with Retry-After', async () => {
    const { app, background } = setup();
    const email = uniqueEmail('flood');
    for (let i = 0; i < 5; i++) await request(app).post('/api/auth/magic-link').send({ email }).expect(202);
    // The same address once normalised (spaces, domain case) shares the budget.
    const limited = await request(app)
      .post('/api/auth/magic-link')
      .send({ email: ` ${email.replace(/@.*/, (d) => d.toUpperCase())} ` })
      .expect(429);
    expect(limited.body.error.code).toBe('rate_limited');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    await background.drain();
  });

  it('never locks the owner out: strangers asking for links to their address neither use up their budget nor void their link', async () => {
    // Behind one proxy hop, so X-Forwarded-For says who asks.
    const { app, background } = setup({ TRUST_PROXY: '1' });
    const email = uniqueEmail('victim');
    const ask = (ip: string) => request(app).post('/api/auth/magic-link').set('X-Forwarded-For', ip).send({ email });
    await ask('203.0.113.7').expect(202);
    const owners = linkIn(await smtp.nextMailTo(email));
    for (const stranger of ['198.51.100.1', '198.51.100.2']) {
      for (let i = 0; i < 5; i++) await ask(stranger).expect(202);
      const limited = await ask(stranger).expect(429);
      expect(limited.body.error.code).toBe('rate_limited');
    }
    await background.drain();
    // The owner's link still works, and signing in voids every other link of the address, whoever asked for it.
    await request(app)
      .post('/api/auth/magic-link/verify')
      .send({ token: owners.searchParams.get('token'), email })
      .expect(200);
    const left = await db.pool.query('SELECT count(*)::int AS n FROM magic_links WHERE email = $1 AND used_at IS NULL', [email]);
    expect(left.rows[0].n).toBe(0);
    // And the owner can still ask for more from their own address.
    await ask('203.0.113.7').expect(202);
    await background.drain();
  });

  it('limits links per IP across addresses', async () => {
    const { app, background } = setup();
    for (let i = 0; i < 10; i++)
      await request(app)
        .post('/api/auth/magic-link')
        .send({ email: uniqueEmail('ip') })
        .expect(202);
    const res = await request(app)
      .post('/api/auth/magic-link')
      .send({ email: uniqueEmail('ip') })
      .expect(429);
    expect(res.headers['retry-after']).toBeDefined();
    await background.drain();
  });

  it('limits verification attempts per IP', async () => {
    const { app } = setup();
    for (let i = 0; i < 30; i++) {
      await request(app)
        .post('/api/auth/magic-link/verify')
        .send({ token: 'x'.repeat(43), email: 'a@b.test' })
        .expect(400);
    }
    await request(app)
      .post('/api/auth/magic-link/verify')
      .send({ token: 'x'.repeat(43), email: 'a@b.test' })
      .expect(429);
  });
});

describe('development outbox', () => {
  it('shows mail at /dev/outbox when no SMTP server is configured', async () => {
    const background = new Background(createLogger('silent'));
    const app = testApp(db.pool, { background });
    const email = uniqueEmail('outbox');
    await request(app).post('/api/auth/magic-link').send({ email }).expect(202);
    await background.drain();
    const page = await request(app).get('/dev/outbox').expect(200);
    expect(page.text).toContain(email);
    expect(page.text).toContain('/auth/magic?token=');
  });

  it('does not exist in production', async () => {
    const config = testConfig({
      NODE_ENV: 'production',
      APP_ORIGIN: 'https://store.example',
      DATABASE_URL: 'postgres://x@127.0.0.1/x',
      SMTP_URL: 'smtp://127.0.0.1:1',
      MAIL_FROM: 'x@store.example',
      PAYPAL_ENV: 'sandbox',
      PAYPAL_CLIENT_ID: 'x',
      PAYPAL_CLIENT_SECRET: 'x',
      PAYPAL_WEBHOOK_ID: 'x',
    });
    const app = testApp(db.pool, { config });
    await request(app).get('/dev/outbox').expect(404);
  });
});
