import fs from 'node:fs';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { signInAs } from '../support/auth';
import { haveChromium, launchChromium, signedInPage } from '../support/browser';
import { startCheckoutHarness, type CheckoutHarness } from '../support/checkout';
import { useTestDatabase } from '../support/db';
import { buildPurchase } from '../support/factories';
import { haveFfmpeg, makeFixture } from '../support/ffmpeg';
import { png } from '../support/images';
import { accessibilityProblems } from '../support/pages';
import { tempDir } from '../support/temp-dir';

/**
 * Download formats through the pages in headless Chromium: the release page
 * lists them before purchase; in the library a buyer picks FLAC, sees it
 * being prepared (a job on the durable queue), and gets the file; then the
 * whole release as one ZIP in MP3 from the release page.
 */

jest.setTimeout(120_000);
const db = useTestDatabase();
const run = haveChromium() && haveFfmpeg() ? describe : describe.skip;

run('download formats, in Chromium', () => {
  let shop: CheckoutHarness;
  let browser: Browser;
  const work = tempDir('sn-formats-journey-');

  beforeAll(async () => {
    shop = await startCheckoutHarness(db.pool, { env: { APP_ORIGIN: 'port' }, durableJobs: true });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await shop?.close();
  });

  it('lists the formats on the release page and prepares FLAC in the library', async () => {
    const origin = shop.config.appOrigin;
    const artist = await signInAs(db.pool, 'artist', { displayName: 'Tide Pool' });
    const wav = path.join(work, 'master.wav');
    await makeFixture(wav, 3, ['-c:a', 'pcm_s16le']);
    const release = await shop.call('POST', '/api/artist/releases', { cookie: artist.cookie, json: { title: 'Low Water' } });
    const uploaded = await shop.uploadInto(release.body.release.id, artist.cookie, wav, {
      name: 'Ebb',
      type: 'audio/wav',
      cover: png(32, 32),
    });
    expect(uploaded.status).toBe(201);
    await shop.call('PATCH', `/api/artist/releases/${release.body.release.id}`, { cookie: artist.cookie, json: { isPublished: true } });

    const buyer = await signInAs(db.pool, 'user');
    const { context, page, problems } = await signedInPage(browser, buyer.token);
    await page.goto(`${origin}/releases/${release.body.release.id}`);
    await page.getByText(/Download formats: Original \(WAV\), MP3 320 kbps, .*FLAC/).waitFor();

    await buildPurchase(db.pool, { userId: buyer.user.id, trackId: uploaded.body.track.id });
    await page.goto(`${origin}/library`);
    await page.getByRole('heading', { name: 'Tracks you own' }).waitFor();
    const select = page.getByLabel('Format for Ebb');
    await select.focus();
    await page.locator('option[value="flac"]').waitFor({ state: 'attached' });
    await select.selectOption('flac');
    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Download' }).click();
    await page.getByText('Preparing FLAC…').waitFor();
    const saved = await download;
    expect(saved.suggestedFilename()).toBe('01 Tide Pool - Ebb.flac');
    expect(
      fs
        .readFileSync((await saved.path())!)
        .subarray(0, 4)
        .toString('latin1'),
    ).toBe('fLaC');
    expect(await accessibilityProblems(page)).toEqual([]);

    // The whole release, as one ZIP in MP3 (its track prepared on the way).
    await page.goto(`${origin}/releases/${release.body.release.id}`);
    await page.getByLabel('Format for Low Water').selectOption('mp3_320');
    const zip = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Download release' }).click();
    const archive = await zip;
    expect(archive.suggestedFilename()).toBe('Tide Pool - Low Water (MP3 320 kbps).zip');
    expect(
      fs
        .readFileSync((await archive.path())!)
        .subarray(0, 2)
        .toString('latin1'),
    ).toBe('PK');
    expect(problems).toEqual([]);
    await context.close();
  });

  it('draws the waveform as the player’s seek bar: a preview listener’s spans the preview, and keys and clicks seek', async () => {
    const origin = shop.config.appOrigin;
    const artist = await signInAs(db.pool, 'artist', { displayName: 'Tide Pool' });
    const flac = path.join(work, 'long.flac');
    await makeFixture(flac, 10, ['-c:a', 'flac']);
    const release = await shop.call('POST', '/api/artist/releases', { cookie: artist.cookie, json: { title: 'Long Water' } });
    const uploaded = await shop.uploadInto(release.body.release.id, artist.cookie, flac, { name: 'Undertow', type: 'audio/flac' });
    expect(uploaded.status).toBe(201); // a 2-second preview of 10 seconds
    await shop.call('PATCH', `/api/artist/releases/${release.body.release.id}`, { cookie: artist.cookie, json: { isPublished: true } });

    const listener = await signInAs(db.pool, 'user');
    const { context, page, problems } = await signedInPage(browser, listener.token);
    await page.goto(`${origin}/releases/${release.body.release.id}`);
    await page.getByRole('button', { name: 'Play Undertow' }).click();
    const wave = page.locator('.player-wave.has-wave[data-bins="1000"]');
    await wave.waitFor({ timeout: 30_000 });
    const seek = page.getByRole('slider', { name: 'Seek' });
    const [waveBox, seekBox] = [await wave.boundingBox(), await seek.boundingBox()];
    // The control covers the 2 hearable seconds of 10: a fifth of the drawn track.
    expect(seekBox!.width / waveBox!.width).toBeCloseTo(0.2, 1);
    // A seek bar has a length once the audio's metadata is in (before that a click has nothing to seek).
    await page.waitForFunction(() => Number((document.querySelector('.player-seek') as unknown as { max: string }).max) > 0);
    const currentTime = () => page.evaluate(() => (document.querySelector('audio') as unknown as { currentTime: number }).currentTime);
    await page.evaluate(() => (document.querySelector('audio') as unknown as { pause(): void }).pause());
    // Clicked where the bar is at the moment of the click (the player's status line may have moved it since it was measured).
    await seek.click({ position: { x: seekBox!.width * 0.75, y: seekBox!.height / 2 } });
    expect(Math.abs((await currentTime()) - 1.5)).toBeLessThan(0.3);
    await seek.focus();
    await page.keyboard.press('Home');
    expect(await currentTime()).toBeLessThan(0.2);
    await page.keyboard.press('ArrowRight');
    expect(await currentTime()).toBeGreaterThan(0);
    expect(await accessibilityProblems(page)).toEqual([]);
    expect(problems).toEqual([]);
    await context.close();
  });

  it('lets the artist attach a booklet in the studio, and the release page says every download includes it', async () => {
    const origin = shop.config.appOrigin;
    const artist = await signInAs(db.pool, 'artist', { displayName: 'Tide Pool' });
    const mp3 = path.join(work, 'short.mp3');
    await makeFixture(mp3, 2, ['-c:a', 'libmp3lame']);
    const release = await shop.call('POST', '/api/artist/releases', { cookie: artist.cookie, json: { title: 'Slack Water' } });
    const releaseId: number = release.body.release.id;
    expect((await shop.uploadInto(releaseId, artist.cookie, mp3, { name: 'Still' })).status).toBe(201);
    await shop.call('PATCH', `/api/artist/releases/${releaseId}`, { cookie: artist.cookie, json: { isPublished: true } });

    const { context, page, problems } = await signedInPage(browser, artist.token);
    await page.goto(`${origin}/studio/releases/${releaseId}`);
    await page.getByRole('heading', { name: 'Extras' }).waitFor();
    await page.getByLabel('Extra file').setInputFiles({
      name: 'Booklet.pdf',
      mimeType: 'application/pdf',
      buffer: Buffer.from('%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n'),
    });
    await page.getByRole('button', { name: 'Attach' }).click();
    await page.getByText('Booklet.pdf attached.').waitFor();
    await page.getByText(/Booklet\.pdf \(PDF, 1 KB\)/).waitFor();
    expect(await accessibilityProblems(page)).toEqual([]);

    await page.goto(`${origin}/releases/${releaseId}`);
    await page.getByText('Every download includes Booklet.pdf (PDF, 1 KB).').waitFor();
    expect(problems).toEqual([]);
    await context.close();
  });
});
