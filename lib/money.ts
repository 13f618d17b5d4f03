import { toCents } from '../contract/money';

/**
 * Money in code is integer cents or exact decimal strings ("2.97"), never a
 * float. The conversions are the contract's (the browser uses the same
 * ones); this adds the server's reading of amounts from outside.
 */
export { formatCents, toCents } from '../contract/money';

/** Cents of a decimal amount string, or undefined when it is not one (for amounts from outside, e.g. PayPal's). */
export function parseCents(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
  try {
    return toCents(value);
  } catch {
    return undefined;
  }
}
