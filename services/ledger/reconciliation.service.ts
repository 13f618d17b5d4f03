import { orderLedgerSums, ordersSettledBetween } from '../../db/repos/ledger.repo';
import { batchesSentBetween } from '../../db/repos/payouts.repo';
import { addDays } from '../../lib/clock';
import { checkedRange } from '../../lib/date-range';
import { requireRole, type Actor } from '../actor';
import type { ServiceDeps } from '../deps';
import { callProvider } from '../payments/gateway-errors';

/**
 * The reconciliation report: for a period, the ledger and the payouts held
 * against what PayPal says now — each settled order's capture (amount, fee,
 * refunded or not) and each sent batch's items (their state). Every
 * difference is listed; none is expected. It reads PayPal once per order and
 * batch, so a period is at most 31 days.
 */

type Deps = Pick<ServiceDeps, 'db' | 'clock' | 'payments'>;

export interface Difference {
  /** `order 12` or `payout item payouts-2026-12-01-7`. */
  subject: string;
  what: string;
  ours: string;
  paypal: string;
}

const MAX_DAYS = 31;

export async function reconciliationReport(deps: Deps, actor: Actor | undefined, range: { from?: Date; to?: Date }) {
  requireRole(actor, 'admin');
  const { from, to } = checkedRange(range, { now: deps.clock(), defaultFrom: (end) => addDays(end, -7), maxDays: MAX_DAYS });
  const differences: Difference[] = [];
  const differ = (subject: string, what: string, ours: unknown, paypal: unknown) => {
    if (String(ours) !== String(paypal)) differences.push({ subject, what, ours: String(ours), paypal: String(paypal) });
  };

  const orders = await ordersSettledBetween(deps.db, { from, to });
  for (const order of orders) {
    const subject = `order ${order.id}`;
    const [view, sums] = await Promise.all([
      callProvider(() => deps.payments.getOrder(order.paypalOrderId)),
      orderLedgerSums(deps.db, order.id),
    ]);
    const capture = view?.capture;
    if (!capture) {
      differ(subject, 'capture', 'captured', 'none');
      continue;
    }
    differ(subject, 'captured amount (minor units)', sums.saleGross, capture.amountMinor);
    if (capture.feeMinor !== undefined) differ(subject, 'PayPal fee (minor units)', sums.saleFee, capture.feeMinor);
    const refundedAtPaypal = capture.status === 'REFUNDED';
    differ(subject, 'refunded', order.status === 'REFUNDED', refundedAtPaypal);
    differ(subject, 'refunded amount (minor units)', -sums.refundGross, refundedAtPaypal ? capture.amountMinor : 0);
  }

  const batches = await batchesSentBetween(deps.db, { from, to });
  for (const batch of batches) {
    const held = await callProvider(() => deps.payments.getPayoutBatch(batch.paypalBatchId!));
    for (const item of batch.items) {
      const theirs = held.items.find((i) => i.senderItemId === item.senderItemId || i.itemId === item.paypalItemId);
      differ(`payout item ${item.senderItemId}`, 'state', item.status, theirs?.status ?? 'missing');
    }
  }
  return { from, to, checked: { orders: orders.length, payoutBatches: batches.length }, differences };
}
