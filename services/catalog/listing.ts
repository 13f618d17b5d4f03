import { MAX_OFFSET_ROWS } from '../../lib/page';
import type { KeysetPage, PagePosition } from '../../db/keyset';
import { fail } from '../../lib/errors';
import type { ServiceDeps } from '../deps';
import { decodeCursor, encodeCursor, listingScope } from './listing-cursor';

/**
 * How every public listing (tracks, releases, an artist's tracks) pages:
 * page numbers for the first pages, then the cursor each page hands out
 * (`nextCursor`, sent back as `after`), whose page costs what the first
 * costs at any depth. The total is counted once per filter and kept until
 * the catalogue changes (the change feed empties the count cache), so a
 * page asks the database one query, not a page and a count.
 */

export { MAX_OFFSET_ROWS };

/** What a client asks: a page number, or the cursor of the page before (which then decides the page number). */
export interface ListingRequest {
  page: number;
  pageSize: number;
  after?: string;
}

export interface Listing<T> {
  items: T[];
  page: number;
  pageSize: number;
  /** Exact when counted; counted again once the catalogue changes. */
  total: number;
  /** Where the next page starts; null on the last page. */
  nextCursor: string | null;
}

/** One listing: its name and filter (what its cursors and count belong to), and how to read it. */
export interface ListingSource<T> {
  list: string;
  filter: object;
  sort: string;
  page: (position: PagePosition) => Promise<KeysetPage<T>>;
  count: () => Promise<number>;
}

/**
 * One page of a listing.
 * @throws AppError 400 invalid_cursor for a cursor that is not this listing's, 400 page_too_deep past MAX_OFFSET_ROWS by page number.
 */
export async function listingPage<T>(
  deps: Pick<ServiceDeps, 'db' | 'listingCounts'>,
  source: ListingSource<T>,
  request: ListingRequest,
): Promise<Listing<T>> {
  const scope = listingScope([source.list, source.filter, source.sort, request.pageSize]);
  let page = request.page;
  let position: PagePosition;
  if (request.after) {
    const cursor = await decodeCursor(deps.db, scope, request.after);
    page = cursor.page;
    position = { limit: request.pageSize, offset: 0, after: cursor.after };
  } else {
    const offset = (page - 1) * request.pageSize;
    if (offset > MAX_OFFSET_ROWS) throw fail('page_too_deep');
    position = { limit: request.pageSize, offset };
  }
  const countKey = JSON.stringify([source.list, source.filter]);
  const [rows, total] = await Promise.all([
    source.page(position),
    deps.listingCounts ? deps.listingCounts.get(countKey, source.count) : source.count(),
  ]);
  const nextCursor = rows.next ? await encodeCursor(deps.db, scope, { after: rows.next, page: page + 1 }) : null;
  return { items: rows.rows, page, pageSize: request.pageSize, total, nextCursor };
}
