import { parse } from 'csv-parse/sync';
import { signInAs } from '../support/auth';
import { useCheckoutHarness } from '../support/checkout';
import { useTestDatabase } from '../support/db';
import { createLogger } from '../../lib/logger';

/**
 * The ledger over HTTP against the PayPal stand-in (which reports its fee,
 * 3.49 % + €0.35, and the payer's country): with prices tax-inclusive, a
 * buyer in Germany (19 %) and one in France (20 %) pay the same €10.00; the
 * ledger records €1.60 and €1.67 of VAT, PayPal's fee, the platform's 10 %
 * and the artist's net; the artist's sales CSV (read by a CSV library) and
 * the OSS report say the same; a refund brings that sale's net to zero.
 */

const db = useTestDatabase();
// What the store logs, to see the fallbacks it notes.
const logged: { msg: string; orderId?: number; country?: string }[] = [];
const logger = createLogger('info', { write: (line: string) => void logged.push(JSON.parse(line)) });
const shop = useCheckoutHarness(db, { env: { TAX_MODE: 'inclusive', STORE_COUNTRY: 'DE', PLATFORM_FEE_PERCENT: '10' }, logger });

const entries = async (orderId: number) =>
  (
    await db.pool.query(
      `SELECT entry_kind, gross_minor::int AS gross, tax_minor::int AS tax, paypal_fee_minor::int AS fee,
              platform_fee_minor::int AS platform, artist_net_minor::int AS net, tax_country, tax_rate_bp, buyer_country
       FROM ledger_entries WHERE order_id = $1 ORDER BY id`,
      [orderId],
    )
  ).rows;

