import { parseMinor } from '../../lib/money';
import type { Order } from '../../db/repos/orders.repo';
import type { GatewayOrder } from '../payments/payment-gateway';

/** What an order becomes, given what PayPal holds about its capture. */
export type Settlement =
  | { kind: 'unchanged' }
  | { kind: 'complete'; captureId: string }
  | { kind: 'pending'; captureId: string }
  | { kind: 'fail'; captureId: string; reason: 'amount_mismatch' | 'capture_declined' }
  /** Captured and refunded before we heard of it: nothing was granted, nothing to revoke. */
  | { kind: 'refunded'; captureId: string };

/** Orders in these states are settled; nothing but a refund moves them again. */
export const isOpen = (order: Pick<Order, 'status'>) => order.status === 'CREATED' || order.status === 'PENDING';

/**
 * The settlement rule, apart from the database: an open order with a
 * COMPLETED capture of exactly its amount and currency completes; any other
 * amount fails it (for a person to look at); PENDING waits (once); DECLINED
 * or FAILED fails it; a refunded capture makes it REFUNDED. A settled order,
 * or one PayPal holds no capture for, is left as it is.
 */
export function decideSettlement(order: Pick<Order, 'status' | 'amount' | 'currency'>, view: Pick<GatewayOrder, 'capture'>): Settlement {
  const capture = view.capture;
  if (!isOpen(order) || !capture) return { kind: 'unchanged' };
  switch (capture.status) {
    case 'COMPLETED':
      return capture.amountMinor === parseMinor(order.amount, order.currency) && capture.currency === order.currency
        ? { kind: 'complete', captureId: capture.id }
        : { kind: 'fail', captureId: capture.id, reason: 'amount_mismatch' };
    case 'PENDING':
      return order.status === 'PENDING' ? { kind: 'unchanged' } : { kind: 'pending', captureId: capture.id };
    case 'DECLINED':
    case 'FAILED':
      return { kind: 'fail', captureId: capture.id, reason: 'capture_declined' };
    case 'REFUNDED':
    case 'PARTIALLY_REFUNDED':
      return { kind: 'refunded', captureId: capture.id };
  }
}
