import type { ApiOffer } from '../contract/api';
import type { Offer } from '../db/repos/offer';

/** The offer of a track or release, in the API's names. */
export function presentOffer(offer: Offer): ApiOffer & { priceEur: string } {
  return {
    priceModel: offer.priceModel,
    price: offer.priceEur,
    priceEur: offer.priceEur,
    minimumPrice: offer.priceModel === 'name_your_price' ? offer.priceEur : null,
    suggestedPrice: offer.suggestedPrice,
    licenses: {
      commercial: offer.commercialPrice === null ? null : { price: offer.commercialPrice, terms: offer.commercialTerms },
      streaming:
        offer.streamingPrice === null || offer.streamingDays === null ? null : { price: offer.streamingPrice, days: offer.streamingDays },
    },
  };
}
