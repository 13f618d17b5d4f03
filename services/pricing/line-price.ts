import type { LicenseType } from '../../contract/api';
import type { Offer } from '../../db/repos/offer';
import { fail } from '../../lib/errors';
import { formatMinor, toMinor } from '../../lib/money';
import type { PriceRules } from './offer';

/**
 * What one order line costs: pure rules, the same for tracks and releases.
 *
 * - The personal license costs the item's price: fixed, or for
 *   name-your-price what the buyer offers — at least the minimum, at most the
 *   store's maximum (the buyer's amount defaults to the minimum).
 * - A commercial license or a streaming pass costs its own fixed price.
 * - A discount takes off a percentage (rounded down to a whole minor unit:
 *   it never takes more than it says) or a fixed amount, never more than the
 *   line's minimum. On name-your-price it lowers the minimum (Bandcamp's
 *   rule): the buyer may pay anything from the lowered minimum up.
 *
 * price = minimum - discount + extra, exactly, in minor units.
 */

export interface Discount {
  percentOff: number | null;
  /** Minor units. */
  amountOffMinor: number | null;
}

export interface LinePrice {
  license: LicenseType;
  /** The least the line could cost before a discount. */
  minimumMinor: number;
  discountMinor: number;
  /** What the buyer chose to pay above the (discounted) minimum. */
  extraMinor: number;
  priceMinor: number;
  /** A streaming pass's days; null for other licenses. */
  streamingDays: number | null;
}

/** What a discount takes off an amount. */
export function discountOn(minimumMinor: number, discount: Discount | undefined): number {
  if (!discount) return 0;
  const off = discount.percentOff !== null ? Math.floor((minimumMinor * discount.percentOff) / 100) : (discount.amountOffMinor ?? 0);
  return Math.min(off, minimumMinor);
}

export function priceLine(
  offer: Offer,
  choice: { license: LicenseType; amountMinor: number | undefined },
  discount: Discount | undefined,
  rules: PriceRules,
): LinePrice {
  const minor = (value: string) => toMinor(value, rules.currency);
  const nameYourPrice = choice.license === 'personal' && offer.priceModel === 'name_your_price';
  if (choice.amountMinor !== undefined && !nameYourPrice)
    throw fail('invalid_value', { message: 'An amount is only for name-your-price items (personal license).' });

  let minimumMinor: number;
  let streamingDays: number | null = null;
  if (choice.license === 'personal') {
    minimumMinor = offer.priceModel === 'free' ? 0 : minor(offer.priceEur);
  } else if (choice.license === 'commercial') {
    if (offer.commercialPrice === null) throw fail('license_not_offered', { details: { license: 'commercial' } });
    minimumMinor = minor(offer.commercialPrice);
  } else {
    if (offer.streamingPrice === null || offer.streamingDays === null)
      throw fail('license_not_offered', { details: { license: 'streaming' } });
    minimumMinor = minor(offer.streamingPrice);
    streamingDays = offer.streamingDays;
  }

  const discountMinor = discountOn(minimumMinor, discount);
  const floor = minimumMinor - discountMinor;
  const paid = nameYourPrice ? (choice.amountMinor ?? floor) : floor;
  if (paid < floor)
    throw fail('amount_too_low', {
      message: `The amount is below this item’s minimum of ${formatMinor(floor, rules.currency)} ${rules.currency.code}.`,
      details: { minimum: formatMinor(floor, rules.currency) },
    });
  if (nameYourPrice && paid > rules.priceMaximumMinor)
    throw fail('amount_too_high', {
      message: `One item can cost at most ${formatMinor(rules.priceMaximumMinor, rules.currency)} ${rules.currency.code}.`,
      details: { maximum: formatMinor(rules.priceMaximumMinor, rules.currency) },
    });
  return { license: choice.license, minimumMinor, discountMinor, extraMinor: paid - floor, priceMinor: paid, streamingDays };
}
