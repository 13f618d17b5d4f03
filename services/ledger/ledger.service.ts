import type { Tx } from '../../db/pool';
import { appendLedgerEntries, platformFeeOverrides, saleEntriesOf, soldLinesOf, taxRateOn } from '../../db/repos/ledger.repo';
import type { Order } from '../../db/repos/orders.repo';
import { currencyNamed } from '../../lib/money';
import type { ServiceDeps } from '../deps';
import { refundEntries, saleEntries } from './ledger-entries';

/**
 * Writes the ledger, inside the transaction that changes the order's status
 * (so an order is completed or refunded exactly when its entries exist, and
 * a retried settlement appends nothing twice: one entry per line and kind).
 */

type Deps = Pick<ServiceDeps, 'config'>;

/** The VAT country and rate of a sale: the buyer's (else the store's) country, at its rate on the day; none when not charging VAT or the country has no rate (outside the EU). */
async function taxOf(tx: Tx, deps: Deps, country: string | null, day: Date) {
  if (deps.config.ledger.taxMode !== 'inclusive' || !country) return null;
  const rateBp = await taxRateOn(tx, country, day);
  return rateBp === undefined ? null : { country, rateBp };
}

export interface RecordedSale {
  buyerCountry: string | null;
  /** PayPal gave no payer country: the store's own country decided the VAT. */
  storeCountry: boolean;
  /** Whether PayPal told its fee (without a seller_receivable_breakdown the ledger records 0). */
  feeKnown: boolean;
}

/**
 * The sale entries of an order being completed from PayPal's capture:
 * `feeMinor` is what PayPal kept (its seller_receivable_breakdown), the
 * payer's country decides the VAT. Resolves to the buyer country recorded.
 */
export async function recordSale(
  tx: Tx,
  deps: Deps,
  order: Order,
  capture: { id: string; feeMinor: number | undefined; payerCountry: string | undefined; at: Date },
): Promise<RecordedSale> {
  const currency = currencyNamed(order.currency);
  if (!currency) throw new Error(`order ${order.id} is in ${order.currency}, which PayPal does not take`);
  const lines = await soldLinesOf(tx, order.id, 10 ** currency.decimals);
  const storeCountry = capture.payerCountry === undefined && deps.config.ledger.storeCountry !== undefined;
  const buyerCountry = capture.payerCountry ?? deps.config.ledger.storeCountry ?? null;
  const overrides = await platformFeeOverrides(tx, [...new Set(lines.flatMap((l) => (l.artistUserId === null ? [] : [l.artistUserId])))]);
  const entries = saleEntries(lines, {
    orderId: order.id,
    currency: currency.code,
    feeMinor: capture.feeMinor ?? 0,
    captureId: capture.id,
    occurredAt: capture.at,
    buyerCountry,
    tax: await taxOf(tx, deps, buyerCountry, capture.at),
    platformBp: (artist) =>
      artist === null ? deps.config.ledger.platformFeeBp : (overrides.get(artist) ?? deps.config.ledger.platformFeeBp),
  });
  await appendLedgerEntries(tx, entries);
  return { buyerCountry, storeCountry, feeKnown: capture.feeMinor !== undefined };
}

/** The negating entries of a refunded (or reversed) order; PayPal's returned fee as its refund says (none for a reversal). */
export async function recordRefund(
  tx: Tx,
  order: Order,
  refund: { refundId: string | null; feeReturnedMinor: number; at: Date },
): Promise<void> {
  const sales = await saleEntriesOf(tx, order.id);
  await appendLedgerEntries(
    tx,
    refundEntries(sales, { feeReturnedMinor: refund.feeReturnedMinor, refundId: refund.refundId, occurredAt: refund.at }),
  );
}
