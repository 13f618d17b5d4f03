import { clock, euros, price, toCents } from '../../public/ts/lib/format';

// The browser's money and time formats (public/ts/lib/format.ts): exact cents, never floats.
describe('front-end formats', () => {
  it('turns decimal euro strings into integer cents and back without rounding errors', () => {
    expect(['0.99', '1.29', '0.1', '12', '0.00', '9999.99'].map(toCents)).toEqual([99, 129, 10, 1200, 0, 999_999]);
    expect(euros(['0.99', '0.99', '0.99'].map(toCents).reduce((a, b) => a + b, 0))).toBe('€2.97');
    expect([euros(5), euros(100), euros(123_456)]).toEqual(['€0.05', '€1.00', '€1234.56']);
  });

  it('shows "Free" for free tracks and clock times for durations', () => {
    expect(price({ isFree: true, priceEur: '0.00' })).toBe('Free');
    expect(price({ isFree: false, priceEur: '1.5' })).toBe('€1.50');
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
