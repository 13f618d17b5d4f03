import fc from 'fast-check';
import { currencyOf, displayMoney, formatMinor, toMinor, PAYPAL_CURRENCIES } from '../../contract/money';
import type { Offer } from '../../db/repos/offer';
import { AppError } from '../../lib/errors';
import { discountOn, priceLine } from '../../services/pricing/line-price';
import { applyOfferInput, defaultOffer } from '../../services/pricing/offer';
import { CODE_ALPHABET, newCode, normaliseCode } from '../../services/pricing/code-words';

/** The pricing rules for every input: a line's parts always add up, a discount never takes more than it says. */

const EUR = currencyOf('EUR');
const JPY = currencyOf('JPY');
const rules = { currency: EUR, priceMaximumMinor: 50_000 };
const minorAmount = fc.integer({ min: 0, max: 50_000 });
const discount = fc.oneof(
  fc.constant(undefined),
  fc.record({ percentOff: fc.integer({ min: 1, max: 100 }), amountOffMinor: fc.constant(null) }),
  fc.record({ percentOff: fc.constant(null), amountOffMinor: fc.integer({ min: 1, max: 60_000 }) }),
);
const offerOf = (model: Offer['priceModel'], minor: number): Offer => ({
  ...defaultOffer('track', EUR),
  priceModel: model,
  priceEur: formatMinor(minor, EUR),
});

