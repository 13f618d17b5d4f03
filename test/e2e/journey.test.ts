/// <reference lib="dom" />
// (Code passed to page.evaluate runs in the browser, so this file sees the DOM types.)
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { Background } from '../../services/background';
import { smtpMailer } from '../../services/mail/mailer';
import { createLogger } from '../../lib/logger';
import { signInAs } from '../support/auth';
import { addVirtualAuthenticator, haveChromium, launchChromium, pageProblems } from '../support/browser';
import { startCheckoutHarness, type CheckoutHarness } from '../support/checkout';
import { useTestDatabase } from '../support/db';
import { buildUser } from '../support/factories';
import { haveFfmpeg, makeFixture } from '../support/ffmpeg';
import { png } from '../support/images';
import { linkIn, TestSmtpServer } from '../support/smtp';
import { accessibilityProblems, screenshots } from '../support/pages';

/**
 * The whole product through its pages, in headless Chromium: the store on a
 * real port with real SMTP mail, the PayPal stand-in (its approve page
 * clicked like a buyer would), a virtual passkey authenticator, real audio.
 */

jest.setTimeout(180_000);
const db = useTestDatabase();
const run = haveChromium() && haveFfmpeg() ? describe : describe.skip;

interface Audio {
  duration: number;
  currentTime: number;
  paused: boolean;
}
const audioState = (page: Page) =>
  page.evaluate(() => {
    const a = document.querySelector<HTMLAudioElement>('#player audio')!;
    return { duration: a.duration, currentTime: a.currentTime, paused: a.paused } as Audio;
  });

