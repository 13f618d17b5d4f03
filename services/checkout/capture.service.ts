import type { CaptureOutcome } from '../../contract/checkout';
import { findOrder, findOrderByPaypalId, listOrderItems, type Order, type OrderItem } from '../../db/repos/orders.repo';
import { linesOwnedOutsideOrder } from '../../db/repos/purchases.repo';
import { fail, orderNotFound } from '../../lib/errors';
import { requireSignedIn, type Actor } from '../actor';
import type { ServiceDeps } from '../deps';
import { callProvider } from '../payments/gateway-errors';
import { nextCaptureAttempt, settleFailure, settleFromProvider } from './settlement';

export type { CaptureOutcome };

export interface CaptureReport {
  order: Order;
  outcome: CaptureOutcome;
}

type Deps = Pick<ServiceDeps, 'db' | 'clock' | 'payments' | 'jobs' | 'config'>;

/** Why an order failed when its buyer already owned what it would pay for. */
const ALREADY_OWNED = 'already_owned';

/** The PayPal-Request-Id of a capture attempt: every retry of an attempt reuses it, so PayPal charges once. */
export const captureRequestId = (order: Pick<Order, 'id' | 'captureAttempt'>) => `song-nexus-capture-${order.id}-${order.captureAttempt}`;

function outcomeOf(order: Order): CaptureOutcome {
  switch (order.status) {
    case 'COMPLETED':
      return 'completed';
    case 'PENDING':
      return 'pending';
    case 'REFUNDED':
      return 'refunded';
    case 'FAILED':
      return 'failed';
    case 'CREATED':
      return 'pending'; // PayPal answered without a capture we could settle: reconciliation will
  }
}

/**
 * Captures an approved order at PayPal and settles it. Safe to call any
 * number of times, concurrently too: a settled order is answered as it is,
 * PayPal replays an attempt's first answer, and settling is idempotent.
 * A timeout leaves the order as it was, for a retry or reconciliation. An
 * order for something the buyer already owns otherwise fails uncharged.
 * @throws AppError 409 order_not_approved before the buyer approved, 502 when PayPal is unreachable.
 */
export async function captureAndSettle(deps: Deps, order: Order): Promise<CaptureReport> {
  if (order.status !== 'CREATED') return settled(order);
  // Never charge for what the buyer already owns through something else (an older order, a grant).
  if ((await linesOwnedOutsideOrder(deps.db, order.id, order.userId, deps.clock())).length) {
    return settled(await settleFailure(deps, order.id, ALREADY_OWNED));
  }
  const result = await callProvider(() => deps.payments.captureOrder(order.paypalOrderId, captureRequestId(order)));
  switch (result.outcome) {
    case 'captured':
      return settled(await settleFromProvider(deps, order.id, result.order));
    case 'already_captured': {
      // Captured by an earlier attempt whose answer we never saw: read what PayPal holds.
      const view = await callProvider(() => deps.payments.getOrder(order.paypalOrderId));
      return settled(view ? await settleFromProvider(deps, order.id, view) : order);
    }
    case 'declined':
      return { order: await nextCaptureAttempt(deps, order.id, order.captureAttempt, result.approveUrl), outcome: 'declined' };
    case 'not_approved':
      // Nothing was charged, but PayPal may replay this refusal to the same request id: the next capture, after the buyer approves, uses a new one.
      await nextCaptureAttempt(deps, order.id, order.captureAttempt, undefined);
      throw fail('order_not_approved');
  }
}

const settled = (order: Order): CaptureReport => ({ order, outcome: outcomeOf(order) });

/** The owner's order, or 404 for anyone else (another user's order does not exist for them). */
export async function ownOrder(deps: Pick<ServiceDeps, 'db'>, actor: Actor | undefined, orderId: number): Promise<Order> {
  const { userId } = requireSignedIn(actor);
  const order = await findOrder(deps.db, orderId);
  if (!order || order.userId !== userId) throw orderNotFound();
  return order;
}

/** POST /api/checkout/orders/:id/capture: only the order's owner may capture. */
export async function captureOwnOrder(
  deps: Deps,
  actor: Actor | undefined,
  orderId: number,
): Promise<CaptureReport & { items: OrderItem[] }> {
  const captured = await captureAndSettle(deps, await ownOrder(deps, actor, orderId));
  if (captured.outcome === 'declined') {
    throw fail('payment_declined', {
      details: {
        approveUrl: captured.order.approveUrl,
      },
    });
  }
  if (captured.outcome === 'failed' && captured.order.failureReason === ALREADY_OWNED) {
    throw fail('already_owned', { message: 'You already own some of these tracks; this order was cancelled and nothing was charged.' });
  }
  if (captured.outcome === 'failed') throw fail('order_failed');
  if (captured.outcome === 'refunded') throw fail('order_refunded');
  return { ...captured, items: await listOrderItems(deps.db, [orderId]) };
}

/** The actor's order with this PayPal order id, if it is theirs (the return and cancel pages). */
export async function findOwnOrderByPaypalId(
  deps: Pick<ServiceDeps, 'db'>,
  actor: Actor,
  paypalOrderId: string,
): Promise<Order | undefined> {
  const order = await findOrderByPaypalId(deps.db, paypalOrderId);
  return order?.userId === actor.userId ? order : undefined;
}

/** The buyer came back from PayPal with `token` (PayPal's order id): capture if the order is theirs. */
export async function captureReturningBuyer(deps: Deps, actor: Actor, paypalOrderId: string): Promise<CaptureReport> {
  const order = await findOwnOrderByPaypalId(deps, actor, paypalOrderId);
  if (!order) throw orderNotFound();
  return captureAndSettle(deps, order);
}
