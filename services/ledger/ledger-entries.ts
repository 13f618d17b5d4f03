import type { LedgerEntry, SoldLine } from '../../db/repos/ledger.repo';

export type { LedgerEntry, SoldLine };

/**
 * The ledger's arithmetic, pure: what each sold order line brought and where
 * it went, in integer minor units, so that every entry's parts add up to its
 * gross and an order's entries add up to what PayPal captured — exactly,
 * for every input (test/unit/ledger-rules.test.ts checks it over random
 * orders).
 */

/**
 * Splits `total` (≥ 0) in proportion to `weights` (≥ 0) into integers that
 * sum to `total` exactly: each gets the floor of its share, and what is left
 * goes one unit at a time to the largest remainders (earlier lines first on
 * a tie). No weight at all: split evenly the same way.
 */
export function apportion(total: number, weights: number[]): number[] {
  if (weights.length === 0) return [];
  const sum = weights.reduce((a, b) => a + b, 0);
  const basis = sum > 0 ? weights : weights.map(() => 1);
  const basisSum = sum > 0 ? sum : weights.length;
  const shares = basis.map((w) => Math.floor((total * w) / basisSum));
  const remainders = basis.map((w, i) => ({ i, r: (total * w) % basisSum }));
  let left = total - shares.reduce((a, b) => a + b, 0);
  remainders.sort((a, b) => b.r - a.r || a.i - b.i);
  for (const { i } of remainders) {
    if (left <= 0) break;
    shares[i]!++;
    left--;
  }
  return shares;
}

/** The VAT inside a tax-inclusive price: gross − gross / (1 + rate), the net rounded half up (€10.00 at 19 % → €1.60). */
export function inclusiveTax(grossMinor: number, rateBp: number): number {
  if (rateBp <= 0) return 0; // no VAT (the formula below gives 0 for it too; this keeps a nonsensical negative rate out)
  const net = Math.floor((grossMinor * 10_000 * 2 + (10_000 + rateBp)) / (2 * (10_000 + rateBp)));
  return grossMinor - net;
}

export interface SaleContext {
  orderId: number;
  currency: string;
  /** PayPal's fee for the whole capture (0 when PayPal did not tell it). */
  feeMinor: number;
  captureId: string | null;
  occurredAt: Date;
  buyerCountry: string | null;
  /** The VAT of the sale, or null when none is charged. */
  tax: { country: string; rateBp: number } | null;
  /** The platform's share of each artist's sales after tax, in basis points. */
  platformBp: (artistUserId: number | null) => number;
}

/**
 * The sale entries of a completed order: PayPal's fee apportioned over the
 * lines by their price (largest remainder), the tax inside each price, the
 * platform's fee on what is left after tax, the artist's net the rest —
 * never below zero (on a tiny price the platform bears PayPal's fixed fee).
 */
export function saleEntries(lines: SoldLine[], ctx: SaleContext): LedgerEntry[] {
  const fees = apportion(
    ctx.feeMinor,
    lines.map((l) => l.priceMinor),
  );
  return lines.map((line, i) => {
    const gross = line.priceMinor;
    const tax = ctx.tax ? inclusiveTax(gross, ctx.tax.rateBp) : 0;
    const fee = fees[i]!;
    const platformWanted = Math.round(((gross - tax) * ctx.platformBp(line.artistUserId)) / 10_000);
    const net = Math.max(0, gross - tax - fee - platformWanted);
    return {
      entryKind: 'sale',
      orderId: ctx.orderId,
      orderItemId: line.orderItemId,
      artistUserId: line.artistUserId,
      itemKind: line.itemKind,
      itemId: line.itemId,
      itemTitle: line.itemTitle,
      licenseType: line.licenseType,
      currency: ctx.currency,
      grossMinor: gross,
      taxMinor: tax,
      paypalFeeMinor: fee,
      platformFeeMinor: gross - tax - fee - net,
      artistNetMinor: net,
      minimumMinor: line.minimumMinor,
      discountMinor: line.discountMinor,
      extraMinor: line.extraMinor,
      discountCode: line.discountCode,
      taxCountry: ctx.tax?.country ?? null,
      taxRateBp: ctx.tax?.rateBp ?? 0,
      buyerCountry: ctx.buyerCountry,
      paypalTransactionId: ctx.captureId,
      occurredAt: ctx.occurredAt,
    };
  });
}

/** −n, never −0 (a free line's refund is 0, as a sum or a comparison expects). */
const negated = (n: number) => (n === 0 ? 0 : -n);

/**
 * The entries that undo an order's sale entries on a full refund or
 * reversal: every amount negated — except PayPal's fee, of which only what
 * PayPal gave back (apportioned like the fee was) returns. The artist's net
 * for the line comes to zero; the fee PayPal keeps is the platform's loss.
 */
export function refundEntries(
  sales: LedgerEntry[],
  refund: { feeReturnedMinor: number; refundId: string | null; occurredAt: Date },
): LedgerEntry[] {
  const totalFee = sales.reduce((a, s) => a + s.paypalFeeMinor, 0);
  const returned = apportion(
    Math.min(refund.feeReturnedMinor, totalFee),
    sales.map((s) => s.paypalFeeMinor),
  );
  return sales.map((sale, i) => {
    const fee = negated(returned[i]!);
    const gross = negated(sale.grossMinor);
    const tax = negated(sale.taxMinor);
    const net = negated(sale.artistNetMinor);
    return {
      ...sale,
      entryKind: 'refund',
      grossMinor: gross,
      taxMinor: tax,
      paypalFeeMinor: fee,
      platformFeeMinor: gross - tax - fee - net,
      artistNetMinor: net,
      paypalTransactionId: refund.refundId,
      occurredAt: refund.occurredAt,
    };
  });
}
