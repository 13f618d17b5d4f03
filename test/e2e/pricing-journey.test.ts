import type { Browser } from 'playwright-core';
import { signInAs } from '../support/auth';
import { haveChromium, launchChromium, signedInPage } from '../support/browser';
import { startCheckoutHarness, type CheckoutHarness } from '../support/checkout';
import { useTestDatabase } from '../support/db';
import { accessibilityProblems, screenshots } from '../support/pages';

/**
 * Pricing through the pages in headless Chromium: an artist makes a release
 * name-your-price, a discount code and download codes in the studio; a listener puts a
 * name-your-price release in the cart at their own amount, applies a
 * discount code (shown on its line), pays at the PayPal stand-in, and
 * redeems a download code on /redeem. Sessions are made directly.
 */

jest.setTimeout(120_000);
const db = useTestDatabase();
const run = haveChromium() ? describe : describe.skip;

run('name your price, a discount code and a download code, in Chromium', () => {
  let shop: CheckoutHarness;
  let browser: Browser;

  beforeAll(async () => {
    shop = await startCheckoutHarness(db.pool, { env: { APP_ORIGIN: 'port' } });
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await shop?.close();
  });

  it('buys a release at the buyer’s amount less a code, then redeems a download code', async () => {
    const origin = shop.config.appOrigin;
    const artist = await signInAs(db.pool, 'artist', { displayName: 'Tide Pool' });
    const album = await shop.sellableRelease(artist, 2, { title: 'Slow Water', price: '6.00' });
    const ep = await shop.sellableRelease(artist, 1, { title: 'Spare Room', price: '3.00' });

    // The artist makes the album name-your-price, a discount code and download codes, all in the studio.
    const studio = await signedInPage(browser, artist.token);
    await studio.page.goto(`${origin}/studio/releases/${album.id}`);
    await studio.page.getByRole('heading', { name: 'Slow Water', level: 1 }).waitFor();
    await studio.page.getByLabel('Price model').selectOption('name_your_price');
    await studio.page.getByLabel('Price (EUR)', { exact: true }).fill('5.00');
    await studio.page.getByLabel('Suggested price (EUR)').fill('8.00');
    await studio.page.getByRole('button', { name: 'Save details' }).click();
    await studio.page.getByText('Details saved.').waitFor();
    expect((await shop.call('GET', `/api/releases/${album.id}`)).body.release).toMatchObject({
      priceModel: 'name_your_price',
      minimumPrice: '5.00',
      suggestedPrice: '8.00',
    });
    await studio.page.goto(`${origin}/studio/releases/${ep.id}`);
    await studio.page.getByLabel('How many codes').fill('2');
    await studio.page.getByRole('button', { name: 'Make codes' }).click();
    await studio.page.getByText('2 codes made, 0 redeemed.').waitFor();
    await studio.page.goto(`${origin}/studio`);
    await studio.page.getByLabel('Code', { exact: true }).fill('tide10');
    await studio.page.getByLabel('Percent off').fill('10');
    await studio.page.getByRole('button', { name: 'Create code' }).click();
    await studio.page.getByText('Code TIDE10 created: it applies to all your releases and tracks.').waitFor();
    expect(studio.problems).toEqual([]);
    await studio.context.close();
    const listed = await shop.call('GET', `/api/artist/releases/${ep.id}/download-codes`, { cookie: artist.cookie });
    const downloadCode: string = listed.body.codes[0].code;

    const buyer = await signInAs(db.pool, 'user');
    const { context, page, problems } = await signedInPage(browser, buyer.token);
    await page.goto(`${origin}/releases/${album.id}`);
    await page.getByRole('heading', { name: 'Slow Water', level: 1 }).waitFor();
    expect(await page.getByLabel('Your price (EUR)').inputValue()).toBe('8.00');
    await page.getByLabel('Your price (EUR)').fill('12');
    await page.getByRole('button', { name: 'Buy album · €12.00' }).waitFor();
    await page.getByRole('button', { name: 'Add to cart · €5.00 or more' }).click();
    await page.getByRole('link', { name: /Cart/ }).click();

    await page.getByRole('heading', { name: 'Your cart' }).waitFor();
    expect(await page.getByLabel('Your price for Slow Water').inputValue()).toBe('12.00');
    await page.getByRole('cell', { name: '€12.00' }).waitFor();
    await page.getByLabel('Discount code').fill('tide10');
    await page.getByRole('button', { name: 'Apply code' }).click();
    await page.getByText('Code TIDE10 applied.').waitFor();
    // 10 % off the 5.00 minimum lowers it to 4.50: the buyer still pays what they typed.
    await page.locator(`tr[data-id="${album.id}"] .discount`).getByText('Code: the minimum is now €4.50').waitFor();
    await screenshots(page, 'cart-pricing');
    expect(await accessibilityProblems(page)).toEqual([]);
    await page.getByRole('button', { name: 'Pay €12.00 with PayPal' }).click();
    await page.getByRole('button', { name: 'Approve payment' }).click();
    await page.getByRole('heading', { name: 'Thank you — it’s yours' }).waitFor();
    await page.getByText('Total €12.00').waitFor();
    const { rows } = await db.pool.query(
      `SELECT oi.minimum_price, oi.discount_amount, oi.extra_amount, oi.price FROM order_items oi JOIN orders o ON o.id = oi.order_id
       WHERE o.user_id = $1 AND o.status = 'COMPLETED'`,
      [buyer.user.id],
    );
    expect(rows).toEqual([{ minimum_price: '5.00', discount_amount: '0.50', extra_amount: '7.50', price: '12.00' }]);

    await page.goto(`${origin}/redeem`);
    await page.getByLabel('Download or gift code').fill(downloadCode.toLowerCase());
    await page.getByRole('button', { name: 'Redeem' }).click();
    await page.getByText('Redeemed: it is in your library.').waitFor();
    expect(await accessibilityProblems(page)).toEqual([]);
    await page.getByRole('link', { name: 'Go to your library' }).click();
    await page.getByRole('heading', { name: 'Tracks you own' }).waitFor();
    expect(await page.locator('.library [data-track-id]').count()).toBe(3);
    expect(problems).toEqual([]);
    await context.close();
  });
});