describe('the pricing rules', () => {
  it('make every line exactly minimum - discount + extra, never below the discounted minimum nor a discount above its word', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('fixed', 'name_your_price' as const),
        minorAmount,
        fc.option(minorAmount, { nil: undefined }),
        discount,
        (model, min, offered, off) => {
          const offer = offerOf(model, min);
          const amountMinor = model === 'name_your_price' ? offered : undefined;
          let line;
          try {
            line = priceLine(offer, { license: 'personal', amountMinor }, off, rules);
          } catch (err) {
            // Refused only for an amount under the (discounted) minimum.
            expect((err as AppError).code).toBe('amount_too_low');
            expect(amountMinor).toBeLessThan(min - discountOn(min, off));
            return;
          }
          expect(line.priceMinor).toBe(line.minimumMinor - line.discountMinor + line.extraMinor);
          expect(line.minimumMinor).toBe(min);
          expect(line.discountMinor).toBeGreaterThanOrEqual(0);
          expect(line.discountMinor).toBeLessThanOrEqual(min);
          if (off?.percentOff) expect(line.discountMinor * 100).toBeLessThanOrEqual(min * off.percentOff);
          if (off?.amountOffMinor) expect(line.discountMinor).toBeLessThanOrEqual(off.amountOffMinor);
          expect(line.extraMinor).toBeGreaterThanOrEqual(0);
          if (model === 'fixed') expect(line.extraMinor).toBe(0);
        },
      ),
    );
  });

  it('price each license as the rules say, and refuse what an item does not offer, with its reason', () => {
    const refusal = (f: () => unknown) => {
      try {
        f();
      } catch (err) {
        const e = err as AppError;
        return { code: e.code, message: e.message, details: e.details };
      }
      throw new Error('not refused');
    };
    const nyp = offerOf('name_your_price', 500);
    const licensed: Offer = { ...offerOf('fixed', 200), commercialPrice: '25.00', streamingPrice: '3.50', streamingDays: 30 };
    // A percentage off is rounded down: 15 % of 2.99 is 0.4485 → 0.44.
    expect(discountOn(299, { percentOff: 15, amountOffMinor: null })).toBe(44);
    expect(discountOn(299, { percentOff: null, amountOffMinor: 100 })).toBe(100);
    expect(discountOn(299, { percentOff: null, amountOffMinor: null })).toBe(0);
    expect(priceLine(offerOf('free', 0), { license: 'personal', amountMinor: undefined }, undefined, rules)).toMatchObject({
      minimumMinor: 0,
      priceMinor: 0,
    });
    expect(priceLine(offerOf('free', 300), { license: 'personal', amountMinor: undefined }, undefined, rules).priceMinor).toBe(0);
    // Name your price: 7.00 offered over a 5.00 minimum lowered by 20 % to 4.00.
    expect(priceLine(nyp, { license: 'personal', amountMinor: 700 }, { percentOff: 20, amountOffMinor: null }, rules)).toEqual({
      license: 'personal',
      minimumMinor: 500,
      discountMinor: 100,
      extraMinor: 300,
      priceMinor: 700,
      streamingDays: null,
    });
    expect(priceLine(licensed, { license: 'commercial', amountMinor: undefined }, undefined, rules)).toMatchObject({
      minimumMinor: 2500,
      priceMinor: 2500,
      streamingDays: null,
    });
    expect(priceLine(licensed, { license: 'streaming', amountMinor: undefined }, undefined, rules)).toMatchObject({
      minimumMinor: 350,
      priceMinor: 350,
      streamingDays: 30,
    });
    expect(refusal(() => priceLine(offerOf('fixed', 200), { license: 'personal', amountMinor: 300 }, undefined, rules))).toMatchObject({
      code: 'invalid_value',
      message: 'An amount is only for name-your-price items (personal license).',
    });
    expect(
      refusal(() => priceLine({ ...nyp, commercialPrice: '9.00' }, { license: 'commercial', amountMinor: 900 }, undefined, rules)),
    ).toMatchObject({ code: 'invalid_value' });
    expect(refusal(() => priceLine(offerOf('fixed', 200), { license: 'commercial', amountMinor: undefined }, undefined, rules))).toEqual({
      code: 'license_not_offered',
      message: expect.any(String),
      details: { license: 'commercial' },
    });
    for (const partial of [
      { streamingPrice: null, streamingDays: 30 },
      { streamingPrice: '3.50', streamingDays: null },
    ])
      expect(
        refusal(() =>
          priceLine({ ...offerOf('fixed', 200), ...partial }, { license: 'streaming', amountMinor: undefined }, undefined, rules),
        ),
      ).toEqual({ code: 'license_not_offered', message: expect.any(String), details: { license: 'streaming' } });
    expect(refusal(() => priceLine(nyp, { license: 'personal', amountMinor: 499 }, undefined, rules))).toEqual({
      code: 'amount_too_low',
      message: 'The amount is below this item’s minimum of 5.00 EUR.',
      details: { minimum: '5.00' },
    });
    expect(priceLine(nyp, { license: 'personal', amountMinor: 50_000 }, undefined, rules).priceMinor).toBe(50_000);
    expect(refusal(() => priceLine(nyp, { license: 'personal', amountMinor: 50_001 }, undefined, rules))).toEqual({
      code: 'amount_too_high',
      message: 'One item can cost at most 500.00 EUR.',
      details: { maximum: '500.00' },
    });
  });

  it('keep a stored offer consistent whatever an edit sends', () => {
    const amount = fc.integer({ min: 0, max: 60_000 }).map((m) => formatMinor(m, EUR));
    fc.assert(
      fc.property(
        fc.record(
          {
            priceModel: fc.constantFrom('fixed', 'name_your_price', 'free' as const),
            price: amount,
            suggestedPrice: fc.option(amount, { nil: null }),
            streamingPrice: fc.option(amount, { nil: null }),
          },
          { requiredKeys: [] },
        ),
        (input) => {
          let offer: Offer;
          try {
            offer = applyOfferInput(defaultOffer('release', EUR), input, rules);
          } catch (err) {
            expect((err as AppError).code).toBe('invalid_value');
            return;
          }
          const asking = toMinor(offer.priceEur, EUR);
          expect(asking).toBeLessThanOrEqual(rules.priceMaximumMinor);
          if (offer.priceModel === 'free') expect(asking).toBe(0);
          if (offer.priceModel === 'fixed') expect(asking).toBeGreaterThan(0);
          if (offer.suggestedPrice !== null) {
            expect(offer.priceModel).toBe('name_your_price');
            expect(toMinor(offer.suggestedPrice, EUR)).toBeGreaterThanOrEqual(asking);
          }
          expect(offer.streamingDays === null).toBe(offer.streamingPrice === null);
        },
      ),
    );
  });

  it('convert amounts exactly in every PayPal currency, whole units where PayPal takes no decimals', () => {
    fc.assert(
      fc.property(fc.constantFrom(...PAYPAL_CURRENCIES), fc.integer({ min: 0, max: 9_999_999_999 }), (code, minor) => {
        const currency = currencyOf(code);
        const text = formatMinor(minor, currency);
        expect(toMinor(text, currency)).toBe(minor);
        expect(text.includes('.')).toBe(currency.decimals === 2);
      }),
    );
    expect(() => toMinor('12.50', JPY)).toThrow(RangeError);
    expect([toMinor('1200.00', JPY), formatMinor(1200, JPY), displayMoney(123_456, JPY)]).toEqual([1200, '1200', '¥123,456']);
    expect(() => applyOfferInput(defaultOffer('track', JPY), { price: '99.5' }, { currency: JPY, priceMaximumMinor: 50_000 })).toThrow(
      AppError,
    );
  });

  it('make download codes of the unambiguous alphabet that read back in any case, with or without hyphens', () => {
    fc.assert(
      fc.property(fc.integer(), () => {
        const code = newCode();
        const plain = code.replace(/-/g, '');
        expect([...plain].every((c) => CODE_ALPHABET.includes(c))).toBe(true);
        expect(normaliseCode(code.toLowerCase())).toBe(plain);
        expect(normaliseCode(` ${plain.slice(0, 6)} ${plain.slice(6)} `)).toBe(plain);
      }),
      { numRuns: 200 },
    );
    expect([normaliseCode('O0O0-1111-IIII'), normaliseCode('ABCD-EFGH'), normaliseCode('')]).toEqual([undefined, undefined, undefined]);
  });
});
