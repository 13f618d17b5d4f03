import type { Browser } from 'playwright-core';
import { signInAs } from '../support/auth';
import { haveChromium, launchChromium, signedInPage } from '../support/browser';
import { startCheckoutHarness, type CheckoutHarness } from '../support/checkout';
import { useTestDatabase } from '../support/db';
import { accessibilityProblems } from '../support/pages';

/**
 * Earnings through the pages in headless Chromium: after a sale (paid at
 * the PayPal stand-in), the artist's studio shows the pending balance, the
 * net per month as a chart and the sales CSV; the admin's Money page shows
 * the store's earnings, the OSS report and the VAT rates in force.
 */

jest.setTimeout(90_000);
const db = useTestDatabase();

(haveChromium() ? describe : describe.skip)('earnings pages, in Chromium', () => {
  let shop: CheckoutHarness;
  let browser: Browser;

  beforeAll(async () => {
    shop = await startCheckoutHarness(db.pool, { env: { APP_ORIGIN: 'port', TAX_MODE: 'inclusive', STORE_COUNTRY: 'DE' } });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await shop?.close();
  });

  it('shows the artist their balance, net per month and the sales CSV, and the admin the store’s money and VAT', async () => {
    const origin = shop.config.appOrigin;
    const artist = await signInAs(db.pool, 'artist', { displayName: 'Till Roll' });
    const buyer = await signInAs(db.pool, 'user');
    const { track } = await shop.sellable('10.00', { artistUserId: artist.user.id });
    const { back } = await shop.approvedOrder(buyer.cookie, [track.id], 'balance', 'FR');
    await shop.follow(back, buyer.cookie);

    const studio = await signedInPage(browser, artist.token);
    await studio.page.goto(`${origin}/studio`);
    const earnings = studio.page.locator('section.earnings');
    await earnings.getByRole('heading', { name: 'Earnings' }).waitFor();
    await earnings.getByText('Pending, 14-day hold').waitFor();
    expect(await earnings.locator('dd').allTextContents()).toEqual(expect.arrayContaining(['6.80', '0.00', '1 / 0', '10.00', '1.67']));
    const month = new Date().toISOString().slice(0, 7);
    await earnings.getByRole('img', { name: `Net per month: ${month} 6.80 EUR` }).waitFor();
    const download = studio.page.waitForEvent('download');
    await earnings.getByRole('link', { name: 'Download the sales CSV' }).click();
    const csv = await download;
    expect(csv.suggestedFilename()).toMatch(/^sales-\d{4}-\d{2}-\d{2}-\d{4}-\d{2}-\d{2}\.csv$/);
    expect(await accessibilityProblems(studio.page)).toEqual([]);
    expect(studio.problems).toEqual([]);
    await studio.context.close();

    const admin = await signInAs(db.pool, 'admin');
    const money = await signedInPage(browser, admin.token);
    await money.page.goto(`${origin}/admin/money`);
    await money.page.getByRole('heading', { name: 'Store earnings' }).waitFor();
    await money.page
      .getByRole('link', { name: /^\d{4}-Q[1-4]$/ })
      .first()
      .waitFor();
    await money.page.getByRole('row', { name: /FR 20 %/ }).waitFor();
    // Payouts: the sale is still in its 14-day hold, so there is nobody to pay yet.
    await money.page.getByRole('button', { name: 'Pay out available balances now' }).click();
    await money.page.getByText('Nobody has a balance at or above the minimum with a confirmed PayPal address.').waitFor();
    // The week's ledger against PayPal: the two sales above, as PayPal holds them.
    await money.page.getByRole('button', { name: 'Check against PayPal' }).click();
    await money.page.getByText(/^Checked [1-9]\d* order\(s\) and 0 payout batch\(es\): no differences\.$/).waitFor();
    expect(await accessibilityProblems(money.page)).toEqual([]);
    expect(money.problems).toEqual([]);
    await money.context.close();
  });
});
