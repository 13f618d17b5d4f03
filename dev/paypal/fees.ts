import { currencyOf as knownCurrency, formatMinor, toMinor, type CurrencyCode } from '../../contract/money';

const currencyOf = (code: string) => knownCurrency(code as CurrencyCode);

/**
 * What the stand-in's PayPal keeps: a percentage and a fixed fee per
 * transaction, like PayPal's standard rate for commercial payments (here
 * 3.49 % + 0.35 in the currency's major unit; whole units for currencies
 * without minor units). A refund returns the percentage part and keeps the
 * fixed part, as PayPal does for most markets. Shown to the store as the
 * capture's `seller_receivable_breakdown` and the refund's
 * `seller_payable_breakdown`.
 */

const PERCENT_BP = 349;
const FIXED_MAJOR = 0.35;

const fixedMinor = (currency: string) => {
  const c = currencyOf(currency);
  return Math.max(1, Math.round(FIXED_MAJOR * 10 ** c.decimals));
};
const percentMinor = (grossMinor: number) => Math.round((grossMinor * PERCENT_BP) / 10_000);

const money = (minor: number, currency: string) => ({ currency_code: currency, value: formatMinor(minor, currencyOf(currency)) });

export function captureBreakdown(amount: { currency_code: string; value: string }) {
  const gross = toMinor(amount.value, currencyOf(amount.currency_code));
  const fee = Math.min(gross, percentMinor(gross) + fixedMinor(amount.currency_code));
  return {
    gross_amount: amount,
    paypal_fee: money(fee, amount.currency_code),
    net_amount: money(gross - fee, amount.currency_code),
  };
}

export function refundBreakdown(amount: { currency_code: string; value: string }) {
  const gross = toMinor(amount.value, currencyOf(amount.currency_code));
  const kept = Math.min(gross, percentMinor(gross) + fixedMinor(amount.currency_code));
  const returned = Math.max(0, kept - fixedMinor(amount.currency_code));
  return {
    gross_amount: amount,
    paypal_fee: money(returned, amount.currency_code),
    net_amount: money(gross - returned, amount.currency_code),
    total_refunded_amount: amount,
  };
}

/**
 * What a capture leaves in the merchant's PayPal balance, in minor units: its net while completed; after
 * the full refund, the refund's net taken back too (the merchant is left short of the fee PayPal kept).
 */
export function balanceOfCapture(capture: { status: string; amount: { currency_code: string; value: string } }): number {
  const currency = currencyOf(capture.amount.currency_code);
  const net = toMinor(captureBreakdown(capture.amount).net_amount.value, currency);
  if (capture.status === 'COMPLETED') return net;
  if (capture.status === 'REFUNDED') return net - toMinor(refundBreakdown(capture.amount).net_amount.value, currency);
  return 0;
}
