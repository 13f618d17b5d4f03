import { findOrder, type Order } from '../../db/repos/orders.repo';
import { fail, orderNotFound } from '../../lib/errors';
import { withTransaction } from '../../db/pool';
import { requireRole, type Actor } from '../actor';
import { recordAudit } from '../audit.service';
import type { ServiceDeps } from '../deps';
import { callProvider } from '../payments/gateway-errors';
import { settleRefund } from './settlement';

/**
 * An admin refunds a completed order in full at PayPal (with its own
 * PayPal-Request-Id, so a retried click refunds once); the order becomes
 * REFUNDED and its purchases are revoked. A refund PayPal reports as pending
 * is settled by its PAYMENT.CAPTURE.REFUNDED webhook.
 */
export async function refundOrder(
  deps: Pick<ServiceDeps, 'db' | 'clock' | 'payments' | 'config' | 'jobs'>,
  actor: Actor | undefined,
  orderId: number,
): Promise<{ order: Order; refund: 'completed' | 'pending' }> {
  const admin = requireRole(actor, 'admin');
  const order = await findOrder(deps.db, orderId);
  if (!order) throw orderNotFound();
  if (order.status === 'REFUNDED') return { order, refund: 'completed' };
  if (order.status !== 'COMPLETED' || !order.transactionId)
    throw fail('order_not_refundable', { message: `Only completed orders can be refunded; this one is ${order.status}.` });
  const captureId = order.transactionId;
  const result = await callProvider(() => deps.payments.refundCapture(captureId, `song-nexus-refund-${order.id}`));
  if (result.status === 'PENDING') {
    await withTransaction(deps.db, (tx) =>
      recordAudit(tx, admin, 'order.refund_requested', { type: 'order', id: order.id }, { refundId: result.refundId ?? null }),
    );
    return { order, refund: 'pending' };
  }
  return { order: await settleRefund(deps, order.id, { ...result, by: admin }), refund: 'completed' };
}
