import { signInAs } from '../support/auth';
import { startCheckoutHarness, useCheckoutHarness, type CheckoutHarness } from '../support/checkout';
import { useTestDatabase } from '../support/db';

/**
 * Prices the way musicians sell, over HTTP against the PayPal stand-in:
 * name your price (the buyer's amount is what PayPal is asked for, the
 * extra is recorded), free items into the library without PayPal, a
 * whole-yen store, discount codes under concurrent checkouts, and the
 * commercial and streaming-pass licenses (with a test clock for the pass).
 */

const db = useTestDatabase();
/** The app's clock runs this far ahead of real time (a streaming pass expires without waiting a day). */
let aheadMs = 0;
const shop = useCheckoutHarness(db, { clock: () => new Date(Date.now() + aheadMs) });

type Item = { kind: 'track' | 'release'; id: number; amount?: string; license?: string };
const order = (cookie: string, items: Item[], extra: Record<string, unknown> = {}) =>
  shop.call('POST', '/api/checkout/orders', { cookie, json: { items, ...extra } });

/** Creates, approves and captures an order; returns the order as its buyer sees it. */
async function buy(h: CheckoutHarness, cookie: string, items: Item[], extra: Record<string, unknown> = {}) {
  const created = await h.call('POST', '/api/checkout/orders', { cookie, json: { items, ...extra } });
  expect(created.status).toBe(201);
  const back = await h.approve(created.body.approveUrl);
  expect((await h.follow(back, cookie)).location).toContain('status=completed');
  return (await h.call('GET', `/api/me/orders/${created.body.orderId}`, { cookie })).body.order;
}

/** What the store asked PayPal to charge for an order: the total and each item's amount. */
function chargedAtPaypal(h: CheckoutHarness, paypalOrderId: string) {
  type Unit = { amount: { value: string; currency_code: string }; items: { unit_amount: unknown }[] };
  const unit = (h.paypal.standin.order(paypalOrderId) as { purchase_units: Unit[] }).purchase_units[0]!;
  return { total: unit.amount, items: unit.items.map((i) => i.unit_amount) };
}

const paypalIdOf = async (orderId: number) =>
  (await db.pool.query('SELECT paypal_order_id FROM orders WHERE id = $1', [orderId])).rows[0].paypal_order_id as string;

