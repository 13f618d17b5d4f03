import crypto from 'node:crypto';
import { reconcileStaleOrders } from '../../services/checkout/reconcile.service';
import { GatewayUnavailable, type PaymentGateway } from '../../services/payments/payment-gateway';
import { signInAs } from '../support/auth';
import { startCheckoutHarness, useCheckoutHarness } from '../support/checkout';
import { useTestDatabase } from '../support/db';
import { until } from '../support/until';

/**
 * Checkout end to end over HTTP: the store on a real port, PayPal's SDK in
 * the gateway talking to the PayPal stand-in, the stand-in's approve page
 * driven like a browser, and its signed webhooks delivered to the store.
 */

jest.setTimeout(60_000);
const db = useTestDatabase();
const shop = useCheckoutHarness(db);

const count = async (sql: string, values: unknown[] = []) =>
  (await db.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${sql}`, values)).rows[0]!.n;

const orderRow = async (id: number) => (await db.pool.query('SELECT * FROM orders WHERE id = $1', [id])).rows[0];

describe('buying', () => {
  it('buys two tracks: create → approve page → return → purchases, and the stream serves the full files', async () => {
    const buyer = await signInAs(db.pool, 'user');
    const a = await shop.sellable('1.29');
    const b = await shop.sellable('0.99');
    const before = await shop.call('GET', `/api/tracks/${a.track.id}/stream`, { cookie: buyer.cookie });
    expect(before.bytes.equals(a.preview)).toBe(true);

    const created = await shop.call('POST', '/api/checkout/orders', { cookie: buyer.cookie, json: { trackIds: [b.track.id, a.track.id] } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ amount: '2.28', currency: 'EUR' });
    const back = await shop.approve(created.body.approveUrl);
    expect(back).toMatch(/^http:\/\/store\.test\/checkout\/return\?token=[A-Z0-9]+&PayerID=/);

    const landed = await shop.follow(back, buyer.cookie);
    expect(landed.status).toBe(303);
    expect(landed.location).toBe(`/checkout/result?status=completed&order=${created.body.orderId}`);
    const page = await shop.call('GET', '/checkout/result');
    expect(page.status).toBe(200);

    const order = await orderRow(created.body.orderId);
    expect(order).toMatchObject({ status: 'COMPLETED', amount: '2.28', currency: 'EUR', paypal_payer_email: 'buyer@example.test' });
    expect(order.transaction_id).toMatch(/^[A-Z0-9]{17}$/);
    expect(order.completed_at).toBeInstanceOf(Date);

    const purchases = await shop.call('GET', '/api/me/purchases', { cookie: buyer.cookie });
    expect(purchases.body.purchases.map((p: { trackId: number }) => p.trackId).sort()).toEqual([a.track.id, b.track.id].sort());
    expect(
      purchases.body.purchases.every(
        (p: { licenseType: string; orderId: number }) => p.licenseType === 'personal' && p.orderId === created.body.orderId,
      ),
    ).toBe(true);
    for (const { track, full } of [a, b]) {
      const stream = await shop.call('GET', `/api/tracks/${track.id}/stream`, { cookie: buyer.cookie });
      expect([stream.status, stream.bytes.equals(full)]).toEqual([200, true]);
      const download = await shop.call('GET', `/api/tracks/${track.id}/download`, { cookie: buyer.cookie });
      expect([download.status, download.bytes.equals(full)]).toEqual([200, true]);
    }
    const mine = await shop.call('GET', `/api/me/orders/${created.body.orderId}`, { cookie: buyer.cookie });
    expect(mine.body.order).toMatchObject({ status: 'COMPLETED', amount: '2.28', approveUrl: null });
    expect(mine.body.order.items.map((i: { price: string }) => i.price).sort()).toEqual(['0.99', '1.29']);
  });

  it('prices exactly from the database: three tracks at 0.99 are 2.97 at PayPal, item by item', async () => {
    const buyer = await signInAs(db.pool, 'user');
    const tracks = await Promise.all([shop.sellable(), shop.sellable(), shop.sellable()]);
    const created = await shop.call('POST', '/api/checkout/orders', {
      cookie: buyer.cookie,
      json: { trackIds: tracks.map((t) => t.track.id) },
    });
    expect(created.body.amount).toBe('2.97');
    const order = await orderRow(created.body.orderId);
    const atPaypal = shop.paypal.standin.order(order.paypal_order_id) as {
      purchase_units: { custom_id: string; invoice_id: string; amount: unknown; items: { unit_amount: { value: string } }[] }[];
    };
    const unit = atPaypal.purchase_units[0]!;
    expect(unit.amount).toEqual({
      currency_code: 'EUR',
      value: '2.97',
      breakdown: { item_total: { currency_code: 'EUR', value: '2.97' } },
    });
    expect(unit.items.map((i) => i.unit_amount.value)).toEqual(['0.99', '0.99', '0.99']);
    expect(unit.custom_id).toBe(String(created.body.orderId));
    expect(unit.invoice_id).toBe(order.invoice_id);
    expect((await db.pool.query('SELECT price FROM order_items WHERE order_id = $1', [created.body.orderId])).rows).toEqual([
      { price: '0.99' },
      { price: '0.99' },
      { price: '0.99' },
    ]);
  });

  it('ignores any price a client sends, and refuses what cannot be bought without writing anything', async () => {
    const buyer = await signInAs(db.pool, 'user');
    const artist = await signInAs(db.pool, 'artist');
    const paid = await shop.sellable('1.50');
    const free = await shop.sellable('0.00', { isFree: true });
    const hidden = await shop.sellable('1.00', { isPublished: false });
    const gone = await shop.sellable('1.00');
    await db.pool.query('UPDATE tracks SET is_deleted = true, deleted_at = now() WHERE id = $1', [gone.track.id]);
    const own = await shop.sellable('1.00', { artistUserId: artist.user.id });
    const orders = await count('orders');

    const cases: [unknown, string | undefined, number, string][] = [
      [{ trackIds: [paid.track.id], amount: '0.01' }, buyer.cookie, 400, 'validation_failed'],
      [{ trackIds: [{ id: paid.track.id, price: '0.01' }] }, buyer.cookie, 400, 'validation_failed'],
      [{ trackIds: [] }, buyer.cookie, 400, 'validation_failed'],
      [{ trackIds: ['1'] }, buyer.cookie, 400, 'validation_failed'],
      [{ trackIds: Array.from({ length: 51 }, (_, i) => i + 1) }, buyer.cookie, 400, 'validation_failed'],
      [{ trackIds: [paid.track.id, 2_000_000_000] }, buyer.cookie, 422, 'track_unavailable'],
      [{ trackIds: [hidden.track.id] }, buyer.cookie, 422, 'track_unavailable'],
      [{ trackIds: [gone.track.id] }, buyer.cookie, 422, 'track_unavailable'],
      [{ trackIds: [free.track.id] }, buyer.cookie, 422, 'track_free'],
      [{ trackIds: [own.track.id] }, artist.cookie, 409, 'already_owned'],
      [{ trackIds: [paid.track.id] }, undefined, 401, 'unauthenticated'],
    ];
    for (const [json, cookie, status, code] of cases) {
      const res = await shop.call('POST', '/api/checkout/orders', { cookie, json });
      expect([JSON.stringify(json).slice(0, 60), res.status, res.body?.error?.code]).toEqual([
        JSON.stringify(json).slice(0, 60),
        status,
        code,
      ]);
    }
    const malformed = await shop.call('POST', '/api/checkout/orders', {
      cookie: buyer.cookie,
      body: '{"trackIds": [',
      headers: { 'Content-Type': 'application/json' },
    });
    expect([malformed.status, malformed.body.error.code]).toEqual([400, 'invalid_json']);
    expect(await count('orders')).toBe(orders);

    // Bought once, it cannot be bought again while the purchase stands.
    const first = await shop.approvedOrder(buyer.cookie, [paid.track.id]);
    await shop.follow(first.back, buyer.cookie);
    const again = await shop.call('POST', '/api/checkout/orders', { cookie: buyer.cookie, json: { trackIds: [paid.track.id] } });
    expect([again.status, again.body.error.code]).toEqual([409, 'already_owned']);
    expect((await orderRow(first.orderId)).amount).toBe('1.50');
  });

  it('lets nobody but the buyer capture or see an order', async () => {
    const buyer = await signInAs(db.pool, 'user');
    const other = await signInAs(db.pool, 'user');
    const { track } = await shop.sellable();
    const { orderId, back } = await shop.approvedOrder(buyer.cookie, [track.id]);
    const capture = await shop.call('POST', `/api/checkout/orders/${orderId}/capture`, { cookie: other.cookie });
    expect([capture.status, capture.body.error.code]).toEqual([404, 'order_not_found']);
    expect((await shop.call('GET', `/api/me/orders/${orderId}`, { cookie: other.cookie })).status).toBe(404);
    const stolen = await shop.follow(back, other.cookie);
    expect(stolen.location).toBe('/checkout/result?status=unknown');
    const signedOut = await shop.call('GET', new URL(back).pathname + new URL(back).search);
    expect(signedOut.location).toBe('/checkout/result?status=signed_out');
    expect((await shop.call('GET', '/api/me/orders', { cookie: other.cookie })).body.orders).toEqual([]);
    // The approval's webhook may capture for the buyer; the other user never gains anything.
    expect(await count('purchases WHERE user_id = $1', [other.user.id])).toBe(0);
    const bad = await shop.call('POST', '/api/checkout/orders/abc/capture', { cookie: buyer.cookie });
    expect(bad.status).toBe(400);
  });

  it('captures once and grants once under 20 concurrent capture calls', async () => {
    const buyer = await signInAs(db.pool, 'user');
    const tracks = await Promise.all([shop.sellable(), shop.sellable()]);
    const { orderId } = await shop.approvedOrder(
      buyer.cookie,
      tracks.map((t) => t.track.id),
    );
    const answers = await Promise.all(
      Array.from({ length: 20 }, () => shop.call('POST', `/api/checkout/orders/${orderId}/capture`, { cookie: buyer.cookie })),
    );
    expect(answers.map((a) => [a.status, a.body.outcome])).toEqual(Array.from({ length: 20 }, () => [200, 'completed']));
    const order = await orderRow(orderId);
    expect(shop.paypal.standin.captureCount(order.paypal_order_id)).toBe(1);
    expect(await count('purchases WHERE order_id = $1', [orderId])).toBe(2);
    expect(order.status).toBe('COMPLETED');
  });

  it('refuses to capture before approval with 409', async () => {
    const buyer = await signInAs(db.pool, 'user');
    const { track } = await shop.sellable();
    const created = await shop.call('POST', '/api/checkout/orders', { cookie: buyer.cookie, json: { trackIds: [track.id] } });
    const early = await shop.call('POST', `/api/checkout/orders/${created.body.orderId}/capture`, { cookie: buyer.cookie });
    expect([early.status, early.body.error.code]).toEqual([409, 'order_not_approved']);
    expect((await orderRow(created.body.orderId)).status).toBe('CREATED');

    // PayPal replays a refusal to the request id it was given: the capture after approval must use a new one.
    const back = await shop.approve(created.body.approveUrl, 'balance');
    const paid = await shop.follow(back, buyer.cookie);
    expect(paid.location).toBe(`/checkout/result?status=completed&order=${created.body.orderId}`);
  });

  it('lets a declined buyer approve again and then pays', async () => {
    const buyer = await signInAs(db.pool, 'user');
    const { track } = await shop.sellable();
    const { orderId, approveUrl, back } = await shop.approvedOrder(buyer.cookie, [track.id], 'declined');
    const declined = await shop.follow(back, buyer.cookie);
    expect(declined.location).toBe(`/checkout/result?status=declined&order=${orderId}`);
    // The approval's webhook may arrive after the decline: it must neither capture nor spend the next attempt.
    const standin = shop.paypal.standin;
    await standin.webhooks.settled();
    const { paypal_order_id: paypalOrderId } = await orderRow(orderId);
    const approval = shop.paypal.deliveries.find(
      (d) => d.event.event_type === 'CHECKOUT.ORDER.APPROVED' && (d.event.resource as { id: string }).id === paypalOrderId,
    );
    const { event_type, resource_type, resource, summary } = approval!.event;
    standin.webhooks.emit(event_type, resource_type, resource, summary);
    await standin.webhooks.settled();
    expect(await orderRow(orderId)).toMatchObject({ status: 'CREATED', capture_attempt: 1 });
    const view = await shop.call('GET', `/api/me/orders/${orderId}`, { cookie: buyer.cookie });
    expect(view.body.order.approveUrl).toBe(approveUrl);
    expect(await count('purchases WHERE order_id = $1', [orderId])).toBe(0);
    const retried = await shop.follow(await shop.approve(approveUrl, 'balance'), buyer.cookie);
    expect(retried.location).toBe(`/checkout/result?status=completed&order=${orderId}`);
    expect(await count('purchases WHERE order_id = $1', [orderId])).toBe(1);
  });

  it('answers a declined capture through the API with 402 and where to approve again', async () => {
    const buyer = await signInAs(db.pool, 'user');
    const { track } = await shop.sellable();
    const { orderId, approveUrl } = await shop.approvedOrder(buyer.cookie, [track.id], 'declined');
    const declined = await shop.call('POST', `/api/checkout/orders/${orderId}/capture`, { cookie: buyer.cookie });
    expect([declined.status, declined.body.error.code, declined.body.error.details]).toEqual([402, 'payment_declined', { approveUrl }]);
    expect(await orderRow(orderId)).toMatchObject({ status: 'CREATED', capture_attempt: 1 });
    expect(await count('purchases WHERE order_id = $1', [orderId])).toBe(0);
  });

  it('keeps a pending capture PENDING until the webhook settles it, or fails it when denied', async () => {
    const buyer = await signInAs(db.pool, 'user');
    const good = await shop.sellable();
    const bad = await shop.sellable();
    const settled = await shop.approvedOrder(buyer.cookie, [good.track.id], 'pending');
    expect((await shop.follow(settled.back, buyer.cookie)).location).toBe(`/checkout/result?status=pending&order=${settled.orderId}`);
    const denied = await shop.approvedOrder(buyer.cookie, [bad.track.id], 'pending');
    const api = await shop.call('POST', `/api/checkout/orders/${denied.orderId}/capture`, { cookie: buyer.cookie });
    expect([api.status, api.body.outcome]).toEqual([202, 'pending']);
    for (const id of [settled.orderId, denied.orderId]) expect((await orderRow(id)).status).toBe('PENDING');
    const stream = await shop.call('GET', `/api/tracks/${good.track.id}/stream`, { cookie: buyer.cookie });
    expect(stream.bytes.equals(good.preview)).toBe(true);

    const settle = async (orderId: number, outcome: string) => {
      const { transaction_id: captureId } = await orderRow(orderId);
      const res = await fetch(`${shop.paypal.url}/standin/captures/${captureId}/settle`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ outcome }),
      });
      expect(res.status).toBe(200);
    };
    await settle(settled.orderId, 'COMPLETED');
    await settle(denied.orderId, 'DECLINED');
    await shop.paypal.standin.webhooks.settled();
    await until(
      async () => (await orderRow(settled.orderId)).status === 'COMPLETED' && (await orderRow(denied.orderId)).status === 'FAILED',
      'webhooks to settle',
    );
    expect(await count('purchases WHERE order_id = $1', [settled.orderId])).toBe(1);
    expect(await count('purchases WHERE order_id = $1', [denied.orderId])).toBe(0);
    expect((await orderRow(denied.orderId)).failure_reason).toBe('capture_declined');
    // A failed order cannot be paid again, and it is not mistaken for one that failed because the buyer owned the track.
    const again = await shop.call('POST', `/api/checkout/orders/${denied.orderId}/capture`, { cookie: buyer.cookie });
    expect([again.status, again.body.error.code]).toEqual([409, 'order_failed']);
    const full = await shop.call('GET', `/api/tracks/${good.track.id}/stream`, { cookie: buyer.cookie });
    expect(full.bytes.equals(good.full)).toBe(true);
  });

  it('grants the buyer who closed the tab after approving, through CHECKOUT.ORDER.APPROVED', async () => {
    const buyer = await signInAs(db.pool, 'user');
    const { track } = await shop.sellable();
    const { orderId } = await shop.approvedOrder(buyer.cookie, [track.id]); // …and never comes back
    await shop.paypal.standin.webhooks.settled();
    await until(async () => (await orderRow(orderId)).status === 'COMPLETED', 'the webhook capture');
    expect(await count('purchases WHERE order_id = $1', [orderId])).toBe(1);
    // Coming back late changes nothing.
    const late = await shop.call('POST', `/api/checkout/orders/${orderId}/capture`, { cookie: buyer.cookie });
    expect(late.body.outcome).toBe('completed');
    expect(shop.paypal.standin.captureCount((await orderRow(orderId)).paypal_order_id)).toBe(1);
  });
});

describe('webhooks', () => {
  it('refuses forged, tampered and malformed deliveries and stores nothing', async () => {
    const events = await count('payment_events');
    const forged = {
      id: 'WH-FORGED-1',
      event_type: 'PAYMENT.CAPTURE.REFUNDED',
      resource_type: 'refund',
      resource: { id: 'R1', supplementary_data: { related_ids: { order_id: 'X' } } },
    };
    const headers = {
      'Content-Type': 'application/json',
      'PAYPAL-TRANSMISSION-ID': crypto.randomUUID(),
      'PAYPAL-TRANSMISSION-TIME': new Date().toISOString(),
      // Shaped as PayPal's (base64 that begins with a word character, as its reference requires), signed by no one.
      'PAYPAL-TRANSMISSION-SIG': `A${crypto.randomBytes(255).toString('base64')}`,
      'PAYPAL-CERT-URL': `${shop.paypal.url}/v1/notifications/certs/CERT-STANDIN`,
      'PAYPAL-AUTH-ALGO': 'SHA256withRSA',
    };
    const res = await shop.call('POST', '/api/webhooks/paypal', { body: JSON.stringify(forged), headers });
    expect([res.status, res.body.error.code]).toEqual([400, 'webhook_unverified']);

    // A genuine delivery with one byte changed.
    const buyer = await signInAs(db.pool, 'user');
    const { track } = await shop.sellable();
    await shop.approvedOrder(buyer.cookie, [track.id]);
    await shop.paypal.standin.webhooks.settled();
    const genuine = shop.paypal.deliveries.at(-1)!;
    const tampered = await shop.call('POST', '/api/webhooks/paypal', {
      body: genuine.body.replace('"1.0"', '"1.1"'),
      headers: genuine.headers,
    });
    expect([tampered.status, tampered.body.error.code]).toEqual([400, 'webhook_unverified']);
    // The same event written out again — the same content in other bytes, as a proxy that re-serialises would pass it on.
    const reserialised = await shop.call('POST', '/api/webhooks/paypal', {
      body: JSON.stringify(JSON.parse(genuine.body)),
      headers: genuine.headers,
    });
    expect([reserialised.status, reserialised.body.error.code]).toEqual([400, 'webhook_unverified']);
    const eventsAfterGenuine = await count('payment_events');

    const malformed = await shop.call('POST', '/api/webhooks/paypal', { body: '{"id":', headers });
    expect([malformed.status, malformed.body.error.code]).toEqual([400, 'invalid_json']);
    const notAnEvent = await shop.call('POST', '/api/webhooks/paypal', { body: '{"hello":"world"}', headers });
    expect([notAnEvent.status, notAnEvent.body.error.code]).toEqual([400, 'invalid_webhook']);
    expect(await count('payment_events')).toBe(eventsAfterGenuine);
    expect(eventsAfterGenuine).toBeGreaterThan(events);
    expect(await count("payment_events WHERE event_id = 'WH-FORGED-1'")).toBe(0);
  });

  it('treats a repeated delivery as a no-op', async () => {
    const buyer = await signInAs(db.pool, 'user');
    const { track } = await shop.sellable();
    const { orderId, back } = await shop.approvedOrder(buyer.cookie, [track.id]);
    await shop.follow(back, buyer.cookie);
    await shop.paypal.standin.webhooks.settled();
    const delivered = shop.paypal.deliveries.filter((d) => d.status === 200);
    const last = delivered.at(-1)!;
    const before = {
      events: await count('payment_events'),
      order: await orderRow(orderId),
      purchases: await count('purchases WHERE order_id = $1', [orderId]),
    };
    const repeat = await shop.call('POST', '/api/webhooks/paypal', { body: last.body, headers: last.headers });
    expect([repeat.status, repeat.body]).toEqual([200, { received: true, duplicate: true }]);
    expect(await count('payment_events')).toBe(before.events);
    expect(await orderRow(orderId)).toEqual(before.order);
    expect(await count('purchases WHERE order_id = $1', [orderId])).toBe(before.purchases);
  });
});

describe('refunds', () => {
  it('lets an admin refund a completed order: PayPal refunds once, purchases are revoked, streaming falls back to the preview', async () => {
    const buyer = await signInAs(db.pool, 'user');
    const admin = await signInAs(db.pool, 'admin');
    const { track, full, preview } = await shop.sellable();
    const { orderId, back } = await shop.approvedOrder(buyer.cookie, [track.id]);
    await shop.follow(back, buyer.cookie);
    expect((await shop.call('GET', `/api/tracks/${track.id}/stream`, { cookie: buyer.cookie })).bytes.equals(full)).toBe(true);

    const refusedToBuyer = await shop.call('POST', `/api/admin/orders/${orderId}/refund`, { cookie: buyer.cookie });
    expect(refusedToBuyer.status).toBe(403);
    const refund = await shop.call('POST', `/api/admin/orders/${orderId}/refund`, { cookie: admin.cookie });
    expect([refund.status, refund.body.refund, refund.body.order.status]).toEqual([200, 'completed', 'REFUNDED']);
    const again = await shop.call('POST', `/api/admin/orders/${orderId}/refund`, { cookie: admin.cookie });
    expect([again.status, again.body.order.status]).toEqual([200, 'REFUNDED']);
    await shop.paypal.standin.webhooks.settled(); // PAYMENT.CAPTURE.REFUNDED arrives too, and changes nothing more

    const order = await orderRow(orderId);
    expect(order.refunded_at).toBeInstanceOf(Date);
    expect((await db.pool.query('SELECT revoked_at FROM purchases WHERE order_id = $1', [orderId])).rows[0].revoked_at).toBeInstanceOf(
      Date,
    );
    const stream = await shop.call('GET', `/api/tracks/${track.id}/stream`, { cookie: buyer.cookie });
    expect(stream.bytes.equals(preview)).toBe(true);
    expect((await shop.call('GET', `/api/tracks/${track.id}/download`, { cookie: buyer.cookie })).status).toBe(403);
    const purchases = await shop.call('GET', '/api/me/purchases', { cookie: buyer.cookie });
    expect(purchases.body.purchases[0].revokedAt).not.toBeNull();

    // Open orders cannot be refunded.
    const open = await shop.call('POST', '/api/checkout/orders', {
      cookie: buyer.cookie,
      json: { trackIds: [(await shop.sellable()).track.id] },
    });
    const notYet = await shop.call('POST', `/api/admin/orders/${open.body.orderId}/refund`, { cookie: admin.cookie });
    expect([notYet.status, notYet.body.error.code]).toEqual([409, 'order_not_refundable']);
    // Nor can one whose capture PayPal still holds (PENDING, with a capture id): PayPal is not asked, and the message says why.
    await db.pool.query(`UPDATE orders SET status = 'PENDING', transaction_id = 'CAPTUREPENDING01' WHERE id = $1`, [open.body.orderId]);
    const refundsBefore = shop.paypal.standin.exchanges.filter((x) => x.path.endsWith('/refund')).length;
    const pending = await shop.call('POST', `/api/admin/orders/${open.body.orderId}/refund`, { cookie: admin.cookie });
    expect([pending.status, pending.body.error.code, pending.body.error.message]).toEqual([
      409,
      'order_not_refundable',
      'Only completed orders can be refunded; this one is PENDING.',
    ]);
    expect(shop.paypal.standin.exchanges.filter((x) => x.path.endsWith('/refund'))).toHaveLength(refundsBefore);
    expect((await orderRow(open.body.orderId)).status).toBe('PENDING');
    expect((await shop.call('POST', '/api/admin/orders/999999/refund', { cookie: admin.cookie })).status).toBe(404);
  });

  it('revokes on a reversal (chargeback) delivered by webhook, and a refunded buyer may buy again', async () => {
    const buyer = await signInAs(db.pool, 'user');
    const { track, full } = await shop.sellable();
    const first = await shop.approvedOrder(buyer.cookie, [track.id]);
    await shop.follow(first.back, buyer.cookie);
    const { transaction_id: captureId } = await orderRow(first.orderId);
    expect((await fetch(`${shop.paypal.url}/standin/captures/${captureId}/reverse`, { method: 'POST' })).status).toBe(200);
    await shop.paypal.standin.webhooks.settled();
    await until(async () => (await orderRow(first.orderId)).status === 'REFUNDED', 'the reversal webhook');
    expect((await shop.call('GET', `/api/tracks/${track.id}/download`, { cookie: buyer.cookie })).status).toBe(403);

    const second = await shop.approvedOrder(buyer.cookie, [track.id]);
    await shop.follow(second.back, buyer.cookie);
    expect((await shop.call('GET', `/api/tracks/${track.id}/download`, { cookie: buyer.cookie })).bytes.equals(full)).toBe(true);
    expect((await db.pool.query('SELECT order_id, revoked_at FROM purchases WHERE track_id = $1', [track.id])).rows).toEqual([
      { order_id: second.orderId, revoked_at: null },
    ]);
  });
});

describe('admin and buyer views', () => {
  it('lists orders for admins with filters, and only their own for buyers', async () => {
    const buyer = await signInAs(db.pool, 'user');
    const admin = await signInAs(db.pool, 'admin');
    const { track } = await shop.sellable();
    const { orderId, back } = await shop.approvedOrder(buyer.cookie, [track.id]);
    await shop.follow(back, buyer.cookie);
    const list = await shop.call('GET', `/api/admin/orders?status=COMPLETED&user=${buyer.user.id}`, { cookie: admin.cookie });
    expect(list.status).toBe(200);
    expect(list.body.orders.map((o: { id: number }) => o.id)).toEqual([orderId]);
    expect(list.body.orders[0]).toMatchObject({
      userId: buyer.user.id,
      payerEmail: 'buyer@example.test',
      status: 'COMPLETED',
      items: [{ trackId: track.id, price: '0.99' }],
    });
    const one = await shop.call('GET', `/api/admin/orders/${orderId}`, { cookie: admin.cookie });
    expect(one.body.order.captureId).toMatch(/^[A-Z0-9]{17}$/);
    expect((await shop.call('GET', '/api/admin/orders?status=PAID', { cookie: admin.cookie })).status).toBe(400);
    expect((await shop.call('GET', '/api/admin/orders', { cookie: buyer.cookie })).status).toBe(403);
    const mine = await shop.call('GET', '/api/me/orders', { cookie: buyer.cookie });
    expect(mine.body.orders.map((o: { id: number }) => o.id)).toEqual([orderId]);
    expect(mine.body.orders[0]).not.toHaveProperty('paypalOrderId');
  });
});

describe('failures between PayPal and us', () => {
  it('repairs a crash between PayPal capture and our commit by reconciliation, granting exactly once', async () => {
    // Fault injection (no local stand-in for a crash): the capture reaches
    // PayPal, then its answer is lost as if the process died before commit.
    // Webhooks are off so only reconciliation can repair it.
    let crash = true;
    const faulty = (gateway: PaymentGateway): PaymentGateway => ({
      ...gateway,
      async captureOrder(id, requestId) {
        const result = await gateway.captureOrder(id, requestId);
        if (crash) throw new GatewayUnavailable('injected: connection lost after PayPal captured');
        return result;
      },
    });
    const h = await startCheckoutHarness(db.pool, { webhooks: false, wrap: faulty });
    try {
      const buyer = await signInAs(db.pool, 'user');
      const { track } = await h.sellable();
      const { orderId, back } = await h.approvedOrder(buyer.cookie, [track.id]);
      const lost = await h.follow(back, buyer.cookie);
      expect(lost.location).toBe(`/checkout/result?status=unavailable&order=${orderId}`);
      const api = await h.call('POST', `/api/checkout/orders/${orderId}/capture`, { cookie: buyer.cookie });
      expect([api.status, api.body.error.code]).toEqual([502, 'payment_provider_unavailable']);
      expect((await orderRow(orderId)).status).toBe('CREATED');
      expect(await count('purchases WHERE order_id = $1', [orderId])).toBe(0);

      const later = () => new Date(Date.now() + 10 * 60_000);
      // No gift in this order: nothing is queued.
      const deps = {
        db: db.pool,
        clock: later,
        payments: h.payments,
        config: h.config,
        jobs: { durable: false, send: async () => null, counts: async () => [] },
      };
      const summary = await reconcileStaleOrders(deps);
      expect(summary).toMatchObject({ errors: 0 });
      expect(summary.settled).toBeGreaterThanOrEqual(1);
      expect(await orderRow(orderId)).toMatchObject({ status: 'COMPLETED' });
      expect(await count('purchases WHERE order_id = $1', [orderId])).toBe(1);

      crash = false;
      await reconcileStaleOrders(deps);
      const retry = await h.call('POST', `/api/checkout/orders/${orderId}/capture`, { cookie: buyer.cookie });
      expect([retry.status, retry.body.outcome]).toEqual([200, 'completed']);
      expect(await count('purchases WHERE order_id = $1', [orderId])).toBe(1);
      // The ledger has the sale once, with PayPal's fee as the capture it read back says.
      const { rows: ledger } = await db.pool.query(
        'SELECT gross_minor::int AS gross, paypal_fee_minor::int AS fee FROM ledger_entries WHERE order_id = $1',
        [orderId],
      );
      expect(ledger).toEqual([{ gross: 99, fee: 38 }]);
      expect(h.paypal.standin.captureCount((await orderRow(orderId)).paypal_order_id)).toBe(1);
    } finally {
      await h.close();
    }
  });

  it('answers 502 and writes nothing when PayPal cannot be reached', async () => {
    const h = await startCheckoutHarness(db.pool);
    const buyer = await signInAs(db.pool, 'user');
    const { track } = await h.sellable();
    await h.paypal.close(); // PayPal is gone
    try {
      const orders = await count('orders');
      const res = await h.call('POST', '/api/checkout/orders', { cookie: buyer.cookie, json: { trackIds: [track.id] } });
      expect([res.status, res.body.error.code]).toEqual([502, 'payment_provider_unavailable']);
      expect(await count('orders')).toBe(orders);
    } finally {
      await h.close().catch(() => undefined);
    }
  });
});
