import { amount, clock, minor, money, price, useCurrency } from '../../public/ts/lib/format';

// The browser's money and time formats (public/ts/lib/format.ts): exact minor units, never floats, in the store's currency.
describe('front-end formats', () => {
  afterEach(() => useCurrency('EUR', 2));

  it('turns decimal strings into integer minor units and back without rounding errors', () => {
    expect(['0.99', '1.29', '0.1', '12', '0.00', '9999.99'].map(minor)).toEqual([99, 129, 10, 1200, 0, 999_999]);
    expect(money(['0.99', '0.99', '0.99'].map(minor).reduce((a, b) => a + b, 0))).toBe('€2.97');
    expect([money(5), money(100), money(123_456)]).toEqual(['€0.05', '€1.00', '€1,234.56']);
  });

  it('shows amounts in a whole-unit store currency without decimals', () => {
    useCurrency('JPY', 0);
    expect([minor('1200'), minor('1200.00')]).toEqual([1200, 1200]);
    expect(() => minor('12.50')).toThrow(RangeError);
    expect([money(1200), amount('500.00')]).toEqual(['¥1,200', '¥500']);
  });

  it('shows "Free" for free tracks, "or more" for name-your-price, and clock times for durations', () => {
    expect(price({ isFree: true, priceEur: '0.00' })).toBe('Free');
    expect(price({ isFree: false, priceEur: '1.5' })).toBe('€1.50');
    expect(price({ isFree: false, priceEur: '5.00', priceModel: 'name_your_price', price: '5.00' })).toBe('€5.00 or more');
    expect(price({ isFree: false, priceEur: '0.00', priceModel: 'name_your_price', price: '0.00' })).toBe('Name your price');
    expect([clock(0), clock(4.99), clock(75.4), clock(3600), clock(NaN), clock(-1)]).toEqual([
      '0:00',
      '0:04',
      '1:15',
      '60:00',
      '0:00',
      '0:00',
    ]);
  });
});
