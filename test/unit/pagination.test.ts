import { z } from 'zod';
import { offsetOf } from '../../lib/page';
import { pageFields, pageOf, presentPage } from '../../routes/pagination';

const parse = (query: Record<string, string | undefined>) => z.object(pageFields).strict().parse(query);

describe('pagination', () => {
  it('reads page and pageSize, takes limit as another name for pageSize, and falls back to the route’s size', () => {
    expect(pageOf(parse({}), 24)).toEqual({ page: 1, pageSize: 24 });
    expect(pageOf(parse({ page: '3', pageSize: '10' }), 24)).toEqual({ page: 3, pageSize: 10 });
    expect(pageOf(parse({ limit: '7' }), 24)).toEqual({ page: 1, pageSize: 7 });
    expect(pageOf(parse({ pageSize: '5', limit: '7' }), 24)).toEqual({ page: 1, pageSize: 5 });
  });

  it('refuses sizes over 100, pages under 1 and non-numbers', () => {
    for (const bad of [{ pageSize: '101' }, { limit: '0' }, { page: '0' }, { page: 'x' }, { page: '1.5' }]) {
      expect(() => parse(bad)).toThrow();
    }
  });

  it('skips whole pages, and answers with the page, its size under both names, and the total', () => {
    expect(offsetOf({ page: 3, pageSize: 20 })).toBe(40);
    expect(presentPage({ page: 2, pageSize: 10 }, 95)).toEqual({ page: 2, pageSize: 10, limit: 10, total: 95 });
  });
});
