import { listStaleOpenOrders, type Order } from '../../db/repos/orders.repo';
import type { ServiceDeps } from '../deps';
import { callProvider } from '../payments/gateway-errors';
import { captureAndSettle } from './capture.service';
import { settleFailure, settleFromProvider } from './settlement';

type Deps = Pick<ServiceDeps, 'db' | 'clock' | 'payments' | 'jobs' | 'config'>;

/** An order nobody approved for this long is abandoned (PayPal lets unapproved orders lapse within hours). */
export const ABANDON_AFTER_MS = 6 * 3_600_000;
/** Open orders younger than this are still in the buyer's hands; reconciliation leaves them alone. */
export const STALE_AFTER_MS = 2 * 60_000;

/**
 * Reads one order back from PayPal and settles it from what PayPal holds:
 * a capture we never recorded (a crash or timeout between PayPal's capture
 * and our commit) is applied, an approved order nobody captured (the buyer
 * closed the tab) is captured, an unapproved one that lapsed fails.
 */
export async function reconcileOrder(deps: Deps, order: Order): Promise<Order> {
  const view = await callProvider(() => deps.payments.getOrder(order.paypalOrderId));
  if (!view) return settleFailure(deps, order.id, 'unknown_at_paypal');
  if (view.capture) return settleFromProvider(deps, order.id, view);
  if (view.status === 'APPROVED' && order.status === 'CREATED') return (await captureAndSettle(deps, order)).order;
  if (view.status === 'VOIDED') return settleFailure(deps, order.id, 'voided');
  if (deps.clock().getTime() - order.createdAt.getTime() > ABANDON_AFTER_MS) return settleFailure(deps, order.id, 'abandoned');
  return order;
}

export interface ReconcileSummary {
  checked: number;
  settled: number;
  errors: number;
}

/** `npm run payments:reconcile` and the periodic job: every stale CREATED or PENDING order, oldest first. */
export async function reconcileStaleOrders(
  deps: Deps,
  options: { limit?: number; onError?: (order: Order, err: unknown) => void } = {},
): Promise<ReconcileSummary> {
  const before = new Date(deps.clock().getTime() - STALE_AFTER_MS);
  const orders = await listStaleOpenOrders(deps.db, before, options.limit ?? 200);
  const summary: ReconcileSummary = { checked: orders.length, settled: 0, errors: 0 };
  for (const order of orders) {
    try {
      const after = await reconcileOrder(deps, order);
      if (after.status !== order.status) summary.settled++;
    } catch (err) {
      summary.errors++;
      options.onError?.(order, err);
    }
  }
  return summary;
}
