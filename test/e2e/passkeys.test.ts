import type http from 'node:http';
import type { Browser, BrowserContext, CDPSession, Page } from 'playwright-core';
import { WEBAUTHN_PAGE_HELPERS, addVirtualAuthenticator, haveChromium, launchChromium, pageProblems } from '../support/browser';
import { useTestDatabase } from '../support/db';
import { freePort } from '../support/server-process';
import { outbox, testApp } from '../support/app';

jest.setTimeout(60_000);

type Result = { status: number; body?: { user?: { email: string }; passkey?: { id: number }; error?: { code: string } }; error?: string };
type Helpers = {
  registerPasskey(name: string): Promise<Result>;
  signInWithPasskey(): Promise<Result>;
  api(method: string, url: string, body?: unknown): Promise<Result>;
};
declare const window: Helpers;

const db = useTestDatabase();

(haveChromium() ? describe : describe.skip)('passkeys in a real browser (Chromium, CDP virtual authenticator)', () => {
  let server: http.Server;
  let origin: string;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let cdp: CDPSession;
  let authenticatorId: string;
  let problems: string[] = [];
  const { mailer, background } = outbox();
  /** Each test's own listener (and browser, and authenticator): no test depends on another. */
  let email = '';
  let tests = 0;

  beforeAll(async () => {
    const port = await freePort();
    origin = `http://localhost:${port}`;
    const app = testApp(db.pool, { env: { APP_ORIGIN: origin }, mailer, background });
    server = await new Promise((resolve) => {
      const s = app.listen(port, '127.0.0.1', () => resolve(s));
    });
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => server?.close(resolve));
  });

  beforeEach(async () => {
    email = `passkey-${Date.now()}-${++tests}@example.test`;
    context = await browser.newContext();
    await context.addInitScript(WEBAUTHN_PAGE_HELPERS);
    page = await context.newPage();
    problems = pageProblems(page);
    cdp = await context.newCDPSession(page);
    authenticatorId = await addVirtualAuthenticator(cdp);
    await page.goto(`${origin}/`);
  });

  afterEach(async () => {
    await context.close();
    expect(problems).toEqual([]);
  });

  /** Signs in through the magic-link confirm page, clicking its button like a person. */
  async function signInByMail(): Promise<void> {
    await page.goto(`${origin}/`);
    expect((await page.evaluate((e) => window.api('POST', '/api/auth/magic-link', { email: e }), email)).status).toBe(202);
    await background.drain();
    const mail = mailer
      .list()
      .filter((m) => m.to === email)
      .at(-1)!;
    const link = /https?:\/\/\S+/.exec(mail.text)![0];
    await page.goto(link);
    await page.getByRole('button', { name: 'Sign me in' }).click();
    await page.waitForURL(`${origin}/`);
  }

  /** A listener with one passkey on this page's authenticator, signed out. */
  async function withPasskeySignedOut(): Promise<void> {
    await signInByMail();
    expect((await page.evaluate(() => window.registerPasskey('Test laptop'))).status).toBe(201);
    expect((await page.evaluate(() => window.api('POST', '/api/auth/logout'))).status).toBe(204);
  }

  const session = () => page.evaluate(() => window.api('GET', '/api/auth/session'));
  const counter = async () =>
    (
      await db.pool.query<{ counter: number }>(
        'SELECT c.counter FROM webauthn_credentials c JOIN users u ON u.id = c.user_id WHERE u.email = $1',
        [email],
      )
    ).rows[0]?.counter;

  it('registers a passkey, then signs in with it after signing out, without typing an address; the counter rises', async () => {
    await signInByMail();
    expect((await session()).body?.user?.email).toBe(email);

    const registered = await page.evaluate(() => window.registerPasskey('Test laptop'));
    expect(registered.status).toBe(201);
    const afterRegistration = (await counter())!;

    // The same authenticator cannot be registered twice (excludeCredentials).
    const again = await page.evaluate(() => window.registerPasskey('Again'));
    expect(again.status).not.toBe(201);

    expect((await page.evaluate(() => window.api('POST', '/api/auth/logout'))).status).toBe(204);
    expect((await session()).body?.user).toBeNull();

    const signedIn = await page.evaluate(() => window.signInWithPasskey());
    expect(signedIn.status).toBe(200);
    expect(signedIn.body?.user?.email).toBe(email);
    expect((await session()).body?.user?.email).toBe(email);
    const afterFirstSignIn = (await counter())!;
    expect(afterFirstSignIn).toBeGreaterThan(afterRegistration);

    await page.evaluate(() => window.api('POST', '/api/auth/logout'));
    expect((await page.evaluate(() => window.signInWithPasskey())).status).toBe(200);
    expect((await counter())!).toBeGreaterThan(afterFirstSignIn);
  });

  it('refuses a sign-in whose signature counter does not exceed the stored one (a cloned authenticator)', async () => {
    await withPasskeySignedOut();
    await db.pool.query('UPDATE webauthn_credentials SET counter = 1000000 WHERE user_id = (SELECT id FROM users WHERE email = $1)', [
      email,
    ]);
    const result = await page.evaluate(() => window.signInWithPasskey());
    expect(result.status).toBe(400);
    expect(result.body?.error?.code).toBe('passkey_verification_failed');
    expect((await session()).body?.user).toBeNull();
  });

  it('fails to sign in when the authenticator cannot verify the user', async () => {
    await withPasskeySignedOut();
    await cdp.send('WebAuthn.setUserVerified', { authenticatorId, isUserVerified: false });
    try {
      const result = await page.evaluate(() => window.signInWithPasskey());
      // Chromium itself refuses a "required" verification it cannot do
      // (NotAllowedError); the server would refuse an unverified assertion too.
      expect(result.status).not.toBe(200);
      expect((await session()).body?.user).toBeNull();
    } finally {
      await cdp.send('WebAuthn.setUserVerified', { authenticatorId, isUserVerified: true });
    }
    // With verification back on, the same passkey works again.
    expect((await page.evaluate(() => window.signInWithPasskey())).status).toBe(200);
  });

  it('no longer accepts a passkey its owner deleted', async () => {
    await withPasskeySignedOut();
    expect((await page.evaluate(() => window.signInWithPasskey())).status).toBe(200);
    const list = await page.evaluate(() => window.api('GET', '/api/me/passkeys'));
    const passkeys = (list.body as unknown as { passkeys: { id: number }[] }).passkeys;
    expect(passkeys).toHaveLength(1);
    expect((await page.evaluate((id) => window.api('DELETE', `/api/me/passkeys/${id}`), passkeys[0]!.id)).status).toBe(204);
    await page.evaluate(() => window.api('POST', '/api/auth/logout'));
    const result = await page.evaluate(() => window.signInWithPasskey());
    expect(result.status).toBe(400);
    expect(result.body?.error?.code).toBe('passkey_unknown');
  });
});