describe('name your price and free', () => {
  it('charges what the buyer offers for a name-your-price release, records the extra, and refuses less than the minimum', async () => {
    const artist = await signInAs(db.pool, 'artist');
    const buyer = await signInAs(db.pool, 'user');
    const release = await shop.sellableRelease(artist, 2, { priceModel: 'name_your_price', minimumPrice: '5.00', suggestedPrice: '8.00' });
    const shown = (await shop.call('GET', `/api/releases/${release.id}`)).body.release;
    expect(shown).toMatchObject({ priceModel: 'name_your_price', price: '5.00', minimumPrice: '5.00', suggestedPrice: '8.00' });

    const low = await order(buyer.cookie, [{ kind: 'release', id: release.id, amount: '4.99' }]);
    expect([low.status, low.body.error.code, low.body.error.details]).toEqual([422, 'amount_too_low', { minimum: '5.00' }]);
    const high = await order(buyer.cookie, [{ kind: 'release', id: release.id, amount: '500.01' }]);
    expect([high.status, high.body.error.code]).toEqual([422, 'amount_too_high']);
    const yen = await order(buyer.cookie, [{ kind: 'release', id: release.id, amount: '12.345' }]);
    expect(yen.status).toBe(400);

    const bought = await buy(shop, buyer.cookie, [{ kind: 'release', id: release.id, amount: '12.00' }]);
    expect(bought).toMatchObject({ status: 'COMPLETED', amount: '12.00' });
    expect(bought.items).toEqual([
      expect.objectContaining({ price: '12.00', minimumPrice: '5.00', discountAmount: '0.00', extraAmount: '7.00', license: 'personal' }),
    ]);
    expect(chargedAtPaypal(shop, await paypalIdOf(bought.id))).toEqual({
      total: expect.objectContaining({ currency_code: 'EUR', value: '12.00' }),
      items: [{ currency_code: 'EUR', value: '12.00' }],
    });
  });

  it('adds a free item to the library without PayPal, and sends a 0-minimum item with a tip through PayPal', async () => {
    const buyer = await signInAs(db.pool, 'user');
    const { track: free } = await shop.sellable('0.00', { priceModel: 'free' });
    const { track: tipJar } = await shop.sellable('0.00', { priceModel: 'name_your_price' });
    const ordersBefore = (await db.pool.query('SELECT count(*)::int AS n FROM orders WHERE user_id = $1', [buyer.user.id])).rows[0].n;

    const refused = await order(buyer.cookie, [{ kind: 'track', id: free.id }]);
    expect([refused.status, refused.body.error.code]).toEqual([422, 'track_free']);
    const added = await shop.call('POST', '/api/library', { cookie: buyer.cookie, json: { kind: 'track', id: free.id } });
    expect([added.status, added.body]).toEqual([201, { granted: 1 }]);
    const again = await shop.call('POST', '/api/library', { cookie: buyer.cookie, json: { kind: 'track', id: free.id } });
    expect([again.status, again.body.error.code]).toEqual([409, 'already_owned']);
    const { rows } = await db.pool.query('SELECT count(*)::int AS n FROM orders WHERE user_id = $1', [buyer.user.id]);
    expect(rows[0].n).toBe(ordersBefore);

    const tipped = await buy(shop, buyer.cookie, [{ kind: 'track', id: tipJar.id, amount: '3.00' }]);
    expect(tipped.items[0]).toMatchObject({ price: '3.00', minimumPrice: '0.00', extraAmount: '3.00' });
    expect(chargedAtPaypal(shop, await paypalIdOf(tipped.id)).total.value).toBe('3.00');

    const purchases = (await shop.call('GET', '/api/me/purchases', { cookie: buyer.cookie })).body.purchases;
    expect(purchases.map((p: { trackId: number; source: string }) => [p.trackId, p.source]).sort()).toEqual(
      [
        [free.id, 'free'],
        [tipJar.id, 'order'],
      ].sort(),
    );
    const paid = await shop.call('POST', '/api/library', {
      cookie: buyer.cookie,
      json: { kind: 'track', id: (await shop.sellable('1.00')).track.id },
    });
    expect([paid.status, paid.body.error.code]).toEqual([403, 'purchase_required']);
  });

  it('prices and charges whole yen in a JPY store: no decimals anywhere in what PayPal is sent', async () => {
    const jpy = await startCheckoutHarness(db.pool, { env: { STORE_CURRENCY: 'JPY', PRICE_MAXIMUM: '50000' } });
    try {
      expect((await jpy.call('GET', '/api/store')).body).toEqual({ currency: 'JPY', decimals: 0, priceMaximum: '50000' });
      const artist = await signInAs(db.pool, 'artist');
      const buyer = await signInAs(db.pool, 'user');
      const bad = await jpy.call('POST', '/api/artist/releases', { cookie: artist.cookie, json: { title: 'Yen', price: '1200.50' } });
      expect([bad.status, bad.body.error.code]).toEqual([400, 'invalid_value']);
      const release = await jpy.sellableRelease(artist, 1, { priceModel: 'name_your_price', minimumPrice: '1000' });
      const bought = await buy(jpy, buyer.cookie, [{ kind: 'release', id: release.id, amount: '1500' }]);
      expect(bought.status).toBe('COMPLETED');
      const sent = chargedAtPaypal(jpy, await paypalIdOf(bought.id));
      expect(sent).toEqual({
        total: expect.objectContaining({ currency_code: 'JPY', value: '1500' }),
        items: [{ currency_code: 'JPY', value: '1500' }],
      });
      expect(JSON.stringify(jpy.paypal.standin.order(await paypalIdOf(bought.id)))).not.toMatch(/"value":"\d+\.\d*"/);
      expect(bought.items[0]).toMatchObject({ minimumPrice: '1000.00', extraAmount: '500.00' });
    } finally {
      await jpy.close();
    }
  });
});

