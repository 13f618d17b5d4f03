import crypto from 'node:crypto';
import type { LicenseType } from '../../contract/api';
import { withTransaction, type Queryable } from '../../db/pool';
import { findOpenOrderCovering, insertOrder, lockBuyerOrders, reserveOrderId, type Order } from '../../db/repos/orders.repo';
import { ownedTrackIds } from '../../db/repos/purchases.repo';
import { fail } from '../../lib/errors';
import type { Clock } from '../../lib/clock';
import { requireSignedIn, type Actor } from '../actor';
import type { ServiceDeps } from '../deps';
import { callProvider } from '../payments/gateway-errors';
import { formatMinor } from '../../lib/money';
import { holdDiscountCode, usableDiscountCode } from '../pricing/discount-codes.service';
import { priceLines, type CheckoutItem, type PricedLine } from './order-lines';

export { MAX_ORDER_TRACKS, type CheckoutItem } from './order-lines';

export interface CheckoutRequest {
  items: CheckoutItem[];
  discountCode?: string;
  /** Buy for someone else: they get a claim link at this address once the payment completes. */
  gift?: { email: string; message?: string };
}

/**
 * Starts a purchase of tracks and releases, priced by the pricing rules
 * (order-lines.ts) from the database only, with at most one discount code.
 * No track the order covers may be the buyer's already (under a license
 * that covers the one bought) nor in another open order of theirs — unless
 * it is a gift. The PayPal order (intent CAPTURE, one item per line,
 * item_total breakdown, custom_id = our order id, a unique invoice_id) is
 * created first and the order stored after, with the discount code's use
 * reserved in the same transaction, so a failed call or a code used up
 * meanwhile leaves nothing behind (and nothing that can be paid).
 */
export async function createCheckoutOrder(
  deps: Pick<ServiceDeps, 'db' | 'clock' | 'config' | 'payments'>,
  actor: Actor | undefined,
  request: CheckoutRequest,
): Promise<{ order: Order; approveUrl: string }> {
  const { userId, gift, code, lines, covered, totalMinor } = await priceRequest(deps, actor, request);
  const currency = deps.config.currency;
  const orderId = await reserveOrderId(deps.db);
  const invoiceId = `SN-${orderId}-${crypto.randomBytes(6).toString('hex')}`;
  const origin = deps.config.appOrigin;
  const created = await callProvider(() =>
    deps.payments.createOrder({
      orderId,
      invoiceId,
      currency: currency.code,
      // PayPal's item list says which license a line is, besides the personal one.
      items: lines.map((l) => ({
        sku: l.sku,
        name: l.license === 'personal' ? l.name : `${l.name} (${l.license} license)`,
        priceMinor: l.priceMinor,
      })),
      totalMinor,
      returnUrl: `${origin}/checkout/return`,
      cancelUrl: `${origin}/checkout/cancel`,
    }),
  );
  // Checked again under the buyer's lock: of two concurrent checkouts for one track, one is stored.
  // The other's PayPal order is never stored, so nobody can capture (and pay) it.
  const order = await withTransaction(deps.db, async (tx) => {
    await lockBuyerOrders(tx, userId);
    if (!gift) await refuseDoublePayment({ ...deps, db: tx }, userId, lines, covered);
    const held = code && (await holdDiscountCode(tx, code.id, userId, deps.clock()));
    const money = (minor: number) => formatMinor(minor, currency);
    const stored = await insertOrder(tx, {
      id: orderId,
      userId,
      paypalOrderId: created.paypalOrderId,
      amount: money(totalMinor),
      currency: currency.code,
      description: lines.length === 1 ? lines[0]!.name : `${lines.length} items`,
      invoiceId,
      approveUrl: created.approveUrl,
      gift: request.gift,
      items: lines.map((l) => ({
        trackId: l.trackId,
        releaseId: l.releaseId,
        price: money(l.priceMinor),
        license: l.license,
        streamingDays: l.streamingDays,
        minimumPrice: money(l.minimumMinor),
        discountAmount: money(l.discountMinor),
        extraAmount: money(l.extraMinor),
        discountCodeId: l.discountCodeId,
        licenseTerms: l.licenseTerms,
      })),
    });
    await held?.reserve(orderId);
    return stored;
  });
  return { order, approveUrl: created.approveUrl };
}

/**
 * What an order would cost, line by line, without creating it: the cart
 * shows a discount code's effect before the buyer pays. The same rules and
 * refusals as creating the order; nothing is reserved or sent to PayPal.
 */
export async function quoteCheckout(
  deps: Pick<ServiceDeps, 'db' | 'clock' | 'config'>,
  actor: Actor | undefined,
  request: CheckoutRequest,
): Promise<{ lines: PricedLine[]; totalMinor: number }> {
  const { lines, totalMinor } = await priceRequest(deps, actor, request);
  return { lines, totalMinor };
}

/** A request priced and checked as an order would be: the buyer, the usable code, the lines and what they cover. */
async function priceRequest(deps: Pick<ServiceDeps, 'db' | 'clock' | 'config'>, actor: Actor | undefined, request: CheckoutRequest) {
  const { userId } = requireSignedIn(actor);
  const gift = request.gift !== undefined;
  const code = request.discountCode === undefined ? undefined : await usableDiscountCode(deps, request.discountCode, userId);
  const { lines, covered } = await priceLines(deps, userId, request.items, { code, gift });
  if (!gift) await refuseDoublePayment(deps, userId, lines, covered);
  return { userId, gift, code, lines, covered, totalMinor: lines.reduce((sum, line) => sum + line.priceMinor, 0) };
}

/** The licenses a buyer may already hold that make buying `wanted` pointless: a pass never does (buying one renews it). */
const COVERING: Record<LicenseType, LicenseType[]> = {
  personal: ['personal', 'commercial'],
  commercial: ['commercial'],
  streaming: ['personal', 'commercial'],
};

/**
 * A buyer pays for a track at most once: not for a track they own, not for a
 * release whose every track they own, and not while another of their
 * orders covering one of the tracks can still be paid (409 with that order,
 * so the buyer can finish it instead).
 */
async function refuseDoublePayment(
  deps: { db: Queryable; clock: Clock },
  userId: number,
  lines: PricedLine[],
  covered: Map<number, number | undefined>,
): Promise<void> {
  const byLicense = new Map<LicenseType, Set<number>>();
  const ownedUnder = async (license: LicenseType) => {
    if (!byLicense.has(license))
      byLicense.set(license, new Set(await ownedTrackIds(deps.db, userId, [...covered.keys()], deps.clock(), COVERING[license])));
    return byLicense.get(license)!;
  };
  for (const line of lines.filter((l) => l.trackId !== undefined)) {
    if ((await ownedUnder(line.license)).has(line.trackId!)) throw fail('already_owned');
  }
  for (const line of lines.filter((l) => l.releaseId !== undefined)) {
    const owned = await ownedUnder(line.license);
    const its = [...covered].filter(([, releaseId]) => releaseId === line.releaseId).map(([trackId]) => trackId);
    if (its.every((trackId) => owned.has(trackId))) throw fail('release_owned', { details: { releaseId: line.releaseId } });
  }
  const open = await findOpenOrderCovering(deps.db, userId, [...covered.keys()]);
  if (open) {
    throw fail('order_open', {
      details: {
        orderId: open.id,
        approveUrl: open.approveUrl,
      },
    });
  }
}
