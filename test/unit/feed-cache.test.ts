import fc from 'fast-check';
import { FeedCache } from '../../services/feed-cache';
import { matchesEtag } from '../../routes/catalog-response';

describe('FeedCache bounds', () => {
  const live = (options: ConstructorParameters<typeof FeedCache>[0]) => {
    const cache = new FeedCache(options);
    cache.setLive(true);
    return cache;
  };
  const value = (n: number) => async () => n;

  it('drops the least recently used entry when full, not everything', async () => {
    const cache = live({ maxEntries: 3 });
    for (const k of ['a', 'b', 'c']) await cache.get(k, value(1));
    await cache.get('a', value(2)); // a is used again: b is now the oldest
    await cache.get('d', value(1));
    expect(cache.size).toBe(3);
    expect(await cache.get('a', value(9))).toBe(1);
    expect(await cache.get('b', value(9))).toBe(9); // b was dropped, so it loads again
  });

  it('keeps the summed weight under its bound for any sequence of entries, and never stores one heavier than the bound', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 9 }), fc.integer({ min: 0, max: 120 })), { maxLength: 60 }),
        async (puts) => {
          const cache = live({ maxWeight: 100, maxEntries: 5, weigh: (v) => v as number });
          for (const [key, weight] of puts) {
            await cache.get(`k${key}`, value(weight));
            expect(cache.totalWeight).toBeLessThanOrEqual(100);
            expect(cache.size).toBeLessThanOrEqual(5);
          }
          await cache.get('heavy', value(101));
          expect(await cache.get('heavy', value(-1))).toBe(-1);
        },
      ),
    );
  });

  it('keeps nothing with room for no entry', async () => {
    const cache = live({ maxEntries: 0 });
    await cache.get('a', value(1));
    expect(cache.size).toBe(0);
  });

  it('counts no weight after a flush', async () => {
    const cache = live({ maxWeight: 10, weigh: () => 4 });
    await cache.get('a', value(1));
    cache.flush();
    expect(cache.totalWeight).toBe(0);
  });
});

describe('If-None-Match', () => {
  const etag = '"abc"';
  it.each([
    ['"abc"', true],
    ['W/"abc"', true],
    ['"x", "abc"', true],
    ['*', true],
    ['"abcd"', false],
    ['abc', false],
    ['', false],
  ])('%s matches: %s', (header, expected) => {
    expect(matchesEtag(header, etag)).toBe(expected);
  });
  it('an absent header matches nothing', () => {
    expect(matchesEtag(undefined, etag)).toBe(false);
  });
});
