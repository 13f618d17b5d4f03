import { withTransaction, type Tx } from '../../db/pool';
import { lockOrder, updateOrder, type Order } from '../../db/repos/orders.repo';
import { grantOrderPurchases, revokeOrderPurchases } from '../../db/repos/purchases.repo';
import { redeemOrderDiscount, releaseOrderDiscount } from '../../db/repos/discount-codes.repo';
import { issueGiftCodes, revokeGift } from '../pricing/gifts.service';
import { JOBS } from '../jobs/job-queue';

import type { ServiceDeps } from '../deps';
import type { GatewayOrder } from '../payments/payment-gateway';
import { decideSettlement, isOpen } from './settlement-decision';
import { orderNotFound } from '../../lib/errors';
import { recordRefund, recordSale, type RecordedSale } from '../ledger/ledger.service';
import { recordAudit, type AuditBy } from '../audit.service';

/**
 * The only place an order changes status after it was created. Every change
 * happens in one transaction under the order's row lock, and only from an
 * open status (CREATED, PENDING) — so however many captures, webhooks and
 * reconciliations race, an order completes once and grants once.
 */

/** Settling writes the ledger (its settings: fees, VAT). */
type Deps = Pick<ServiceDeps, 'db' | 'clock' | 'config' | 'metrics'>;
/** Completing or refunding an order queues its mail (and notes a fallback it took in the log). */
type CompletingDeps = Deps & Pick<ServiceDeps, 'jobs' | 'logger'>;

async function underLock(deps: Deps, orderId: number, change: (order: Order, tx: Tx) => Promise<Order>): Promise<Order> {
  let before: Order['status'] | undefined;
  const after = await withTransaction(deps.db, async (tx) => {
    const order = await lockOrder(tx, orderId);
    if (!order) throw orderNotFound();
    before = order.status;
    return change(order, tx);
  });
  // Counted once committed, and only for a real change (a retried webhook changes nothing).
  if (after.status !== before && after.status !== 'CREATED') deps.metrics?.orderSettled(after.status);
  return after;
}

/**
 * Applies what PayPal says about an order's capture: COMPLETED with the
 * order's exact amount and currency completes it and grants its tracks;
 * PENDING waits; DECLINED or FAILED fails it; a different amount fails it
 * and is logged for a person to look at. Completing counts the order's
 * discount code use; failing gives it back. A completed gift becomes claim
 * codes, mailed to the recipient once the transaction has committed.
 */
export async function settleFromProvider(deps: CompletingDeps, orderId: number, view: GatewayOrder): Promise<Order> {
  let completedGift = false;
  let completedNow = false;
  let sale: RecordedSale | undefined;
  const settled = await underLock(deps, orderId, async (order, tx) => {
    const decision = decideSettlement(order, view);
    const now = deps.clock();
    const payerEmail = view.payerEmail ?? null;
    switch (decision.kind) {
      case 'unchanged':
        return order;
      case 'complete': {
        // The ledger's sale entries, from what PayPal kept and where the payer is, in this same transaction.
        sale = await recordSale(tx, deps, order, {
          id: decision.captureId,
          feeMinor: view.capture?.feeMinor,
          payerCountry: view.payerCountry,
          at: now,
        });
        const completed = await updateOrder(tx, order.id, {
          status: 'COMPLETED',
          transactionId: decision.captureId,
          payerEmail,
          completedAt: now,
          buyerCountry: sale.buyerCountry,
        });
        if (order.giftEmail) {
          await issueGiftCodes(tx, completed);
          completedGift = true;
        } else {
          await grantOrderPurchases(tx, order.id, order.userId, now);
        }
        await redeemOrderDiscount(tx, order.id, now);
        completedNow = true;
        return completed;
      }
      case 'pending':
        return updateOrder(tx, order.id, { status: 'PENDING', transactionId: decision.captureId, payerEmail });
      case 'fail':
        await releaseOrderDiscount(tx, order.id);
        return updateOrder(tx, order.id, {
          status: 'FAILED',
          transactionId: decision.captureId,
          payerEmail,
          failureReason: decision.reason,
        });
      case 'refunded':
        // Captured and refunded before we heard of it: never completed here, so no sale entries to undo and no mail.
        await releaseOrderDiscount(tx, order.id);
        return updateOrder(tx, order.id, { status: 'REFUNDED', transactionId: decision.captureId, payerEmail, refundedAt: now });
    }
  });
  if (sale?.storeCountry && deps.config.ledger.taxMode === 'inclusive')
    deps.logger?.info({ orderId, country: sale.buyerCountry }, "PayPal gave no payer country: the store's country decided the VAT");
  if (sale && !sale.feeKnown)
    deps.logger?.warn({ orderId }, "PayPal's capture told no fee (no seller_receivable_breakdown): the ledger records a fee of 0");
  // Queued once the change has committed (the jobs read what it wrote: the codes, the ledger).
  if (completedGift) await deps.jobs.send(JOBS.giftMail, { orderId });
  if (completedNow) await queueOrderMail(deps, orderId, 'completed');
  return settled;
}

