import crypto from 'node:crypto';
import { withTransaction, type Queryable } from '../../db/pool';
import { findOpenOrderCovering, insertOrder, lockBuyerOrders, reserveOrderId, type Order } from '../../db/repos/orders.repo';
import { ownedTrackIds } from '../../db/repos/purchases.repo';
import { findTracksByIds } from '../../db/repos/tracks.repo';
import { findReleasesByIds, findTracksOfReleases } from '../../db/repos/releases.repo';
import { fail } from '../../lib/errors';
import type { Clock } from '../../lib/clock';
import { requireSignedIn, type Actor } from '../actor';
import type { ServiceDeps } from '../deps';
import { callProvider } from '../payments/gateway-errors';
import { formatCents, toCents } from '../../lib/money';

export const CHECKOUT_CURRENCY = 'EUR';
/** Most lines (tracks and releases) in one order: PayPal's item list and our statement stay readable. */
export const MAX_ORDER_TRACKS = 50;

/** What a buyer puts in an order: a track, or a whole release. */
export interface CheckoutItem {
  kind: 'track' | 'release';
  id: number;
}

interface PricedLine {
  trackId?: number;
  releaseId?: number;
  sku: string;
  name: string;
  priceCents: number;
}

/**
 * Starts a purchase of tracks and releases. Every track must be published,
 * not deleted, not free, not the buyer's own nor already theirs; every
 * release published, with tracks, priced, not the buyer's own, and not one
 * whose every track they already own (409 release_owned). A track that a
 * release in the same order holds is bought with the release, not twice.
 * No track the order covers may be in another open order of the buyer's.
 * Prices come from the database only. The PayPal order (intent CAPTURE, one
 * item per line, item_total breakdown, custom_id = our order id, a unique
 * invoice_id) is created first and the order stored after, so a failed call
 * leaves nothing behind.
 */
export async function createCheckoutOrder(
  deps: Pick<ServiceDeps, 'db' | 'clock' | 'config' | 'payments'>,
  actor: Actor | undefined,
  wanted: CheckoutItem[],
): Promise<{ order: Order; approveUrl: string }> {
  const { userId } = requireSignedIn(actor);
  const { lines, covered } = await priceLines(deps, userId, wanted);
  await refuseDoublePayment(deps, userId, lines, covered);

  const totalCents = lines.reduce((sum, line) => sum + line.priceCents, 0);
  const orderId = await reserveOrderId(deps.db);
  const invoiceId = `SN-${orderId}-${crypto.randomBytes(6).toString('hex')}`;
  const origin = deps.config.appOrigin;
  const created = await callProvider(() =>
    deps.payments.createOrder({
      orderId,
      invoiceId,
      currency: CHECKOUT_CURRENCY,
      items: lines.map(({ sku, name, priceCents }) => ({ sku, name, priceCents })),
      totalCents,
      returnUrl: `${origin}/checkout/return`,
      cancelUrl: `${origin}/checkout/cancel`,
    }),
  );
  // Checked again under the buyer's lock: of two concurrent checkouts for one track, one is stored.
  // The other's PayPal order is never stored, so nobody can capture (and pay) it.
  const order = await withTransaction(deps.db, async (tx) => {
    await lockBuyerOrders(tx, userId);
    await refuseDoublePayment({ ...deps, db: tx }, userId, lines, covered);
    return insertOrder(tx, {
      id: orderId,
      userId,
      paypalOrderId: created.paypalOrderId,
      amount: formatCents(totalCents),
      currency: CHECKOUT_CURRENCY,
      description: lines.length === 1 ? lines[0]!.name : `${lines.length} items`,
      invoiceId,
      approveUrl: created.approveUrl,
      items: lines.map((l) => ({ trackId: l.trackId, releaseId: l.releaseId, price: formatCents(l.priceCents) })),
    });
  });
  return { order, approveUrl: created.approveUrl };
}

/** The order's lines, priced from the database, and every track they cover (release lines: the release's tracks now). */
async function priceLines(
  deps: Pick<ServiceDeps, 'db'>,
  userId: number,
  wanted: CheckoutItem[],
): Promise<{ lines: PricedLine[]; covered: Map<number, number | undefined> }> {
  const ids = (kind: CheckoutItem['kind']) => [...new Set(wanted.filter((w) => w.kind === kind).map((w) => w.id))].sort((a, b) => a - b);
  const releaseIds = ids('release');
  const releases = await findReleasesByIds(deps.db, releaseIds);
  const members = await findTracksOfReleases(deps.db, releaseIds);
  const unavailableReleases = releaseIds.filter((id) => {
    const r = releases.find((release) => release.id === id);
    return !r || !r.isPublished || r.isDeleted || r.trackCount === 0 || toCents(r.priceEur) === 0;
  });
  if (unavailableReleases.length) throw fail('release_unavailable', { details: { releaseIds: unavailableReleases } });
  if (releases.some((r) => r.artistUserId === userId)) throw fail('already_owned');

  // A track that a release in this order holds is bought with the release.
  const trackIds = ids('track').filter((id) => !members.some((m) => m.id === id));
  const tracks = await findTracksByIds(deps.db, trackIds);
  const unavailable = trackIds.filter((id) => !tracks.some((t) => t.id === id && t.isPublished && !t.isDeleted));
  if (unavailable.length) throw fail('track_unavailable', { details: { trackIds: unavailable } });
  const free = tracks.filter((t) => t.isFree || toCents(t.priceEur) === 0).map((t) => t.id);
  if (free.length) throw fail('track_free', { details: { trackIds: free } });
  if (tracks.some((t) => t.artistUserId === userId)) throw fail('already_owned');
  if (releaseIds.length + trackIds.length > MAX_ORDER_TRACKS)
    throw fail('invalid_value', { message: `An order holds at most ${MAX_ORDER_TRACKS} items.` });

  const lines: PricedLine[] = [
    ...releases.map((r) => ({
      releaseId: r.id,
      sku: `release-${r.id}`,
      name: `${r.artistName ?? ''} – ${r.title}`,
      priceCents: toCents(r.priceEur),
    })),
    ...tracks.map((t) => ({ trackId: t.id, sku: `track-${t.id}`, name: `${t.artist} – ${t.name}`, priceCents: toCents(t.priceEur) })),
  ];
  // Each covered track, and the release line that covers it (undefined: a track line).
  const covered = new Map<number, number | undefined>([
    ...members.map((m) => [m.id, m.releaseId!] as const),
    ...tracks.map((t) => [t.id, undefined] as const),
  ]);
  return { lines, covered };
}

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
  const owned = new Set(await ownedTrackIds(deps.db, userId, [...covered.keys()], deps.clock()));
  if ([...covered].some(([trackId, releaseId]) => releaseId === undefined && owned.has(trackId))) throw fail('already_owned');
  for (const line of lines.filter((l) => l.releaseId !== undefined)) {
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
