import type { PriceModel } from '../../contract/api';

/**
 * What a track or a release is offered at: a price model, and the licenses
 * beside the personal one — the same columns on both tables. `priceEur` is
 * the asking price in the store currency (the column keeps the seed's name):
 * the fixed price, a name-your-price minimum, or 0 when free.
 */
export interface Offer {
  priceModel: PriceModel;
  priceEur: string;
  suggestedPrice: string | null;
  commercialPrice: string | null;
  commercialTerms: string | null;
  streamingPrice: string | null;
  streamingDays: number | null;
}

/** The offer's fields and their columns, as repos read and write them. */
export const OFFER_COLUMNS: Record<keyof Offer, string> = {
  priceModel: 'price_model',
  priceEur: 'price_eur',
  suggestedPrice: 'suggested_price',
  commercialPrice: 'commercial_price',
  commercialTerms: 'commercial_terms',
  streamingPrice: 'streaming_price',
  streamingDays: 'streaming_days',
};

/** The offer columns for a SELECT list, e.g. "r.price_model, r.price_eur, …" (camelColumns names them). */
export const offerSelect = (alias?: string) =>
  Object.values(OFFER_COLUMNS)
    .map((column) => (alias ? `${alias}.${column}` : column))
    .join(', ');
