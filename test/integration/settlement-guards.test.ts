import { systemClock } from '../../lib/clock';
import { settleFromProvider } from '../../services/checkout/settlement';
import type { PaymentGateway } from '../../services/payments/payment-gateway';
import { signInAs } from '../support/auth';
import { useCheckoutHarness } from '../support/checkout';
import { useTestDatabase } from '../support/db';
import { testConfig } from '../support/app';

/**
 * Each settlement guard on its own: a refunded order never comes back,
 * whoever asks — the buyer capturing again, or PayPal's word arriving late.
 * Each test reads back the order, the purchases and PayPal's capture count.
 */

const db = useTestDatabase();
/** Every captureOrder call the app makes to PayPal, by PayPal order id. */
const captureCalls: string[] = [];
const shop = useCheckoutHarness(db, {
  webhooks: false,
  wrap: (gateway): PaymentGateway => ({
    ...gateway,
    createOrder: (order) => gateway.createOrder(order),
    getOrder: (id) => gateway.getOrder(id),
    refundCapture: (captureId, requestId) => gateway.refundCapture(captureId, requestId),
    verifyWebhook: (delivery) => gateway.verifyWebhook(delivery),
    captureOrder: (id, requestId) => {
      captureCalls.push(id);
      return gateway.captureOrder(id, requestId);
    },
  }),
});

/** A completed order of one track, then refunded by an admin. */
async function refundedOrder() {
  const buyer = await signInAs(db.pool, 'user');
  const admin = await signInAs(db.pool, 'admin');
  const { track, preview } = await shop.sellable('2.00');
  const { orderId, back } = await shop.approvedOrder(buyer.cookie, [track.id]);
  expect((await shop.follow(back, buyer.cookie)).location).toContain('status=completed');
  const refund = await shop.call('POST', `/api/admin/orders/${orderId}/refund`, { cookie: admin.cookie });
  expect(refund.body.order.status).toBe('REFUNDED');
  return { buyer, track, preview, orderId };
}

async function state(orderId: number) {
  const { rows } = await db.pool.query(
    `SELECT o.status, o.paypal_order_id, (SELECT bool_and(p.revoked_at IS NOT NULL) FROM purchases p WHERE p.order_id = o.id) AS revoked
     FROM orders o WHERE o.id = $1`,
    [orderId],
  );
  return rows[0] as { status: string; paypal_order_id: string; revoked: boolean };
}

describe('a refunded order stays refunded', () => {
  it('when its buyer calls capture again: no second capture at PayPal, the purchase stays revoked, the preview plays', async () => {
    const { buyer, track, preview, orderId } = await refundedOrder();
    const callsBefore = captureCalls.length;
    for (let i = 0; i < 3; i++) {
      const again = await shop.call('POST', `/api/checkout/orders/${orderId}/capture`, { cookie: buyer.cookie });
      expect(again.status).toBeLessThan(500);
      expect(again.body.order?.status ?? again.body.error?.code).not.toBe('COMPLETED');
    }
    const after = await state(orderId);
    expect(after).toMatchObject({ status: 'REFUNDED', revoked: true });
    expect(shop.paypal.standin.captureCount(after.paypal_order_id)).toBe(1);
    // Nothing asked PayPal to capture a settled order at all.
    expect(captureCalls.slice(callsBefore)).toEqual([]);
    const stream = await shop.call('GET', `/api/tracks/${track.id}/stream`, { cookie: buyer.cookie });
    expect(stream.bytes.equals(preview)).toBe(true);
    // Coming back through PayPal's return link again changes nothing either.
    await shop.call('GET', `/checkout/return?token=${after.paypal_order_id}`, { cookie: buyer.cookie });
    expect(await state(orderId)).toMatchObject({ status: 'REFUNDED', revoked: true });
    expect(captureCalls.slice(callsBefore)).toEqual([]);
  });

  it('when a COMPLETED capture is reported late (a delayed webhook or reconciliation reading an old view)', async () => {
    const { orderId } = await refundedOrder();
    const { rows } = await db.pool.query('SELECT amount, transaction_id FROM orders WHERE id = $1', [orderId]);
    const late = await settleFromProvider(
      { db: db.pool, clock: systemClock, config: testConfig(), jobs: { durable: false, send: async () => null, counts: async () => [] } },
      orderId,
      {
        id: (await state(orderId)).paypal_order_id,
        status: 'COMPLETED',
        payerEmail: 'buyer@example.test',
        payerCountry: undefined,
        approveUrl: undefined,
        capture: {
          id: rows[0].transaction_id,
          status: 'COMPLETED',
          amountMinor: Math.round(Number(rows[0].amount) * 100),
          currency: 'EUR',
          feeMinor: undefined,
        },
      },
    );
    expect(late.status).toBe('REFUNDED');
    expect(await state(orderId)).toMatchObject({ status: 'REFUNDED', revoked: true });
  });
});