const queueOrderMail = (deps: Pick<ServiceDeps, 'jobs'>, orderId: number, event: 'completed' | 'refunded') =>
  deps.jobs.send(JOBS.orderMail, { orderId, event }, { singletonKey: `${event}:${orderId}` });

/**
 * A refund or reversal: the order becomes REFUNDED, its purchases are
 * revoked (streaming falls back to the preview) and the ledger gets the
 * negating entries — with the part of PayPal's fee its refund gave back
 * (none known: none, as for a reversal).
 */
export async function settleRefund(
  deps: CompletingDeps,
  orderId: number,
  refund: { by: AuditBy; refundId?: string; feeReturnedMinor?: number; reversal?: boolean },
): Promise<Order> {
  let notify = false;
  const settled = await underLock(deps, orderId, async (order, tx) => {
    if (order.status === 'REFUNDED') return order;
    const now = deps.clock();
    await recordRefund(tx, order, { refundId: refund.refundId ?? null, feeReturnedMinor: refund.feeReturnedMinor ?? 0, at: now });
    const refunded = await updateOrder(tx, order.id, { status: 'REFUNDED', refundedAt: now });
    await revokeOrderPurchases(tx, order.id, now);
    if (order.giftEmail) await revokeGift(tx, order.id, now);
    await recordAudit(
      tx,
      refund.by,
      refund.reversal ? 'order.reversed' : 'order.refunded',
      { type: 'order', id: order.id },
      {
        from: order.status,
        refundId: refund.refundId ?? null,
      },
    );
    notify = order.status === 'COMPLETED';
    return refunded;
  });
  if (notify) await queueOrderMail(deps, orderId, 'refunded');
  return settled;
}

/**
 * A capture attempt ended with nothing charged (the funding was declined, or the buyer had not approved yet):
 * the next attempt gets a new PayPal-Request-Id, so PayPal cannot replay this refusal to it.
 */
export function nextCaptureAttempt(deps: Deps, orderId: number, attempt: number, approveUrl: string | undefined): Promise<Order> {
  return underLock(deps, orderId, async (order, tx) => {
    if (!isOpen(order) || order.captureAttempt !== attempt) return order;
    return updateOrder(tx, order.id, { captureAttempt: attempt + 1, approveUrl: approveUrl ?? order.approveUrl ?? undefined });
  });
}

/** Marks an open order FAILED (abandoned, unknown at PayPal, voided). */
export function settleFailure(deps: Deps, orderId: number, reason: string): Promise<Order> {
  return underLock(deps, orderId, async (order, tx) => {
    if (!isOpen(order)) return order;
    await releaseOrderDiscount(tx, order.id);
    return updateOrder(tx, order.id, { status: 'FAILED', failureReason: reason });
  });
}
