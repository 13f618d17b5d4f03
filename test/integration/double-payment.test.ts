import { signInAs } from '../support/auth';
import { useCheckoutHarness } from '../support/checkout';
import { useTestDatabase } from '../support/db';
import { buildPurchase } from '../support/factories';

/**
 * A buyer pays for a track at most once, and a refund takes away only what
 * no other payment still covers. Over HTTP against the PayPal stand-in.
 */

jest.setTimeout(60_000);
const db = useTestDatabase();
const shop = useCheckoutHarness(db);

const orderRow = async (id: number) => (await db.pool.query('SELECT * FROM orders WHERE id = $1', [id])).rows[0];

it('refuses a second order for a track while the first can still be paid, pointing at the open one', async () => {
  const buyer = await signInAs(db.pool, 'user');
  const { track } = await shop.sellable();
  const other = await shop.sellable();
  const first = await shop.call('POST', '/api/checkout/orders', { cookie: buyer.cookie, json: { trackIds: [track.id] } });
  expect(first.status).toBe(201);
  const second = await shop.call('POST', '/api/checkout/orders', { cookie: buyer.cookie, json: { trackIds: [other.track.id, track.id] } });
  expect([second.status, second.body.error.code]).toEqual([409, 'order_open']);
  expect(second.body.error.details).toEqual({ orderId: first.body.orderId, approveUrl: first.body.approveUrl });
  expect((await db.pool.query('SELECT count(*)::int AS n FROM orders WHERE user_id = $1', [buyer.user.id])).rows[0].n).toBe(1);

  // Once the first is paid, a new order for the track is "already owned"; another track alone is fine.
  await shop.follow(await shop.approve(first.body.approveUrl), buyer.cookie);
  const third = await shop.call('POST', '/api/checkout/orders', { cookie: buyer.cookie, json: { trackIds: [track.id] } });
  expect([third.status, third.body.error.code]).toEqual([409, 'already_owned']);
  expect((await shop.call('POST', '/api/checkout/orders', { cookie: buyer.cookie, json: { trackIds: [other.track.id] } })).status).toBe(
    201,
  );
});

it('stores one of ten concurrent checkouts for the same track', async () => {
  const buyer = await signInAs(db.pool, 'user');
  const { track } = await shop.sellable();
  const replies = await Promise.all(
    Array.from({ length: 10 }, () => shop.call('POST', '/api/checkout/orders', { cookie: buyer.cookie, json: { trackIds: [track.id] } })),
  );
  expect(replies.map((r) => r.status).sort()).toEqual([201, ...Array(9).fill(409)]);
  expect((await db.pool.query('SELECT count(*)::int AS n FROM orders WHERE user_id = $1', [buyer.user.id])).rows[0].n).toBe(1);
});

it('refuses a capture that would pay for a track the buyer already owns, before PayPal charges', async () => {
  const buyer = await signInAs(db.pool, 'user');
  const { track } = await shop.sellable();
  const { orderId, approveUrl } = await shop.approvedOrder(buyer.cookie, [track.id]);
  // Meanwhile the buyer came to own the track another way (a grant, or an order from before this rule).
  await buildPurchase(db.pool, { userId: buyer.user.id, trackId: track.id });
  const capture = await shop.call('POST', `/api/checkout/orders/${orderId}/capture`, { cookie: buyer.cookie });
  expect([capture.status, capture.body.error.code]).toEqual([409, 'already_owned']);
  // Not the catalogue's generic wording: the buyer is told this order was cancelled and nothing was charged.
  expect(capture.body.error.message).toBe('You already own some of these tracks; this order was cancelled and nothing was charged.');
  const order = await orderRow(orderId);
  expect([order.status, order.failure_reason]).toEqual(['FAILED', 'already_owned']);
  expect(shop.paypal.standin.captureCount(new URL(approveUrl).searchParams.get('token')!)).toBe(0);
});

it('keeps a track entitled after a refund while another completed order of the buyer still pays for it', async () => {
  const buyer = await signInAs(db.pool, 'user');
  const admin = await signInAs(db.pool, 'admin');
  const { track, full, preview } = await shop.sellable();
  const first = await shop.approvedOrder(buyer.cookie, [track.id]);
  await shop.follow(first.back, buyer.cookie);
  // A second completed order for the same track, as orders made before this rule may exist:
  // another track paid at PayPal, whose order item is then pointed at this track.
  const decoy = await shop.sellable();
  const second = await shop.approvedOrder(buyer.cookie, [decoy.track.id]);
  await shop.follow(second.back, buyer.cookie);
  expect((await orderRow(second.orderId)).status).toBe('COMPLETED');
  await db.pool.query('UPDATE order_items SET track_id = $1 WHERE order_id = $2', [track.id, second.orderId]);

  const refund = await shop.call('POST', `/api/admin/orders/${first.orderId}/refund`, { cookie: admin.cookie });
  expect([refund.status, refund.body.order.status]).toEqual([200, 'REFUNDED']);
  const purchase = (
    await db.pool.query('SELECT order_id, revoked_at FROM purchases WHERE user_id = $1 AND track_id = $2', [buyer.user.id, track.id])
  ).rows[0];
  expect(purchase).toEqual({ order_id: second.orderId, revoked_at: null });
  expect((await shop.call('GET', `/api/tracks/${track.id}/stream`, { cookie: buyer.cookie })).bytes.equals(full)).toBe(true);
  expect((await shop.call('GET', `/api/tracks/${track.id}/download`, { cookie: buyer.cookie })).status).toBe(200);

  // Refunding the second, last payment revokes it.
  await shop.call('POST', `/api/admin/orders/${second.orderId}/refund`, { cookie: admin.cookie });
  expect((await shop.call('GET', `/api/tracks/${track.id}/stream`, { cookie: buyer.cookie })).bytes.equals(preview)).toBe(true);
  expect((await shop.call('GET', `/api/tracks/${track.id}/download`, { cookie: buyer.cookie })).status).toBe(403);
});
