import request from 'supertest';
import { TEST_ORIGIN, testApp } from '../support/app';
import { sessionTokenFrom, signInAs } from '../support/auth';
import { useTestDatabase } from '../support/db';
import { FLAG_UP, SoftAuthenticator } from '../support/soft-authenticator';

const db = useTestDatabase();
const RP_ID = new URL(TEST_ORIGIN).hostname;

function setup() {
  let now = new Date();
  const app = testApp(db.pool, { clock: () => now });
  return { app, advance: (ms: number) => (now = new Date(now.getTime() + ms)) };
}

/** A user with a registered soft passkey. */
async function userWithPasskey(app: ReturnType<typeof setup>['app']) {
  const who = await signInAs(db.pool, 'user');
  const authenticator = new SoftAuthenticator(RP_ID, TEST_ORIGIN);
  const options = await request(app).post('/api/auth/passkeys/registration/options').set('Cookie', who.cookie).expect(200);
  expect(options.body.authenticatorSelection).toMatchObject({ residentKey: 'required', userVerification: 'required' });
  expect(options.body.rp.id).toBe(RP_ID);
  const registered = await request(app)
    .post('/api/auth/passkeys/registration/verify')
    .set('Cookie', who.cookie)
    .send({ name: 'Soft key', response: authenticator.register(options.body) })
    .expect(201);
  expect(registered.body.passkey).toMatchObject({ name: 'Soft key', transports: ['internal'] });
  return { ...who, authenticator };
}

async function authOptions(app: ReturnType<typeof setup>['app']): Promise<string> {
  const res = await request(app).post('/api/auth/passkeys/authentication/options').expect(200);
  expect(res.body.userVerification).toBe('required');
  expect(res.body.allowCredentials ?? []).toEqual([]);
  return res.body.challenge;
}

const verify = (app: ReturnType<typeof setup>['app'], response: object) =>
  request(app).post('/api/auth/passkeys/authentication/verify').send({ response });

describe('passkeys (server-side checks, software authenticator)', () => {
  it('registers a passkey and signs in with it, starting a session', async () => {
    const { app } = setup();
    const { user, authenticator } = await userWithPasskey(app);
    const res = await verify(app, authenticator.assert(await authOptions(app))).expect(200);
    expect(res.body.user.id).toBe(user.id);
    expect(sessionTokenFrom(res.headers['set-cookie'])).toBeDefined();
    const { rows } = await db.pool.query('SELECT counter, last_used FROM webauthn_credentials WHERE user_id = $1', [user.id]);
    expect(rows[0].counter).toBe(authenticator.signCount);
    expect(rows[0].last_used).not.toBeNull();
  });

  it('requires user verification', async () => {
    const { app } = setup();
    const { authenticator } = await userWithPasskey(app);
    const res = await verify(app, authenticator.assert(await authOptions(app), { flags: FLAG_UP })).expect(400);
    expect(res.body.error.code).toBe('passkey_verification_failed');

    const unverified = new SoftAuthenticator(RP_ID, TEST_ORIGIN);
    const who = await signInAs(db.pool, 'user');
    const options = await request(app).post('/api/auth/passkeys/registration/options').set('Cookie', who.cookie).expect(200);
    await request(app)
      .post('/api/auth/passkeys/registration/verify')
      .set('Cookie', who.cookie)
      .send({ response: unverified.register(options.body, FLAG_UP) })
      .expect(400);
  });

  it('refuses a signature counter that does not increase', async () => {
    const { app } = setup();
    const { authenticator } = await userWithPasskey(app);
    await verify(app, authenticator.assert(await authOptions(app))).expect(200);
    const res = await verify(app, authenticator.assert(await authOptions(app), { bumpCounter: false })).expect(400);
    expect(res.body.error.code).toBe('passkey_verification_failed');
  });

  it('uses each challenge once, within five minutes, for the flow that asked for it', async () => {
    const { app, advance } = setup();
    const { cookie, authenticator } = await userWithPasskey(app);

    const challenge = await authOptions(app);
    await verify(app, authenticator.assert(challenge)).expect(200);
    const replay = await verify(app, authenticator.assert(challenge)).expect(400);
    expect(replay.body.error.code).toBe('passkey_challenge_invalid');

    const registrationChallenge = (await request(app).post('/api/auth/passkeys/registration/options').set('Cookie', cookie).expect(200))
      .body.challenge;
    const crossFlow = await verify(app, authenticator.assert(registrationChallenge)).expect(400);
    expect(crossFlow.body.error.code).toBe('passkey_challenge_invalid');

    const late = await authOptions(app);
    advance(5 * 60_000 + 1_000);
    const expired = await verify(app, authenticator.assert(late)).expect(400);
    expect(expired.body.error.code).toBe('passkey_challenge_invalid');
  });

  it('binds a registration challenge to the user who asked for it', async () => {
    const { app } = setup();
    const alice = await signInAs(db.pool, 'user');
    const mallory = await signInAs(db.pool, 'user');
    const options = await request(app).post('/api/auth/passkeys/registration/options').set('Cookie', alice.cookie).expect(200);
    const res = await request(app)
      .post('/api/auth/passkeys/registration/verify')
      .set('Cookie', mallory.cookie)
      .send({ response: new SoftAuthenticator(RP_ID, TEST_ORIGIN).register(options.body) })
      .expect(400);
    expect(res.body.error.code).toBe('passkey_challenge_invalid');
  });

  it('refuses another origin and a user handle that is not the owner’s', async () => {
    const { app } = setup();
    const { authenticator } = await userWithPasskey(app);
    const phished = await verify(app, authenticator.assert(await authOptions(app), { origin: 'https://store.test.evil.example' })).expect(
      400,
    );
    expect(phished.body.error.code).toBe('passkey_verification_failed');
    const wrongHandle = await verify(app, authenticator.assert(await authOptions(app), { userHandle: 'AAAA' })).expect(400);
    expect(wrongHandle.body.error.code).toBe('passkey_verification_failed');
  });

  it('refuses the passkey of a deactivated account', async () => {
    const { app } = setup();
    const { user, authenticator } = await userWithPasskey(app);
    await db.pool.query('UPDATE users SET is_active = false WHERE id = $1', [user.id]);
    const res = await verify(app, authenticator.assert(await authOptions(app))).expect(403);
    expect(res.body.error.code).toBe('account_disabled');
  });

  it('does not register the same credential twice', async () => {
    const { app } = setup();
    const { cookie, authenticator } = await userWithPasskey(app);
    const options = await request(app).post('/api/auth/passkeys/registration/options').set('Cookie', cookie).expect(200);
    expect(options.body.excludeCredentials).toEqual([expect.objectContaining({ id: authenticator.credentialId.toString('base64url') })]);
    const res = await request(app)
      .post('/api/auth/passkeys/registration/verify')
      .set('Cookie', cookie)
      .send({ response: authenticator.register(options.body) })
      .expect(409);
    expect(res.body.error.code).toBe('already_exists');
  });
});
