import { currencyOf, formatMinor, PAYPAL_CURRENCIES, toMinor, type Currency, type CurrencyCode } from '../contract/money';

/**
 * Money in code is integer minor units or exact decimal strings ("2.97",
 * "1200"), never a float. The conversions are the contract's (the browser
 * uses the same ones); this adds the server's reading of amounts from outside.
 */
export {
  currencyOf,
  displayMoney,
  EUR,
  formatMinor,
  PAYPAL_CURRENCIES,
  toMinor,
  type Currency,
  type CurrencyCode,
} from '../contract/money';

/** The currency of an ISO 4217 code PayPal takes, or undefined. */
export function currencyNamed(code: unknown): Currency | undefined {
  return typeof code === 'string' && (PAYPAL_CURRENCIES as readonly string[]).includes(code) ? currencyOf(code as CurrencyCode) : undefined;
}

/** Minor units of an amount from outside (e.g. PayPal's) in the named currency, or undefined when either is not one. */
export function parseMinor(value: unknown, code: unknown): number | undefined {
  const currency = currencyNamed(code);
  if (typeof value !== 'string' || !currency) return undefined;
  try {
    return toMinor(value, currency);
  } catch {
    return undefined;
  }
}

/** Minor units as a decimal string in the named currency ("12.34", yen "1500"); the bare number for a code PayPal does not take. */
export function formatMinorIn(minor: number, code: string): string {
  const currency = currencyNamed(code);
  return currency ? formatMinor(minor, currency) : String(minor);
}
