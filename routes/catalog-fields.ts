import { z } from 'zod';
import { PRICE_MODELS, RELEASE_TYPES, TRACK_LICENSES } from '../contract/api';
import type { OfferInput } from '../services/pricing/offer';
import { isValidGtin, normaliseIsrc, normaliseTags } from '../lib/identifiers';

/** The fields tracks and releases share in the studio's API, checked the same way for both. */

/** An amount in the store currency, as a decimal string; its decimals and maximum are checked against the store's currency by the service. */
export const price = z
  .string()
  .trim()
  .regex(/^\d{1,7}(\.\d{1,2})?$/, 'must be an amount like "1.29" or "1200"');

const days = z
  .union([
    z.number(),
    z
      .string()
      .regex(/^\d{1,3}$/)
      .transform(Number),
  ])
  .pipe(z.number().int().min(1).max(365));

/** How a track or release is priced, in the API's names; `priceEur` is `price`'s older alias. */
export const offerFields = {
  priceModel: z.enum(PRICE_MODELS),
  price,
  priceEur: price,
  minimumPrice: price,
  suggestedPrice: price.nullable(),
  commercialPrice: price.nullable(),
  commercialTerms: z.string().trim().max(10000).nullable(),
  streamingPrice: price.nullable(),
  streamingDays: days.nullable(),
};

/** The same, each optional (creating an item: the rest take the defaults). */
export const optionalOfferFields = z.object(offerFields).partial().shape;

type OfferBody = { [K in keyof typeof offerFields]?: z.infer<(typeof offerFields)[K]> };

/** Splits a parsed body into the offer (for the pricing rules) and the other fields. */
export function splitOffer<T extends OfferBody>(body: T): { offer: OfferInput; rest: Omit<T, keyof OfferBody> } {
  const {
    priceModel,
    price,
    priceEur,
    minimumPrice,
    suggestedPrice,
    commercialPrice,
    commercialTerms,
    streamingPrice,
    streamingDays,
    ...rest
  } = body;
  const offer: OfferInput = {
    priceModel,
    price: price ?? priceEur,
    minimumPrice,
    suggestedPrice,
    commercialPrice,
    commercialTerms: commercialTerms === '' ? null : commercialTerms,
    streamingPrice,
    streamingDays,
  };
  return { offer, rest };
}

/** Free text that may be left empty: empty becomes null. */
export const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max)
    .nullable()
    .optional()
    .transform((v) => (v ? v : null));

export const MAX_TAGS = 10;

/** Up to 10 tags of 1–40 characters, normalised; a multipart field sends them comma-separated. */
export const tags = z
  .union([
    z.array(z.string().max(40)),
    z
      .string()
      .max(500)
      .transform((v) => v.split(',')),
  ])
  .transform(normaliseTags)
  .pipe(z.array(z.string().min(1).max(40)).max(MAX_TAGS, `at most ${MAX_TAGS} tags`));

export const isrc = z
  .string()
  .max(20)
  .nullable()
  .transform((v, ctx) => {
    if (v === null || v.trim() === '') return null;
    const stored = normaliseIsrc(v);
    if (!stored) ctx.addIssue({ code: 'custom', message: 'must be an ISRC like "US-RC1-76-07839"' });
    return stored ?? null;
  });

export const upc = z
  .string()
  .trim()
  .max(13)
  .nullable()
  .transform((v) => (v ? v : null))
  .refine((v) => v === null || isValidGtin(v), 'must be a UPC-A (12 digits) or EAN-13 (13 digits) with a valid check digit');

export const license = z.enum(TRACK_LICENSES);
export const releaseType = z.enum(RELEASE_TYPES);

/** A calendar date, YYYY-MM-DD, that exists. */
export const calendarDate = z.iso.date().nullable();

/** An https URL of at most 500 characters. */
export const httpsUrl = z
  .string()
  .trim()
  .max(500)
  .pipe(z.url({ protocol: /^https$/, hostname: z.regexes.domain }));