describe('discount codes', () => {
  it('under 10 concurrent checkouts, a 20 % code with 3 uses discounts exactly 3 orders; the rest are refused with 409', async () => {
    const artist = await signInAs(db.pool, 'artist');
    const { track } = await shop.sellable('2.00', { artistUserId: artist.user.id });
    const made = await shop.call('POST', '/api/artist/codes', {
      cookie: artist.cookie,
      json: { code: 'spring20', percentOff: 20, maxRedemptions: 3 },
    });
    expect(made.status).toBe(201);
    expect(made.body.code).toMatchObject({ code: 'SPRING20', percentOff: 20, maxRedemptions: 3, redemptions: 0 });

    const buyers = await Promise.all(Array.from({ length: 10 }, () => signInAs(db.pool, 'user')));
    const replies = await Promise.all(buyers.map((b) => order(b.cookie, [{ kind: 'track', id: track.id }], { discountCode: 'Spring20' })));
    const created = replies.filter((r) => r.status === 201);
    expect(created.map((r) => r.body.amount)).toEqual(['1.60', '1.60', '1.60']);
    expect(replies.filter((r) => r.status !== 201).map((r) => [r.status, r.body.error.code])).toEqual(
      Array.from({ length: 7 }, () => [409, 'discount_code_exhausted']),
    );
    for (const reply of created) {
      const buyer = buyers[replies.indexOf(reply)]!;
      const back = await shop.approve(reply.body.approveUrl);
      expect((await shop.follow(back, buyer.cookie)).location).toContain('status=completed');
      const seen = (await shop.call('GET', `/api/me/orders/${reply.body.orderId}`, { cookie: buyer.cookie })).body.order;
      expect(seen.items[0]).toMatchObject({ minimumPrice: '2.00', discountAmount: '0.40', price: '1.60', discountCode: 'SPRING20' });
    }
    const listed = (await shop.call('GET', '/api/artist/codes', { cookie: artist.cookie })).body.codes;
    expect(listed[0]).toMatchObject({ code: 'SPRING20', redemptions: 3, reserved: 0 });
    const late = await order(buyers[9]!.cookie, [{ kind: 'track', id: track.id }], { discountCode: 'SPRING20' });
    expect([late.status, late.body.error.code]).toEqual([409, 'discount_code_exhausted']);
  });

  it('refuses an expired code, another artist’s code, a second use by one buyer; lowers a name-your-price minimum', async () => {
    const artist = await signInAs(db.pool, 'artist');
    const other = await signInAs(db.pool, 'artist');
    const buyer = await signInAs(db.pool, 'user');
    const { track } = await shop.sellable('5.00', { artistUserId: artist.user.id, priceModel: 'name_your_price' });
    const code = (json: Record<string, unknown>, who = artist) => shop.call('POST', '/api/artist/codes', { cookie: who.cookie, json });
    expect((await code({ code: 'OLDNEWS', percentOff: 50, endsAt: new Date(Date.now() - 60_000).toISOString() })).status).toBe(201);
    expect((await code({ code: 'NOTYOURS', percentOff: 50 }, other)).status).toBe(201);
    expect((await code({ code: 'FRIENDS', percentOff: 20 })).status).toBe(201);
    const taken = await code({ code: 'friends', percentOff: 10 }, other);
    expect([taken.status, taken.body.error.code]).toEqual([409, 'code_taken']);
    const foreign = await code({ code: 'MINEONLY', percentOff: 10, items: [{ kind: 'track', id: track.id }] }, other);
    expect([foreign.status, foreign.body.error.code]).toEqual([400, 'invalid_value']);

    const line = [{ kind: 'track' as const, id: track.id, amount: '4.00' }];
    const expired = await order(buyer.cookie, line, { discountCode: 'OLDNEWS' });
    expect([expired.status, expired.body.error.code]).toEqual([422, 'discount_code_expired']);
    const notTheirs = await order(buyer.cookie, line, { discountCode: 'NOTYOURS' });
    expect([notTheirs.status, notTheirs.body.error.code]).toEqual([422, 'discount_code_invalid']);
    const unknown = await order(buyer.cookie, line, { discountCode: 'NOSUCHCODE' });
    expect([unknown.status, unknown.body.error.code]).toEqual([422, 'discount_code_invalid']);

    // 20 % off a 5.00 minimum: the buyer may pay from 4.00.
    const bought = await buy(shop, buyer.cookie, line, { discountCode: 'FRIENDS' });
    expect(bought.items[0]).toMatchObject({ minimumPrice: '5.00', discountAmount: '1.00', extraAmount: '0.00', price: '4.00' });
    const { track: another } = await shop.sellable('1.00', { artistUserId: artist.user.id });
    const twice = await order(buyer.cookie, [{ kind: 'track', id: another.id }], { discountCode: 'FRIENDS' });
    expect([twice.status, twice.body.error.code]).toEqual([409, 'discount_code_used']);
  });
});

