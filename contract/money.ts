/**
 * Money in code is an integer number of the currency's minor units (cents;
 * whole yen) or the exact decimal strings PostgreSQL and PayPal use ("2.97",
 * "1200"), never a float. These are the only conversions, the same on the
 * server and in the browser. The store sells in one currency, chosen by its
 * operator (STORE_CURRENCY); amounts are never converted.
 */

/** The currencies PayPal takes payments in. */
export const PAYPAL_CURRENCIES = [
  'AUD',
  'BRL',
  'CAD',
  'CHF',
  'CNY',
  'CZK',
  'DKK',
  'EUR',
  'GBP',
  'HKD',
  'HUF',
  'ILS',
  'JPY',
  'MXN',
  'MYR',
  'NOK',
  'NZD',
  'PHP',
  'PLN',
  'SEK',
  'SGD',
  'THB',
  'TWD',
  'USD',
] as const;
export type CurrencyCode = (typeof PAYPAL_CURRENCIES)[number];

/** PayPal refuses decimals in these (an amount like "1.50" is an error). */
const WHOLE_UNIT_CURRENCIES: ReadonlySet<string> = new Set(['HUF', 'JPY', 'TWD']);

export interface Currency {
  code: CurrencyCode;
  /** Digits after the decimal point: 2, or 0 for HUF, JPY and TWD. */
  decimals: 0 | 2;
}

export function currencyOf(code: CurrencyCode): Currency {
  return { code, decimals: WHOLE_UNIT_CURRENCIES.has(code) ? 0 : 2 };
}

export const EUR = currencyOf('EUR');

/**
 * Minor units of a decimal amount string: "0.99" → 99 (EUR), "1200" → 1200
 * (JPY). Up to two decimals are read (PostgreSQL's NUMERIC(10,2) writes
 * "1200.00" for yen too), but an amount the currency cannot hold ("12.50"
 * yen) is a RangeError, as is anything that is not a plain amount.
 */
export function toMinor(value: string, currency: Currency): number {
  const match = /^(\d{1,10})(?:\.(\d{1,2}))?$/.exec(value);
  if (!match) throw new RangeError(`not a money amount: ${JSON.stringify(value)}`);
  const fraction = (match[2] ?? '').padEnd(2, '0');
  if (currency.decimals === 0) {
    if (fraction !== '00') throw new RangeError(`${currency.code} amounts are whole: ${JSON.stringify(value)}`);
    return Number(match[1]);
  }
  return Number(match[1]) * 100 + Number(fraction);
}

/** The exact decimal string of an amount, with the currency's decimals: 297 → "2.97" (EUR), 1200 → "1200" (JPY). */
export function formatMinor(minor: number, currency: Currency): string {
  if (!Number.isSafeInteger(minor) || minor < 0) throw new RangeError(`not a non-negative whole amount: ${minor}`);
  if (currency.decimals === 0) return String(minor);
  return `${Math.floor(minor / 100)}.${String(minor % 100).padStart(2, '0')}`;
}

/** An amount for people to read, in their locale's way: 297 → "€2.97", 1200 → "¥1,200". */
export function displayMoney(minor: number, currency: Currency, locale = 'en'): string {
  const format = new Intl.NumberFormat(locale, {
    style: 'currency',
    currency: currency.code,
    minimumFractionDigits: currency.decimals,
    maximumFractionDigits: currency.decimals,
  });
  // The exact decimal string, not a float: Intl formats numeric strings exactly.
  return format.format(formatMinor(minor, currency) as unknown as number);
}
