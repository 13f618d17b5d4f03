/// <reference lib="dom" />
// (Code passed to page.evaluate runs in the browser, so this file sees the DOM types.)
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { signInAs } from '../support/auth';
import { haveChromium, launchChromium, signedInPage as signedInSession } from '../support/browser';
import { startCheckoutHarness, type CheckoutHarness } from '../support/checkout';
import { useTestDatabase } from '../support/db';
import { haveFfmpeg, makeFixture } from '../support/ffmpeg';
import { accessibilityProblems, screenshots } from '../support/pages';
import { tempDir } from '../support/temp-dir';

/**
 * Releases through their pages in headless Chromium: an artist builds an
 * album in the studio (bulk upload with a progress bar per file, drag and
 * keyboard reordering, publication), a listener plays it all in order,
 * buys it at the PayPal stand-in and finds it in the library. Sessions are
 * made directly (signing in through the pages is the main journey's part).
 */

jest.setTimeout(180_000);
const db = useTestDatabase();
const run = haveChromium() && haveFfmpeg() ? describe : describe.skip;

run('an album from the studio to a buyer’s library, in Chromium', () => {
  const work = tempDir('sn-release-journey-');
  let shop: CheckoutHarness;
  let browser: Browser;
  let origin: string;

  beforeAll(async () => {
    shop = await startCheckoutHarness(db.pool, { env: { APP_ORIGIN: 'port' } });
    origin = shop.config.appOrigin;
    browser = await launchChromium();
    for (const [i, name] of ['Harbour Lights', 'Low Tide', 'Fog Signal'].entries()) {
      await makeFixture(path.join(work, `0${i + 1} ${name}.mp3`), 6 + i, ['-c:a', 'libmp3lame', '-b:a', '128k']);
    }
    fs.writeFileSync(path.join(work, '04 Not Audio.mp3'), Buffer.from('ID3 this is only text '.repeat(300)));
  });

  afterAll(async () => {
    await browser?.close();
    await shop?.close();
  });

  const signedInPage = (token: string) => signedInSession(browser, token);

  const trackOrder = (page: Page) =>
    page.locator('ol.reorder li').evaluateAll((items) => items.map((li) => li.querySelector('span')!.textContent));

  it('builds, reorders and publishes an album; a listener plays it all, buys it and owns every track', async () => {
    const artist = await signInAs(db.pool, 'artist', { displayName: 'Harbour Radio' });
    const single = (await shop.sellable('0.99', { artistUserId: artist.user.id, name: 'Old Single' })).track;
    const studio = await signedInPage(artist.token);
    const { page } = studio;
    await page.goto(`${origin}/studio`);
    await page.getByRole('heading', { name: 'Artist studio' }).waitFor();
    await page.getByLabel('Release title').fill('Coastal');
    await page.getByRole('button', { name: 'Create release' }).click();
    await page.getByRole('heading', { name: 'Coastal', level: 1 }).waitFor();

    // Four files at once: three land, the text file is refused, each with its own bar and verdict.
    await page.getByLabel('Audio files', { exact: true }).setInputFiles(
      fs
        .readdirSync(work)
        .sort()
        .map((f) => path.join(work, f)),
    );
    await page.getByRole('button', { name: 'Upload into this release' }).click();
    await page
      .locator('.uploads li', { hasText: '04 Not Audio.mp3' })
      .getByRole('status')
      .filter({ hasText: /not audio in a supported format/i })
      .waitFor();
    await page.locator('.uploads li', { hasText: '03 Fog Signal.mp3' }).getByText('Added.').waitFor();
    expect(await page.locator('.uploads progress').count()).toBe(4);
    await page.waitForFunction(() => document.querySelectorAll('ol.reorder li').length === 3);
    expect(await trackOrder(page)).toEqual(['1. 01 Harbour Lights', '2. 02 Low Tide', '3. 03 Fog Signal']);

    // Drag the last onto the first, then move the new first down with the keyboard.
    await page.locator('ol.reorder li').nth(2).dragTo(page.locator('ol.reorder li').nth(0));
    expect(await trackOrder(page)).toEqual(['1. 03 Fog Signal', '2. 01 Harbour Lights', '3. 02 Low Tide']);
    await page.locator('ol.reorder li').nth(0).focus();
    await page.keyboard.press('Alt+ArrowDown');
    expect(await trackOrder(page)).toEqual(['1. 01 Harbour Lights', '2. 03 Fog Signal', '3. 02 Low Tide']);
    await page.getByRole('button', { name: 'Save order' }).click();
    await page.getByText('Order saved.').waitFor();

    // An earlier single goes in from the list of one's tracks, and out again.
    await page.getByLabel('A track of yours to add').selectOption(String(single.id));
    await page.getByRole('button', { name: 'Save order' }).click();
    await page.getByText('Order saved.').waitFor();
    expect(await trackOrder(page)).toEqual(['1. 01 Harbour Lights', '2. 03 Fog Signal', '3. 02 Low Tide', '4. Old Single']);
    await page.getByRole('button', { name: 'Take out Old Single' }).click();
    await page.getByRole('button', { name: 'Save order' }).click();
    await page.getByText('Order saved.').waitFor();
    expect(await trackOrder(page)).toHaveLength(3);
    await page.getByLabel('Price (EUR)', { exact: true }).fill('4.50');
    await page.getByLabel('Tags').fill('Coastal, ambient');
    await page.getByRole('button', { name: 'Save details' }).click();
    await page.getByText('Details saved.').waitFor();
    await page.getByRole('button', { name: 'Publish now' }).click();
    await page.getByText('Published.').waitFor();
    await screenshots(page, 'studio-release');
    expect(await accessibilityProblems(page)).toEqual([]);
    const releaseId = Number(new URL(page.url()).pathname.split('/').at(-1));
    expect(studio.problems).toEqual([]);
    await studio.context.close();

    // A listener finds it on the storefront, plays it all in order (previews), and buys it.
    const buyer = await signInAs(db.pool, 'user');
    const listener = await signedInPage(buyer.token);
    const store = listener.page;
    await store.goto(`${origin}/`);
    await store.locator(`[data-release-id="${releaseId}"]`).getByRole('link', { name: 'Coastal' }).click();
    await store.getByRole('heading', { name: 'Coastal', level: 1 }).waitFor();
    expect(await store.locator('.tracklist tbody tr td:nth-child(2) a').allTextContents()).toEqual([
      '01 Harbour Lights',
      '03 Fog Signal',
      '02 Low Tide',
    ]);
    expect(await store.locator('.tracklist .listen-badge').first().textContent()).toMatch(/^Preview/);
    await screenshots(store, 'release');
    expect(await accessibilityProblems(store)).toEqual([]);
    await store.getByRole('button', { name: '▶ Play all' }).click();
    const ids = await store.locator('.tracklist tbody tr').evaluateAll((rows) => rows.map((r) => (r as HTMLElement).dataset.trackId));
    await store.waitForFunction((first) => document.querySelector<HTMLElement>('#player')!.dataset.trackId === first, ids[0]);
    await store.getByRole('button', { name: 'Next track' }).click();
    await store.waitForFunction((second) => document.querySelector<HTMLElement>('#player')!.dataset.trackId === second, ids[1]);

    await store.getByRole('button', { name: 'Buy album · €4.50' }).click();
    await store.getByRole('button', { name: 'Approve payment' }).click();
    await store.getByRole('heading', { name: 'Thank you — it’s yours' }).waitFor();
    await store.getByRole('link', { name: 'Go to your library' }).click();
    await store.getByRole('heading', { name: 'Tracks you own' }).waitFor();
    expect(await store.locator('.library [data-track-id]').count()).toBe(3);
    await store.getByText('from Coastal').first().waitFor();
    await store.goto(`${origin}/releases/${releaseId}`);
    await store.getByText('You own this release.').waitFor();
    // Now in full: the player plays the first track without the preview badge.
    await store.getByRole('button', { name: '▶ Play all' }).click();
    await store.waitForFunction((first) => {
      const player = document.querySelector<HTMLElement>('#player')!;
      return player.dataset.trackId === first && player.dataset.preview === 'false';
    }, ids[0]);
    await store.goto(`${origin}/releases?type=album&sort=price`);
    await store.locator(`[data-release-id="${releaseId}"]`).waitFor();
    expect(await store.getByLabel('Type').inputValue()).toBe('album');
    expect(await accessibilityProblems(store)).toEqual([]);
    await store.goto(`${origin}/releases/${releaseId}`);
    await store.getByRole('link', { name: 'Harbour Radio' }).click();
    await store.getByRole('heading', { name: 'Harbour Radio', level: 1 }).waitFor();
    await store.locator(`[data-release-id="${releaseId}"]`).waitFor();
    await screenshots(store, 'artist');
    expect(await accessibilityProblems(store)).toEqual([]);
    expect(listener.problems).toEqual([]);
    await listener.context.close();
  });
});
