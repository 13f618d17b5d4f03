import crypto from 'node:crypto';
import { withTransaction, type Queryable } from '../../db/pool';
import { findOpenOrderCovering, insertOrder, lockBuyerOrders, reserveOrderId, type Order } from '../../db/repos/orders.repo';
import { ownedTrackIds } from '../../db/repos/purchases.repo';
import { findTracksByIds } from '../../db/repos/tracks.repo';
import { fail } from '../../lib/errors';
import type { Clock } from '../../lib/clock';
import { requireSignedIn, type Actor } from '../actor';
import type { ServiceDeps } from '../deps';
import { callProvider } from '../payments/gateway-errors';
import { formatCents, toCents } from '../../lib/money';

export const CHECKOUT_CURRENCY = 'EUR';
/** Most tracks in one order: PayPal's item list and our statement stay readable. */
export const MAX_ORDER_TRACKS = 50;

/**
 * Starts a purchase: checks every track (published, not deleted, not free,
 * not already the buyer's, not in another open order of theirs), prices it from the database only, creates the
 * PayPal order (intent CAPTURE, one item per track, item_total breakdown,
 * custom_id = our order id, a unique invoice_id) and then stores the order
 * and its items. Until PayPal has answered nothing is written, so a failed
 * call leaves nothing behind.
 */
export async function createCheckoutOrder(
  deps: Pick<ServiceDeps, 'db' | 'clock' | 'config' | 'payments'>,
  actor: Actor | undefined,
  trackIds: number[],
): Promise<{ order: Order; approveUrl: string }> {
  const { userId } = requireSignedIn(actor);
  const ids = [...new Set(trackIds)].sort((a, b) => a - b);
  const tracks = await findTracksByIds(deps.db, ids);
  const unavailable = ids.filter((id) => !tracks.some((t) => t.id === id && t.isPublished && !t.isDeleted));
  if (unavailable.length)
    throw fail('track_unavailable', {
      details: {
        trackIds: unavailable,
      },
    });
  const free = tracks.filter((t) => t.isFree || toCents(t.priceEur) === 0).map((t) => t.id);
  if (free.length) throw fail('track_free', { details: { trackIds: free } });
  const own = tracks.filter((t) => t.artistUserId === userId).map((t) => t.id);
  if (own.length) throw fail('already_owned');
  await refuseDoublePayment(deps, userId, ids);

  const items = tracks.map((t) => ({ trackId: t.id, name: `${t.artist} – ${t.name}`, priceCents: toCents(t.priceEur) }));
  const totalCents = items.reduce((sum, item) => sum + item.priceCents, 0);
  const orderId = await reserveOrderId(deps.db);
  const invoiceId = `SN-${orderId}-${crypto.randomBytes(6).toString('hex')}`;
  const origin = deps.config.appOrigin;
  const created = await callProvider(() =>
    deps.payments.createOrder({
      orderId,
      invoiceId,
      currency: CHECKOUT_CURRENCY,
      items,
      totalCents,
      returnUrl: `${origin}/checkout/return`,
      cancelUrl: `${origin}/checkout/cancel`,
    }),
  );
  // Checked again under the buyer's lock: of two concurrent checkouts for one track, one is stored.
  // The other's PayPal order is never stored, so nobody can capture (and pay) it.
  const order = await withTransaction(deps.db, async (tx) => {
    await lockBuyerOrders(tx, userId);
    await refuseDoublePayment({ ...deps, db: tx }, userId, ids);
    return insertOrder(tx, {
      id: orderId,
      userId,
      paypalOrderId: created.paypalOrderId,
      amount: formatCents(totalCents),
      currency: CHECKOUT_CURRENCY,
      description: items.length === 1 ? items[0]!.name : `${items.length} tracks`,
      invoiceId,
      approveUrl: created.approveUrl,
      items: items.map((i) => ({ trackId: i.trackId, price: formatCents(i.priceCents) })),
    });
  });
  return { order, approveUrl: created.approveUrl };
}

/**
 * A buyer pays for a track at most once: not while they own it, and not while
 * another of their orders covering it can still be paid (409 with that
 * order, so the buyer can finish it instead).
 */
async function refuseDoublePayment(deps: { db: Queryable; clock: Clock }, userId: number, trackIds: number[]): Promise<void> {
  if ((await ownedTrackIds(deps.db, userId, trackIds, deps.clock())).length) throw fail('already_owned');
  const open = await findOpenOrderCovering(deps.db, userId, trackIds);
  if (open) {
    throw fail('order_open', {
      details: {
        orderId: open.id,
        approveUrl: open.approveUrl,
      },
    });
  }
}