describe('the ledger', () => {
  it('records VAT by the buyer’s country, PayPal’s fee, the platform’s and the artist’s share — and undoes a refund', async () => {
    const artist = await signInAs(db.pool, 'artist', { displayName: 'Ledger Lines' });
    const { track } = await shop.sellable('10.00', { artistUserId: artist.user.id, name: '=SUM(A1) Blues' });
    const german = await signInAs(db.pool, 'user');
    const french = await signInAs(db.pool, 'user');
    const bought: Record<string, number> = {};
    for (const [who, country] of [
      [german, 'DE'],
      [french, 'FR'],
    ] as const) {
      const { orderId, back } = await shop.approvedOrder(who.cookie, [track.id], 'balance', country);
      expect((await shop.follow(back, who.cookie)).status).toBe(303);
      bought[country] = orderId;
    }
    // Fee 35 + 35 = 70 cents; platform 10 % of the price without VAT; the artist the rest.
    expect(await entries(bought.DE!)).toEqual([
      {
        entry_kind: 'sale',
        gross: 1000,
        tax: 160,
        fee: 70,
        platform: 84,
        net: 686,
        tax_country: 'DE',
        tax_rate_bp: 1900,
        buyer_country: 'DE',
      },
    ]);
    expect(await entries(bought.FR!)).toEqual([
      {
        entry_kind: 'sale',
        gross: 1000,
        tax: 167,
        fee: 70,
        platform: 83,
        net: 680,
        tax_country: 'FR',
        tax_rate_bp: 2000,
        buyer_country: 'FR',
      },
    ]);
    const { rows: orders } = await db.pool.query('SELECT id, amount, buyer_country FROM orders WHERE id = ANY($1) ORDER BY id', [
      Object.values(bought),
    ]);
    expect(orders.map((o) => [o.amount, o.buyer_country])).toEqual([
      ['10.00', 'DE'],
      ['10.00', 'FR'],
    ]);

    // The artist's balance: all of it pending during the 14-day hold.
    const earnings = await shop.call('GET', '/api/artist/earnings', { cookie: artist.cookie });
    expect(earnings.body.balances).toEqual([
      expect.objectContaining({
        currency: 'EUR',
        available: '0.00',
        pending: '13.66',
        gross: '20.00',
        tax: '3.27',
        net: '13.66',
        sales: 2,
      }),
    ]);
    expect(earnings.body.months).toEqual([{ month: new Date().toISOString().slice(0, 7), currency: 'EUR', net: '13.66' }]);

    // The sales CSV, read back by a CSV parser: one row per sold item, the same numbers, the title kept as text.
    const csv = await shop.call('GET', '/api/artist/sales.csv', { cookie: artist.cookie });
    expect(csv.status).toBe(200);
    const rows = parse(csv.bytes.toString('utf8'), { columns: true }) as Record<string, string>[];
    const columns = [
      'entry',
      'item',
      'quantity',
      'price',
      'tax',
      'tax_country',
      'tax_rate_percent',
      'paypal_fee',
      'platform_fee',
      'net',
      'currency',
      'buyer_country',
    ];
    expect(rows.map((r) => columns.map((c) => r[c]))).toEqual([
      // A title a spreadsheet would run as a formula stays text.
      ['sale', "'=SUM(A1) Blues", '1', '10.00', '1.60', 'DE', '19', '0.70', '0.84', '6.86', 'EUR', 'DE'],
      ['sale', "'=SUM(A1) Blues", '1', '10.00', '1.67', 'FR', '20', '0.70', '0.83', '6.80', 'EUR', 'FR'],
    ]);
    expect(rows.every((r) => /^[A-Z0-9]{17}$/.test(r.paypal_transaction_id!) && Number(r.order_id) > 0)).toBe(true);
    const stranger = await signInAs(db.pool, 'user');
    expect((await shop.call('GET', '/api/artist/sales.csv', { cookie: stranger.cookie })).status).toBe(403);

    // The quarter's OSS report: both countries.
    const admin = await signInAs(db.pool, 'admin');
    const now = new Date();
    const quarter = `${now.getUTCFullYear()}-Q${Math.floor(now.getUTCMonth() / 3) + 1}`;
    const oss = await shop.call('GET', `/api/admin/tax/oss.csv?quarter=${quarter}`, { cookie: admin.cookie });
    expect(parse(oss.bytes.toString('utf8'), { columns: true })).toEqual([
      { country: 'DE', rate_percent: '19', currency: 'EUR', net: '8.40', tax: '1.60', entries: '1' },
      { country: 'FR', rate_percent: '20', currency: 'EUR', net: '8.33', tax: '1.67', entries: '1' },
    ]);
    expect((await shop.call('GET', `/api/admin/tax/oss.csv?quarter=${quarter}`, { cookie: artist.cookie })).status).toBe(403);

    // A refund: negating entries; PayPal gives back its percentage (35 c) and keeps the fixed 35 c, which the platform bears.
    const refund = await shop.call('POST', `/api/admin/orders/${bought.DE}/refund`, { cookie: admin.cookie });
    expect(refund.status).toBe(200);
    const afterRefund = await entries(bought.DE!);
    expect(afterRefund[1]).toEqual({
      entry_kind: 'refund',
      gross: -1000,
      tax: -160,
      fee: -35,
      platform: -119,
      net: -686,
      tax_country: 'DE',
      tax_rate_bp: 1900,
      buyer_country: 'DE',
    });
    expect(afterRefund.reduce((a, e) => a + e.net, 0)).toBe(0);
    // Refunding again (a retried click) appends nothing, to the ledger or to the audit trail.
    await shop.call('POST', `/api/admin/orders/${bought.DE}/refund`, { cookie: admin.cookie });
    expect(await entries(bought.DE!)).toHaveLength(2);
    const { rows: audit } = await db.pool.query(
      `SELECT actor_user_id, action, changes FROM audit_log WHERE target_type = 'order' AND target_id = $1`,
      [String(bought.DE)],
    );
    expect(audit).toEqual([
      { actor_user_id: admin.user.id, action: 'order.refunded', changes: { from: 'COMPLETED', refundId: expect.any(String) } },
    ]);
    const balance = (await shop.call('GET', '/api/artist/earnings', { cookie: artist.cookie })).body.balances[0];
    expect([balance.pending, balance.refunds]).toEqual(['6.80', 1]);
    const { rows: sum } = await db.pool.query('SELECT sum(artist_net_minor)::int AS n FROM ledger_entries WHERE artist_user_id = $1', [
      artist.user.id,
    ]);
    expect(sum[0].n).toBe(680);

    // The reconciliation report: the ledger agrees with PayPal on both orders (one refunded) …
    const report = await shop.call('GET', '/api/admin/reconciliation', { cookie: admin.cookie });
    expect([report.status, report.body.checked.orders >= 2, report.body.differences]).toEqual([200, true, []]);
    // … and lists the difference when an entry PayPal knows nothing of appears.
    await db.pool.query(
      `INSERT INTO ledger_entries (entry_kind, order_id, order_item_id, item_kind, item_id, item_title, license_type, currency,
         gross_minor, tax_minor, paypal_fee_minor, platform_fee_minor, artist_net_minor, minimum_minor, discount_minor, extra_minor, occurred_at)
       VALUES ('sale', $1, 999999, 'track', 1, 'Forged', 'personal', 'EUR', 500, 0, 0, 0, 500, 500, 0, 0, now())`,
      [bought.FR],
    );
    const flagged = await shop.call('GET', '/api/admin/reconciliation', { cookie: admin.cookie });
    expect(flagged.body.differences).toEqual([
      { subject: `order ${bought.FR}`, what: 'captured amount (minor units)', ours: '1500', paypal: '1000' },
    ]);
    expect((await shop.call('GET', '/api/admin/reconciliation', { cookie: artist.cookie })).status).toBe(403);
    expect((await shop.call('GET', '/api/admin/reconciliation?from=2020-01-01', { cookie: admin.cookie })).body.error.code).toBe(
      'invalid_range',
    );

    // The ledger is append-only.
    await expect(db.pool.query('UPDATE ledger_entries SET artist_net_minor = 0 WHERE order_id = $1', [bought.FR])).rejects.toThrow(
      /never changed/,
    );
    await expect(db.pool.query('DELETE FROM ledger_entries WHERE order_id = $1', [bought.FR])).rejects.toThrow(/never changed/);
  });

  it('takes the store’s country for a payer PayPal gave none for, and logs that it did', async () => {
    const { track } = await shop.sellable('10.00');
    const buyer = await signInAs(db.pool, 'user');
    const { orderId, back } = await shop.approvedOrder(buyer.cookie, [track.id], 'balance', '');
    expect((await shop.follow(back, buyer.cookie)).status).toBe(303);
    expect(await entries(orderId)).toEqual([expect.objectContaining({ gross: 1000, tax: 160, tax_country: 'DE', buyer_country: 'DE' })]);
    expect(logged.filter((l) => l.orderId === orderId)).toEqual([
      expect.objectContaining({ msg: "PayPal gave no payer country: the store's country decided the VAT", country: 'DE' }),
    ]);
    // A payer PayPal gave a country for is not noted.
    const french = await shop.approvedOrder(buyer.cookie, [(await shop.sellable('10.00')).track.id], 'balance', 'FR');
    expect((await shop.follow(french.back, buyer.cookie)).status).toBe(303);
    expect(logged.filter((l) => l.orderId === french.orderId)).toEqual([]);
  });

  it('lets admins set one artist’s platform fee and add VAT rates from a date, keeping the history', async () => {
    const admin = await signInAs(db.pool, 'admin');
    const artist = await signInAs(db.pool, 'artist');
    const buyer = await signInAs(db.pool, 'user');
    const fee = (json: unknown, cookie = admin.cookie) =>
      shop.call('PUT', `/api/admin/artists/${artist.user.id}/platform-fee`, { cookie, json });
    expect((await fee({ percent: 7.5 })).status).toBe(204);
    expect((await fee({ percent: 7.5 }, artist.cookie)).status).toBe(403);
    expect((await fee({ percent: 101 })).status).toBe(400);
    expect((await shop.call('PUT', '/api/admin/artists/999999/platform-fee', { cookie: admin.cookie, json: { percent: 5 } })).status).toBe(
      404,
    );
    const { track } = await shop.sellable('10.00', { artistUserId: artist.user.id });
    const { orderId, back } = await shop.approvedOrder(buyer.cookie, [track.id], 'balance', 'DE');
    await shop.follow(back, buyer.cookie);
    // 7.5 % of 8.40 = 0.63.
    expect((await entries(orderId))[0]).toMatchObject({ gross: 1000, tax: 160, fee: 70, platform: 63, net: 707 });
    expect((await fee({ percent: null })).status).toBe(204);

    const rates = async () =>
      (await shop.call('GET', '/api/admin/tax/rates', { cookie: admin.cookie })).body.rates as { country: string }[];
    expect((await rates()).filter((r) => r.country === 'DE')).toEqual([
      { country: 'DE', ratePercent: '19', validFrom: '2025-01-01', note: 'EU standard rate' },
    ]);
    const add = (json: unknown) => shop.call('POST', '/api/admin/tax/rates', { cookie: admin.cookie, json });
    const later = new Date(Date.now() + 40 * 86_400_000).toISOString().slice(0, 10);
    expect((await add({ country: 'DE', ratePercent: 21, validFrom: later, note: 'a change announced' })).status).toBe(201);
    expect((await add({ country: 'DE', ratePercent: 22, validFrom: later })).body.error.code).toBe('already_exists');
    expect((await add({ country: 'DE', ratePercent: 22, validFrom: '2020-01-01' })).body.error.code).toBe('invalid_value');
    expect((await add({ country: 'de', ratePercent: 22, validFrom: later })).status).toBe(400);
    expect((await rates()).filter((r) => r.country === 'DE').map((r) => (r as unknown as { ratePercent: string }).ratePercent)).toEqual([
      '19',
      '21',
    ]);
    expect((await shop.call('GET', '/api/admin/tax/rates', { cookie: artist.cookie })).status).toBe(403);
  });
});