describe('licenses', () => {
  it('sells a one-day streaming pass: full streams, no download, the preview again after expiry, renewable', async () => {
    const buyer = await signInAs(db.pool, 'user');
    const { track, full, preview } = await shop.sellable('1.00', { streamingPrice: '0.30', streamingDays: 1 });
    const stream = () => shop.call('GET', `/api/tracks/${track.id}/stream`, { cookie: buyer.cookie });

    const pass = await buy(shop, buyer.cookie, [{ kind: 'track', id: track.id, license: 'streaming' }]);
    expect(pass.items[0]).toMatchObject({ license: 'streaming', streamingDays: 1, price: '0.30' });
    expect((await stream()).bytes.equals(full)).toBe(true);
    const download = await shop.call('GET', `/api/tracks/${track.id}/download`, { cookie: buyer.cookie });
    expect([download.status, download.body.error.code]).toEqual([403, 'download_not_included']);
    const [purchase] = (await shop.call('GET', '/api/me/purchases', { cookie: buyer.cookie })).body.purchases;
    expect(purchase.licenseType).toBe('streaming');
    expect(new Date(purchase.expiresAt).getTime() - new Date(purchase.purchasedAt).getTime()).toBe(24 * 3600_000);

    aheadMs = 25 * 3600_000;
    try {
      expect((await stream()).bytes.equals(preview)).toBe(true);
      await buy(shop, buyer.cookie, [{ kind: 'track', id: track.id, license: 'streaming' }]);
      expect((await stream()).bytes.equals(full)).toBe(true);
      // Upgrading to personal pays the full personal price: the pass is not credited (README).
      const upgrade = await buy(shop, buyer.cookie, [{ kind: 'track', id: track.id }]);
      expect(upgrade.items[0]).toMatchObject({ license: 'personal', price: '1.00' });
      expect((await shop.call('GET', `/api/tracks/${track.id}/download`, { cookie: buyer.cookie })).status).toBe(200);
      const pointless = await order(buyer.cookie, [{ kind: 'track', id: track.id, license: 'streaming' }]);
      expect([pointless.status, pointless.body.error.code]).toEqual([409, 'already_owned']);
    } finally {
      aheadMs = 0;
    }
  });

  it('sells a commercial license at its own price with the artist’s terms on the buyer’s license page', async () => {
    const buyer = await signInAs(db.pool, 'user', { displayName: 'Ada Film' });
    const { track } = await shop.sellable('1.00', { commercialPrice: '30.00', commercialTerms: 'One film, worldwide, with credit.' });
    const { track: personalOnly } = await shop.sellable('1.00');
    const none = await order(buyer.cookie, [{ kind: 'track', id: personalOnly.id, license: 'commercial' }]);
    expect([none.status, none.body.error.code]).toEqual([422, 'license_not_offered']);

    const bought = await buy(shop, buyer.cookie, [{ kind: 'track', id: track.id, license: 'commercial' }]);
    expect(bought.items[0]).toMatchObject({ license: 'commercial', price: '30.00' });
    const { body } = await shop.call('GET', '/api/me/licenses', { cookie: buyer.cookie });
    expect(body).toEqual({
      licensee: 'Ada Film',
      licenses: [
        expect.objectContaining({
          orderId: bought.id,
          kind: 'track',
          trackId: track.id,
          title: track.name,
          terms: 'One film, worldwide, with credit.',
        }),
      ],
    });
    expect((await shop.call('GET', `/api/tracks/${track.id}/download`, { cookie: buyer.cookie })).status).toBe(200);
    const personal = await order(buyer.cookie, [{ kind: 'track', id: track.id }]);
    expect([personal.status, personal.body.error.code]).toEqual([409, 'already_owned']);
  });
});
