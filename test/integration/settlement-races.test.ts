import type pg from 'pg';
import { signInAs } from '../support/auth';
import { useCheckoutHarness } from '../support/checkout';
import { useTestDatabase } from '../support/db';
import { lockBarrier } from '../support/lock-barrier';

/**
 * Settlements racing each other, forced by a barrier instead of luck: the
 * test holds the order's row lock while every party reaches it — the
 * buyer's return, the CHECKOUT.ORDER.APPROVED and PAYMENT.CAPTURE.COMPLETED
 * webhooks (each captures or settles), and in the second test a refund made
 * at PayPal whose PAYMENT.CAPTURE.REFUNDED webhook arrives meanwhile — and
 * lets go only once all of them wait on it. With the lock each reads the
 * order as the one before left it. Without it (settlement reading the row
 * unlocked) they all decide on the same CREATED order: the refunded buyer
 * keeps the track (the second test fails so). Completions racing completions
 * are also harmless statement by statement (the ledger, purchases and the
 * discount's use are each written once whatever runs twice): the first test
 * checks that outcome, not the lock.
 */

const db = useTestDatabase();
const shop = useCheckoutHarness(db);

/** The barrier: the order's row lock, taken as a settlement takes it. */
const orderLockBarrier = (pool: pg.Pool, orderId: number) => lockBarrier(pool, 'SELECT id FROM orders WHERE id = $1 FOR UPDATE', [orderId]);

/** The order as the tests check it: status, what of it is owned, its ledger. */
async function outcome(orderId: number) {
  const { rows } = await db.pool.query(
    `SELECT o.status, o.paypal_order_id AS "paypalOrderId",
            (SELECT count(*)::int FROM purchases p WHERE p.order_id = o.id AND p.revoked_at IS NULL) AS owned,
            (SELECT coalesce(sum(artist_net_minor), 0)::int FROM ledger_entries l WHERE l.order_id = o.id) AS net,
            (SELECT count(*)::int FROM ledger_entries l WHERE l.order_id = o.id AND l.entry_kind = 'sale') AS sales
     FROM orders o WHERE o.id = $1`,
    [orderId],
  );
  return rows[0] as { status: string; paypalOrderId: string; owned: number; net: number; sales: number };
}

/** Every webhook delivery so far was taken (200), none refused or failed half-way. */
const deliveryStatuses = () => shop.paypal.deliveries.map((d) => [d.event.event_type, d.status]);
const allTaken = () => shop.paypal.deliveries.map((d) => [d.event.event_type, 200]);

/** A buyer's order of one track at `price`, created at PayPal and not yet approved. */
async function openOrder(price: string) {
  const buyer = await signInAs(db.pool, 'user');
  const { track, preview } = await shop.sellable(price);
  const created = await shop.call('POST', '/api/checkout/orders', { cookie: buyer.cookie, json: { trackIds: [track.id] } });
  return { buyer, track, preview, created, orderId: created.body.orderId as number };
}

describe('settlements racing on one order', () => {
  it('the return and both capture webhooks at once: PayPal captures once, one purchase, one sale in the ledger', async () => {
    const { buyer, created, orderId } = await openOrder('3.00');
    const barrier = await orderLockBarrier(db.pool, orderId);
    try {
      // The approval's webhook captures at PayPal, then waits for the lock; so do the buyer's return and PAYMENT.CAPTURE.COMPLETED.
      const returned = shop.follow(await shop.approve(created.body.approveUrl), buyer.cookie);
      await barrier.waitFor(3, 'the return and both webhooks at the lock');
      await barrier.release();
      expect((await returned).location).toBe(`/checkout/result?status=completed&order=${orderId}`);
      await shop.paypal.standin.webhooks.settled();
    } finally {
      await barrier.close();
    }
    expect(deliveryStatuses()).toEqual(allTaken());
    const after = await outcome(orderId);
    expect(after).toMatchObject({ status: 'COMPLETED', owned: 1, sales: 1, net: expect.any(Number) });
    expect(shop.paypal.standin.captureCount(after.paypalOrderId)).toBe(1);
  });

  it('those three and a refund at PayPal meanwhile: refunded, nothing owned, the ledger nets to zero', async () => {
    const { buyer, track, preview, created, orderId } = await openOrder('4.00');
    const barrier = await orderLockBarrier(db.pool, orderId);
    try {
      const returned = shop.follow(await shop.approve(created.body.approveUrl), buyer.cookie);
      await barrier.waitFor(2, 'the return and the approval webhook at the lock');
      // Refunded at PayPal (say, from its dashboard) while the capture is not yet settled here.
      const view = shop.paypal.standin.order((await outcome(orderId)).paypalOrderId) as {
        purchase_units: { payments: { captures: { id: string }[] } }[];
      };
      const refund = await shop.deps.payments.refundCapture(view.purchase_units[0]!.payments.captures[0]!.id, `race-refund-${orderId}`);
      expect(refund.status).toBe('COMPLETED');
      await barrier.waitFor(4, 'both capture webhooks, the return and the refund webhook at the lock');
      await barrier.release();
      expect((await returned).status).toBe(303);
      await shop.paypal.standin.webhooks.settled();
    } finally {
      await barrier.close();
    }
    expect(deliveryStatuses()).toEqual(allTaken());
    const after = await outcome(orderId);
    expect(after).toMatchObject({ status: 'REFUNDED', owned: 0, net: 0 });
    expect(after.sales).toBeLessThanOrEqual(1);
    expect(shop.paypal.standin.captureCount(after.paypalOrderId)).toBe(1);
    const stream = await shop.call('GET', `/api/tracks/${track.id}/stream`, { cookie: buyer.cookie });
    expect(stream.bytes.equals(preview)).toBe(true); // the preview, not the track
  });
});
