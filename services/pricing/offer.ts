import { fail } from '../../lib/errors';
import type { PriceModel } from '../../contract/api';
import type { Offer } from '../../db/repos/offer';
import { formatMinor, toMinor, type Currency } from '../../lib/money';

export type { Offer };

/** What the studio sends (the API's names); every field optional, null switches a license off. */
export interface OfferInput {
  priceModel?: PriceModel;
  /** The fixed price; for name-your-price, the same as minimumPrice. `priceEur` is its alias. */
  price?: string;
  minimumPrice?: string;
  suggestedPrice?: string | null;
  commercialPrice?: string | null;
  commercialTerms?: string | null;
  streamingPrice?: string | null;
  streamingDays?: number | null;
  /** Older clients' switch: true is the free model; false leaves a free item at a fixed price. */
  isFree?: boolean;
}

export const DEFAULT_STREAMING_DAYS = 30;

/** A new item's offer before the artist's input: a fixed price (0.99 a track, 7.00 a release; 100 and 700 in whole-unit currencies). */
export function defaultOffer(kind: 'track' | 'release', currency: Currency): Offer {
  const minor = { track: [99, 100], release: [700, 700] }[kind][currency.decimals === 2 ? 0 : 1]!;
  return {
    priceModel: 'fixed',
    priceEur: formatMinor(minor, currency),
    suggestedPrice: null,
    commercialPrice: null,
    commercialTerms: null,
    streamingPrice: null,
    streamingDays: null,
  };
}

export interface PriceRules {
  currency: Currency;
  priceMaximumMinor: number;
}

/**
 * The offer an edit leaves: `input` over `current` (a new item: over the
 * defaults), checked whole. A fixed price of 0 is the free model; a free
 * item costs 0; a suggestion needs name-your-price and is at least the
 * minimum; every amount has the currency's decimals and is at most the
 * store's maximum. 400 invalid_value names the field.
 */
export function applyOfferInput(current: Offer, input: OfferInput, rules: PriceRules): Offer {
  const amount = (field: string, value: string): number => {
    const minor = typedAmount(value, field, rules.currency);
    if (minor > rules.priceMaximumMinor)
      throw invalid(field, `must be at most ${formatMinor(rules.priceMaximumMinor, rules.currency)} ${rules.currency.code}`);
    return minor;
  };
  const stored = (field: string, value: string | null | undefined, fallback: string | null): string | null =>
    value === undefined ? fallback : value === null ? null : formatMinor(amount(field, value), rules.currency);

  const unfree = input.isFree === false && current.priceModel === 'free' ? 'fixed' : current.priceModel;
  let priceModel = input.priceModel ?? (input.isFree ? 'free' : unfree);
  const asking = input.minimumPrice ?? input.price;
  let priceEur =
    asking !== undefined ? stored(input.minimumPrice !== undefined ? 'minimumPrice' : 'price', asking, null)! : current.priceEur;
  // Changing to name-your-price keeps a suggestion only when one is sent or already there.
  let suggestedPrice = stored('suggestedPrice', input.suggestedPrice, current.suggestedPrice);
  if (priceModel === 'fixed' && toMinor(priceEur, rules.currency) === 0) priceModel = 'free';
  if (priceModel === 'free') priceEur = formatMinor(0, rules.currency);
  if (priceModel !== 'name_your_price') suggestedPrice = input.suggestedPrice ? invalidSuggestion() : null;
  else if (suggestedPrice !== null && toMinor(suggestedPrice, rules.currency) < toMinor(priceEur, rules.currency))
    throw invalid('suggestedPrice', 'must be at least the minimum price');

  const commercialPrice = stored('commercialPrice', input.commercialPrice, current.commercialPrice);
  const streamingPrice = stored('streamingPrice', input.streamingPrice, current.streamingPrice);
  for (const [field, value] of [
    ['commercialPrice', commercialPrice],
    ['streamingPrice', streamingPrice],
  ] as const) {
    if (value !== null && toMinor(value, rules.currency) === 0) throw invalid(field, 'must be more than 0 (null offers no such license)');
  }
  const streamingDays = streamingPrice === null ? null : (input.streamingDays ?? current.streamingDays ?? DEFAULT_STREAMING_DAYS);
  const commercialTerms = input.commercialTerms !== undefined ? input.commercialTerms : current.commercialTerms;
  return { priceModel, priceEur, suggestedPrice, commercialPrice, commercialTerms, streamingPrice, streamingDays };
}

/** Minor units of an amount a client typed, in the store currency; 400 invalid_value naming the field when it is not one. */
export function typedAmount(value: string, field: string, currency: Currency): number {
  try {
    return toMinor(value, currency);
  } catch {
    throw invalid(field, `must be an amount in ${currency.code} with ${currency.decimals} decimals`);
  }
}

function invalid(path: string, message: string) {
  return fail('invalid_value', { message: `${path} ${message}.`, details: { issues: [{ path, message }] } });
}

function invalidSuggestion(): never {
  throw invalid('suggestedPrice', 'is only for name-your-price items');
}

/** The fields of an offer that differ from `current`: what an update writes. */
export function changedOffer(current: Offer, next: Offer): Partial<Offer> {
  return Object.fromEntries(Object.entries(next).filter(([key, value]) => current[key as keyof Offer] !== value)) as Partial<Offer>;
}
