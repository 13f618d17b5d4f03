/**
 * Money in code is integer cents or the exact decimal strings PostgreSQL and
 * PayPal use ("2.97"), never a float. These are the only conversions, the
 * same on the server and in the browser.
 */

/** Cents of a decimal amount string with at most two decimals, e.g. "0.99" → 99. */
export function toCents(value: string): number {
  const match = /^(\d{1,10})(?:\.(\d{1,2}))?$/.exec(value);
  if (!match) throw new RangeError(`not a money amount: ${JSON.stringify(value)}`);
  return Number(match[1]) * 100 + Number((match[2] ?? '').padEnd(2, '0'));
}

/** A decimal amount string with exactly two decimals: 297 → "2.97". */
export function formatCents(cents: number): string {
  if (!Number.isSafeInteger(cents) || cents < 0) throw new RangeError(`not a non-negative whole number of cents: ${cents}`);
  return `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`;
}

/** An amount for people to read: 297 → "€2.97". */
export const euros = (cents: number): string => `€${formatCents(cents)}`;
