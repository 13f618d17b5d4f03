import { chromium, type Browser, type BrowserContext, type CDPSession, type Page } from 'playwright-core';
import { SESSION_COOKIE } from './auth';
import { toolAvailable } from './require-tool';

export const CHROMIUM = '/usr/bin/chromium';

/** Whether Debian's Chromium is here; in CI its absence fails instead (see toolAvailable). */
export const haveChromium = () => toolAvailable(CHROMIUM, 'apt-get install chromium');

/**
 * Headless Debian Chromium. The network flags keep it from calling out (the
 * machines have no network beyond the package registries); `localhost` is
 * pinned to 127.0.0.1, where the test servers listen.
 */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--host-resolver-rules=MAP localhost 127.0.0.1',
      '--autoplay-policy=no-user-gesture-required',
    ],
  });
}

/**
 * Browser-side helpers installed into test pages: the WebAuthn ceremonies
 * through the front end's own module (public/ts/lib/webauthn.ts, loaded from
 * the store), answering `{ status, body }` like the API or `{ status: 0,
 * error }` when the browser itself refused.
 */
export const WEBAUTHN_PAGE_HELPERS = `
(() => {
  const call = async (status, ceremony) => {
    const webauthn = await import('/js/lib/webauthn.js');
    try {
      return { status, body: await ceremony(webauthn) };
    } catch (e) {
      if (typeof e.status === 'number' && e.code) return { status: e.status, body: { error: { code: e.code } } };
      return { status: 0, error: e.name };
    }
  };
  window.registerPasskey = (name) => call(201, async (w) => ({ passkey: await w.registerPasskey(name) }));
  window.signInWithPasskey = () => call(200, async (w) => ({ user: await w.signInWithPasskey() }));
  window.api = async (method, url, body) => {
    const res = await fetch(url, { method, headers: body ? { 'Content-Type': 'application/json' } : {}, body: body ? JSON.stringify(body) : undefined });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  };
})();
`;

/**
 * A platform passkey authenticator in the page, through Chromium's
 * DevTools protocol (resident keys, user verification, presence simulated).
 * @returns its id, to remove or inspect it later.
 */
export async function addVirtualAuthenticator(cdp: CDPSession): Promise<string> {
  await cdp.send('WebAuthn.enable', { enableUI: false });
  const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: {
      protocol: 'ctap2',
      transport: 'internal',
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      automaticPresenceSimulation: true,
    },
  });
  return authenticatorId;
}

/** What a page is made of (not its API calls, whose 4xx answers a page may expect and show). */
const PAGE_PARTS = new Set(['document', 'stylesheet', 'script', 'image', 'font', 'manifest']);

/**
 * Collects what is wrong with a page as a test drives it: script errors,
 * console errors, any of its own parts (document, script, stylesheet,
 * image, font) answered 4xx/5xx or failing to load, and audio that fails
 * other than by being stopped. The console's "Failed to load resource" lines
 * are left to the response checks: they are also logged for the API calls a
 * page makes and expects to be refused (a 403 for a track with no preview).
 */
export function pageProblems(page: Page): string[] {
  const problems: string[] = [];
  page.on('pageerror', (err) => problems.push(err.message));
  page.on('console', (msg) => {
    if (msg.type() === 'error' && !/^Failed to load resource/.test(msg.text())) problems.push(`console: ${msg.text()}`);
  });
  page.on('response', (res) => {
    if (res.status() >= 400 && PAGE_PARTS.has(res.request().resourceType())) problems.push(`${res.status()} ${res.url()}`);
  });
  page.on('requestfailed', (req) => {
    const type = req.resourceType();
    const stopped = /ERR_ABORTED/.test(req.failure()?.errorText ?? ''); // a player that seeks or moves on cancels its request
    if (PAGE_PARTS.has(type) || (type === 'media' && !stopped)) problems.push(`${req.failure()?.errorText ?? 'failed'} ${req.url()}`);
  });
  return problems;
}

/** A browser page signed in with a session token (a cookie for localhost), failing the test on any problem it collects. */
export async function signedInPage(browser: Browser, token: string): Promise<{ context: BrowserContext; page: Page; problems: string[] }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  await context.addCookies([
    { name: SESSION_COOKIE, value: token, domain: 'localhost', path: '/', secure: true, httpOnly: true, sameSite: 'Lax' },
  ]);
  const page = await context.newPage();
  return { context, page, problems: pageProblems(page) };
}
