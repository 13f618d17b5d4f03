import { ABANDON_AFTER_MS, reconcileStaleOrders, STALE_AFTER_MS } from '../../services/checkout/reconcile.service';
import { GatewayUnavailable, type PaymentGateway } from '../../services/payments/payment-gateway';
import type { Order } from '../../db/repos/orders.repo';
import { signInAs } from '../support/auth';
import { startCheckoutHarness, type CheckoutHarness } from '../support/checkout';
import { useTestDatabase } from '../support/db';

/**
 * Reconciliation (`npm run payments:reconcile` and its periodic job) over
 * every kind of open order it meets, each read back from the PayPal stand-in
 * over HTTP: approved but never captured, voided at PayPal, unknown to
 * PayPal, unapproved for a while and then for hours, too young to touch, and
 * one whose lookup fails. Webhooks are off, so only reconciliation acts.
 */

jest.setTimeout(60_000);
const db = useTestDatabase();

const orderRow = async (id: number) =>
  (
    await db.pool.query<{ status: string; failure_reason: string | null; paypal_order_id: string }>('SELECT * FROM orders WHERE id = $1', [
      id,
    ])
  ).rows[0]!;
const paypalId = async (orderId: number) => (await orderRow(orderId)).paypal_order_id;
const purchases = async (orderId: number) =>
  (await db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM purchases WHERE order_id = $1', [orderId])).rows[0]!.n;

describe('reconciling stale open orders', () => {
  let h: CheckoutHarness;
  /** PayPal orders whose lookup fails, as if PayPal's API were down for them (fault injection: the stand-in has no such switch). */
  const failing = new Set<string>();
  beforeAll(async () => {
    h = await startCheckoutHarness(db.pool, {
      webhooks: false,
      wrap: (gateway: PaymentGateway): PaymentGateway => ({
        ...gateway,
        async getOrder(id) {
          if (failing.has(id)) throw new GatewayUnavailable('injected: order lookup failed');
          return gateway.getOrder(id);
        },
      }),
    });
  });
  afterAll(() => h.close());

  /** An order of one new track, created by a new buyer and left at PayPal's door. */
  const newOrder = async () => {
    const buyer = await signInAs(db.pool, 'user');
    const { track } = await h.sellable();
    const created = await h.call('POST', '/api/checkout/orders', { cookie: buyer.cookie, json: { trackIds: [track.id] } });
    expect(created.status).toBe(201);
    return { orderId: created.body.orderId as number, approveUrl: created.body.approveUrl as string };
  };
  const deps = (at: number) => ({
    db: db.pool,
    clock: () => new Date(at),
    payments: h.payments,
    config: h.config,
    jobs: { durable: false, send: async () => null, counts: async () => [] },
  });
  /** PayPal voids the order (the stand-in's control). */
  const voidAtPayPal = async (orderId: number) => {
    const voiding = await fetch(`${h.paypal.url}/standin/orders/${await paypalId(orderId)}/void`, { method: 'POST' });
    expect(voiding.status).toBe(200);
  };

  it('captures what was approved, fails what PayPal voided or never knew, waits on the rest, then gives up on it', async () => {
    const approved = await newOrder();
    await h.approve(approved.approveUrl); // the buyer approves, then closes the tab before coming back
    const voided = await newOrder();
    await voidAtPayPal(voided.orderId);
    const unknown = await newOrder();
    await db.pool.query("UPDATE orders SET paypal_order_id = '9XX00000000000000' WHERE id = $1", [unknown.orderId]);
    const waiting = await newOrder();
    const broken = await newOrder();
    failing.add(await paypalId(broken.orderId));

    const errors: [Order, unknown][] = [];
    const tenMinutes = Date.now() + 10 * 60_000;
    const summary = await reconcileStaleOrders(deps(tenMinutes), { onError: (order, err) => errors.push([order, err]) });
    expect(summary).toEqual({ checked: 5, settled: 3, errors: 1 });
    expect(await orderRow(approved.orderId)).toMatchObject({ status: 'COMPLETED', failure_reason: null });
    expect(await purchases(approved.orderId)).toBe(1);
    expect(h.paypal.standin.captureCount(await paypalId(approved.orderId))).toBe(1);
    expect(await orderRow(voided.orderId)).toMatchObject({ status: 'FAILED', failure_reason: 'voided' });
    expect(await orderRow(unknown.orderId)).toMatchObject({ status: 'FAILED', failure_reason: 'unknown_at_paypal' });
    expect(await orderRow(waiting.orderId)).toMatchObject({ status: 'CREATED', failure_reason: null });
    expect(errors.map(([order, err]) => [order.id, (err as { code?: string }).code])).toEqual([
      [broken.orderId, 'payment_provider_unavailable'],
    ]);
    expect(await orderRow(broken.orderId)).toMatchObject({ status: 'CREATED' });
    for (const failed of [voided, unknown]) expect(await purchases(failed.orderId)).toBe(0);

    // Hours later, the unapproved orders are abandoned; what was settled is not looked at again.
    failing.clear();
    const later = Date.now() + ABANDON_AFTER_MS + 60_000;
    expect(await reconcileStaleOrders(deps(later))).toEqual({ checked: 2, settled: 2, errors: 0 });
    for (const lapsed of [waiting, broken])
      expect(await orderRow(lapsed.orderId)).toMatchObject({ status: 'FAILED', failure_reason: 'abandoned' });
    expect(h.paypal.standin.captureCount(await paypalId(approved.orderId))).toBe(1);
  });

  it('leaves an order alone while it is younger than the stale age, even when PayPal holds it approved', async () => {
    const fresh = await newOrder();
    await h.approve(fresh.approveUrl);
    const now = Date.now();
    expect(await reconcileStaleOrders(deps(now + STALE_AFTER_MS - 30_000))).toEqual({ checked: 0, settled: 0, errors: 0 });
    expect(await orderRow(fresh.orderId)).toMatchObject({ status: 'CREATED' });
    // Once stale, the next run captures it: the buyer never came back.
    expect(await reconcileStaleOrders(deps(now + STALE_AFTER_MS + 30_000))).toEqual({ checked: 1, settled: 1, errors: 0 });
    expect(await orderRow(fresh.orderId)).toMatchObject({ status: 'COMPLETED' });
    expect(await purchases(fresh.orderId)).toBe(1);
  });

  it('leaves an order it cannot settle yet open at PayPal for a later run, as many times as it takes', async () => {
    const open = await newOrder();
    const soon = Date.now() + 5 * 60_000;
    for (let run = 0; run < 2; run++) expect(await reconcileStaleOrders(deps(soon))).toEqual({ checked: 1, settled: 0, errors: 0 });
    expect(await orderRow(open.orderId)).toMatchObject({ status: 'CREATED', failure_reason: null });
    await voidAtPayPal(open.orderId);
    expect(h.paypal.standin.order(await paypalId(open.orderId))).toMatchObject({ status: 'VOIDED' });
    expect(await reconcileStaleOrders(deps(soon))).toEqual({ checked: 1, settled: 1, errors: 0 });
    expect(await orderRow(open.orderId)).toMatchObject({ status: 'FAILED', failure_reason: 'voided' });
  });
});