run('a listener, an artist and an admin use the store in Chromium', () => {
  const smtp = new TestSmtpServer();
  const background = new Background(createLogger('silent'));
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'sn-journey-'));
  let shop: CheckoutHarness;
  let browser: Browser;
  let origin: string;
  const tracks: { id: number; name: string; bytes: Buffer }[] = [];

  beforeAll(async () => {
    const smtpUrl = await smtp.start();
    const env = { APP_ORIGIN: 'port', SMTP_URL: smtpUrl, MAIL_FROM: 'Song-Nexus <login@store.test>' };
    shop = await startCheckoutHarness(db.pool, { env, mailer: smtpMailer(smtpUrl, 'Song-Nexus <login@store.test>'), background });
    origin = shop.config.appOrigin;
    browser = await launchChromium();

    // Two tracks for sale, uploaded and published through the API by their artist: 40 s, 4 s previews.
    const artist = await signInAs(db.pool, 'artist', { displayName: 'The Testers' });
    for (const [name, price] of [
      ['Morning Signal', '1.29'],
      ['Evening Static', '0.99'],
    ] as const) {
      const file = path.join(work, `${name}.mp3`);
      await makeFixture(file, 40, ['-c:a', 'libmp3lame', '-b:a', '128k']);
      const bytes = fs.readFileSync(file);
      const form = new FormData();
      form.set('name', name);
      form.set('genre', 'electronic');
      form.set('priceEur', price);
      form.set('freePreviewDuration', '4');
      form.set('audio', new Blob([bytes], { type: 'audio/mpeg' }), `${name}.mp3`);
      const res = await fetch(`${shop.base}/api/artist/tracks`, {
        method: 'POST',
        headers: { Cookie: artist.cookie, Origin: origin },
        body: form,
      });
      expect(res.status).toBe(201);
      const { track } = (await res.json()) as { track: { id: number } };
      expect(
        (await shop.call('PATCH', `/api/artist/tracks/${track.id}`, { cookie: artist.cookie, json: { isPublished: true } })).status,
      ).toBe(200);
      tracks.push({ id: track.id, name, bytes });
    }
  });

  afterAll(async () => {
    await browser?.close();
    await shop?.close();
    await smtp.stop();
    fs.rmSync(work, { recursive: true, force: true });
  });

  async function newPage(): Promise<{ context: BrowserContext; page: Page }> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
    const page = await context.newPage();
    const problems = pageProblems(page);
    afterChecks.push(() => expect(problems).toEqual([]));
    return { context, page };
  }
  const afterChecks: (() => void)[] = [];
  afterEach(() => afterChecks.splice(0).forEach((check) => check()));

  /** Email link sign-in through the pages: the form, the mail at the SMTP server, the confirm page. */
  async function signInByMail(page: Page, email: string, next = '/'): Promise<void> {
    await page.goto(`${origin}/signin${next === '/' ? '' : `?next=${next}`}`);
    await page.getByLabel('Email address').fill(email);
    await page.getByRole('button', { name: 'Email me a sign-in link' }).click();
    await page.getByRole('heading', { name: 'Check your mail' }).waitFor();
    await screenshots(page, 'check-your-mail');
    await background.drain();
    const link = linkIn(await smtp.nextMailTo(email));
    await page.goto(link.toString());
    await page.getByRole('button', { name: 'Sign me in' }).click();
    await page.waitForURL(`${origin}${next}`);
    await page.getByRole('link', { name: 'Account' }).waitFor();
  }

  it('a listener hears a preview, signs in by mail, adds a passkey, signs in with it, buys two tracks, plays one in full and downloads it', async () => {
    const { context, page } = await newPage();
    await addVirtualAuthenticator(await context.newCDPSession(page));
    const [a, b] = tracks as [(typeof tracks)[0], (typeof tracks)[0]];

    // Anonymous: the preview plays, stops at its length, and offers to buy.
    await page.goto(`${origin}/`);
    await page.getByRole('heading', { name: 'Discover music' }).waitFor();
    await screenshots(page, 'storefront');
    const plays = async () =>
      (
        await db.pool.query<{ user_id: number | null; duration_played_seconds: number }>(
          'SELECT user_id, duration_played_seconds FROM play_stats WHERE track_id = $1',
          [a.id],
        )
      ).rows;
    expect(await accessibilityProblems(page)).toEqual([]);
    expect(await plays()).toEqual([]);
    await page.getByRole('button', { name: `Play ${a.name} by The Testers` }).click();
    await page.locator('#player .badge', { hasText: 'Preview · 0:04' }).waitFor();
    await page.waitForFunction(() => document.querySelector<HTMLAudioElement>('#player audio')!.currentTime > 0.5);
    const preview = await audioState(page);
    expect(preview.duration).toBeGreaterThan(3.5);
    expect(preview.duration).toBeLessThan(4.5);
    await page.getByText('The preview has ended.').waitFor({ timeout: 15_000 });
    const ended = await audioState(page);
    expect(ended.currentTime).toBeLessThan(4.5);
    await page.getByRole('button', { name: `Buy “${a.name}” · €1.29` }).waitFor();
    await screenshots(page, 'preview-ended');
    // The play is reported once it was heard (not when the page loaded): about the preview's 4 s, anonymous.
    for (let i = 0; i < 50 && (await plays()).length === 0; i++) await page.waitForTimeout(100);
    expect(await plays()).toEqual([{ user_id: null, duration_played_seconds: expect.any(Number) }]);
    expect((await plays())[0]!.duration_played_seconds).toBeGreaterThanOrEqual(3);
    expect((await plays())[0]!.duration_played_seconds).toBeLessThanOrEqual(4);

    await page.goto(`${origin}/tracks/${a.id}`);
    await page.getByRole('heading', { name: a.name }).waitFor();
    await screenshots(page, 'track');
    expect(await accessibilityProblems(page)).toEqual([]);

    // Signs in by mail, adds a passkey, signs out, signs back in with the passkey.
    const email = `listener-${Date.now()}@example.test`;
    await page.goto(`${origin}/signin`);
    await screenshots(page, 'sign-in');
    expect(await accessibilityProblems(page)).toEqual([]);
    await signInByMail(page, email);
    await page.getByRole('link', { name: 'Account' }).click();
    await page.getByRole('heading', { name: 'Your account' }).waitFor();
    await page.getByLabel('Name for the new passkey').fill('Test laptop');
    await page.getByRole('button', { name: 'Add a passkey' }).click();
    await page.getByText('Passkey added.').waitFor();
    expect(await page.getByLabel('Name of passkey Test laptop').inputValue()).toBe('Test laptop');
    await screenshots(page, 'account');
    expect(await accessibilityProblems(page)).toEqual([]);
    await page.getByRole('button', { name: 'Sign out', exact: true }).click();
    await page.getByRole('link', { name: 'Sign in' }).waitFor();
    await page.getByRole('link', { name: 'Sign in' }).click();
    await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
    await page.getByRole('link', { name: 'Account' }).waitFor();

    // Buys both tracks through PayPal's approve page.
    await page.goto(`${origin}/`);
    for (const t of [a, b])
      await page
        .locator(`[data-track-id="${t.id}"]`)
        .getByRole('button', { name: /Add to cart/ })
        .click();
    await page.getByRole('link', { name: /Cart/ }).click();
    await page.getByRole('cell', { name: '€2.28' }).waitFor();
    await screenshots(page, 'cart');
    expect(await accessibilityProblems(page)).toEqual([]);
    await page.getByRole('button', { name: 'Pay €2.28 with PayPal' }).click();
    await page.getByRole('button', { name: 'Approve payment' }).waitFor();
    await page.getByRole('button', { name: 'Approve payment' }).click();
    await page.getByRole('heading', { name: 'Thank you — it’s yours' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/checkout/result');
    await page.getByText('Total €2.28').waitFor();
    expect(await page.locator('.cart-link .count').textContent()).toBe('0');
    await screenshots(page, 'checkout-completed');

    // Plays one in full from the library, seeks to its middle, downloads it.
    await page.getByRole('link', { name: 'Go to your library' }).click();
    await page.getByRole('heading', { name: 'Tracks you own' }).waitFor();
    await screenshots(page, 'library');
    expect(await accessibilityProblems(page)).toEqual([]);
    await page.getByRole('button', { name: `Play ${a.name}` }).click();
    await page.waitForFunction(() => document.querySelector<HTMLAudioElement>('#player audio')!.currentTime > 0.3);
    expect(await page.locator('#player .badge').isHidden()).toBe(true);
    const full = await audioState(page);
    expect(full.duration).toBeGreaterThan(39);
    await page.getByRole('slider', { name: 'Seek' }).fill(String(full.duration / 2));
    await page.waitForFunction((mid) => {
      const el = document.querySelector<HTMLAudioElement>('#player audio')!;
      return el.currentTime > mid + 0.3 && !el.paused;
    }, full.duration / 2);
    const download = page.waitForEvent('download');
    await page.locator(`[data-track-id="${a.id}"]`).getByRole('button', { name: 'Download' }).click();
    const saved = await (await download).path();
    expect(fs.readFileSync(saved).equals(a.bytes)).toBe(true);
    expect((await download).suggestedFilename()).toBe(`The Testers - ${a.name}.mp3`);

    // A bought track its artist deleted stays in the library and plays in full.
    await db.pool.query('UPDATE tracks SET is_deleted = true, deleted_at = now(), is_published = false WHERE id = $1', [b.id]);
    await page.reload();
    await page.locator(`[data-track-id="${b.id}"]`).getByText('no longer in the store; still yours').waitFor();
    await page.getByRole('button', { name: `Play ${b.name}` }).click();
    await page.waitForFunction((id) => {
      const player = document.querySelector<HTMLElement>('#player')!;
      return player.dataset.trackId === String(id) && player.dataset.preview === 'false';
    }, b.id);
    await page.waitForFunction(() => document.querySelector<HTMLAudioElement>('#player audio')!.currentTime > 0.3);
    expect((await audioState(page)).duration).toBeGreaterThan(39);
    await context.close();
  });

  it('an artist uploads with a progress bar, publishes, and finds the track in the store', async () => {
    const { context, page } = await newPage();
    const artist = await buildUser(db.pool, { role: 'artist', displayName: 'Night Shift' });
    const file = path.join(work, 'upload.wav');
    await makeFixture(file, 30, ['-c:a', 'pcm_s16le']); // about 5 MB: progress events on the way
    await signInByMail(page, artist.email, '/studio'); // straight back to where sign-in was asked for
    await page.getByRole('heading', { name: 'Artist studio' }).waitFor();
    await page.getByLabel('Audio file').setInputFiles(file);
    await page.getByLabel('Title', { exact: true }).fill('Upload Test');
    await page.getByLabel('Genre').fill('ambient');
    await page.getByLabel('Price (EUR)').fill('2.49');
    await page.getByLabel('Preview length (seconds)').fill('10');
    await page.evaluate(() => {
      const bar = document.querySelector('progress')!;
      const seen: number[] = [];
      (window as unknown as { progressSeen: number[] }).progressSeen = seen;
      const timer = setInterval(() => (seen.push(bar.value), bar.value >= 1 && clearInterval(timer)), 5);
    });
    await page.getByRole('button', { name: 'Upload', exact: true }).click();
    await page.getByText('“Upload Test” uploaded (0:30).').waitFor();
    const seen = await page.evaluate(() => (window as unknown as { progressSeen: number[] }).progressSeen);
    expect(seen.at(-1)).toBe(1);
    expect(await page.locator('progress').isVisible()).toBe(true);
    // The form is ready for the next upload, with its defaults back.
    expect([
      await page.getByLabel('Title', { exact: true }).inputValue(),
      await page.getByLabel('Price (EUR)').inputValue(),
      await page.getByLabel('Preview length (seconds)').inputValue(),
    ]).toEqual(['', '0.99', '40']);
    await screenshots(page, 'studio');
    expect(await accessibilityProblems(page)).toEqual([]);

    const row = page.locator('tr', { hasText: 'Upload Test' });
    await row.getByText('draft').waitFor();
    await row.getByRole('link', { name: 'Upload Test' }).click();
    await page.getByRole('heading', { name: 'Edit “Upload Test”' }).waitFor();
    await page.getByLabel('Description').fill('Recorded at night.');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText('Saved.').waitFor();
    await page.getByLabel('New cover image').setInputFiles({ name: 'cover.png', mimeType: 'image/png', buffer: png(240, 240) });
    await page.getByRole('button', { name: 'Replace cover' }).click();
    await page.getByText('Cover replaced.').waitFor();
    expect(
      // The new image may still be loading: its natural width once it has.
      await page
        .getByRole('img', { name: 'Cover of Upload Test' })
        .evaluate((img: HTMLImageElement) =>
          img.complete && img.naturalWidth
            ? img.naturalWidth
            : new Promise<number>((resolve) => img.addEventListener('load', () => resolve(img.naturalWidth))),
        ),
    ).toBe(240);
    await screenshots(page, 'studio-edit');
    expect(await accessibilityProblems(page)).toEqual([]);
    await page.getByRole('link', { name: 'Back to the studio' }).click();
    await row.getByRole('button', { name: 'Publish' }).click();
    await row.getByText('published').waitFor();
    await page.getByRole('link', { name: 'Store' }).click();
    await page.getByRole('heading', { name: 'Discover music' }).waitFor();
    const card = page.locator('article.track-card', { hasText: 'Upload Test' });
    await card.getByText('€2.49', { exact: true }).waitFor();
    expect(await card.getByRole('img', { name: 'Cover of Upload Test' }).isVisible()).toBe(true);
    await context.close();
  });

  it('an admin changes the primary colour, the storefront shows it, and rolls it back', async () => {
    const { context, page } = await newPage();
    const admin = await buildUser(db.pool, { role: 'admin' });
    const primary = () => page.evaluate(() => getComputedStyle(document.documentElement).getPropertyValue('--color-primary').trim());
    await signInByMail(page, admin.email);
    const before = await primary();
    await page.getByRole('link', { name: 'Admin' }).click();
    await page.getByRole('heading', { name: 'Theme editor' }).waitFor();
    await page.getByLabel('Color primary as hex').fill('#b45309');
    // The live preview follows the draft before anything is saved.
    expect(await page.locator('.theme-preview').evaluate((el) => getComputedStyle(el).getPropertyValue('--color-primary').trim())).toBe(
      '#b45309',
    );
    await page.getByLabel('Button text color as hex').fill('#fbbf24');
    await page.getByLabel('Button background color as hex').fill('#f59e0b');
    await page.getByText(/Button text on button: contrast .* below WCAG AA/).waitFor();
    await screenshots(page, 'theme-editor');
    await page.getByLabel('Upload an image for logo url').setInputFiles({ name: 'logo.png', mimeType: 'image/png', buffer: png(64, 64) });
    await page.getByText('Image uploaded for logo url; save to publish it.').waitFor();
    expect(await page.getByLabel('Logo url', { exact: true }).inputValue()).toMatch(/^\/assets\/theme\/[0-9a-f]{32}\.png$/);
    expect(await page.locator('.theme-preview').evaluate((el) => getComputedStyle(el).getPropertyValue('--logo-url').trim())).toMatch(
      /^url\("\/assets\/theme\//,
    );
    await page.getByLabel('Button text color as hex').fill('#ffffff');
    await page.getByLabel('Button background color as hex').fill('#6d28d9');
    await page.getByRole('button', { name: 'Save and publish' }).click();
    await page.getByText('Saved. The store shows the new theme now.').waitFor();
    expect(await accessibilityProblems(page)).toEqual([]);

    await page.getByRole('link', { name: 'Store' }).click();
    await page.waitForFunction(() => getComputedStyle(document.documentElement).getPropertyValue('--color-primary').trim() === '#b45309');
    await page.reload();
    expect(await primary()).toBe('#b45309');
    expect(await page.locator('.brand img.logo').evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(64);
    const link = page.locator('.track-card .meta a').first();
    expect(await link.evaluate((el) => getComputedStyle(el).color)).toBe('rgb(180, 83, 9)');
    await screenshots(page, 'storefront-new-colour');

    // A colleague's save in between: a clear 412 message instead of overwriting.
    await page.getByRole('link', { name: 'Admin' }).click();
    await page.getByRole('heading', { name: 'History' }).waitFor();
    const active = (await shop.call('GET', '/api/design-system')).body;
    expect(active.tokens.colorPrimary).toBe('#b45309');
    const other = await signInAs(db.pool, 'admin');
    const fresh = await fetch(`${shop.base}/api/design-system`);
    expect(
      (
        await shop.call('PUT', '/api/admin/design-system', {
          cookie: other.cookie,
          json: { colorSecondary: '#0f172a' },
          headers: { 'If-Match': fresh.headers.get('etag')! },
        })
      ).status,
    ).toBe(200);
    await page.getByLabel('Color accent teal as hex').fill('#0f766e');
    await page.getByRole('button', { name: 'Save and publish' }).click();
    await page.getByText('Someone else saved the theme while you were editing.').waitFor();
    await page.getByRole('button', { name: 'Load their version' }).click();
    await page.waitForFunction(
      () => document.querySelector<HTMLInputElement>('input[aria-label="Color secondary as hex"]')?.value === '#0f172a',
    );

    // One click back to the theme before this test's saves.
    await page
      .locator('.history li')
      .nth(2)
      .getByRole('button', { name: /Roll back to #/ })
      .click();
    await page.getByText(/^Rolled back to theme/).waitFor();
    await page.getByRole('link', { name: 'Store' }).click();
    await page.waitForFunction((b) => getComputedStyle(document.documentElement).getPropertyValue('--color-primary').trim() === b, before);
    expect(await page.locator('.brand img.logo').count()).toBe(0);
    await page.goto(`${origin}/admin/users`);
    await page.getByRole('cell', { name: admin.email, exact: true }).waitFor();
    await screenshots(page, 'admin-users');
    expect(await accessibilityProblems(page)).toEqual([]);
    await page.goto(`${origin}/admin/orders`);
    await page.getByRole('heading', { name: 'Orders' }).waitFor();
    await screenshots(page, 'admin-orders');
    expect(await accessibilityProblems(page)).toEqual([]);
    await context.close();
  });
});
