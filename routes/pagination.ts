import type { Request } from 'express';
import { z } from 'zod';
import { parseInput } from '../lib/errors';
import type { Page } from '../lib/page';
import type { Listing, ListingRequest } from '../services/catalog/listing';

/** The largest page any list serves. */
export const MAX_PAGE_SIZE = 100;

/**
 * The query fields of every paginated route, to spread into its schema:
 * `page` (from 1) and `pageSize` (1 to 100; `limit` is accepted as another
 * name for it, as the catalogue always has).
 */
export const pageFields = {
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).optional(),
  limit: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).optional(),
};

/** The page a parsed query asks for, `defaultSize` rows when it names no size. */
export function pageOf(query: { page: number; pageSize?: number; limit?: number }, defaultSize: number): Page {
  return { page: query.page, pageSize: query.pageSize ?? query.limit ?? defaultSize };
}

/** The query of a route whose only query fields are the page's. */
export const pageQuery = z.object(pageFields);

/** The page a request's query asks for (a route whose query has only the page fields). */
export const requestedPage = (req: Request, defaultSize: number): Page => pageOf(parseInput(pageQuery, req.query, 'query'), defaultSize);

/** What a paginated answer carries beside its rows (`limit` repeats `pageSize` for older clients). */
export const presentPage = (page: Page, total: number) => ({ page: page.page, pageSize: page.pageSize, limit: page.pageSize, total });

/**
 * The query fields of a public listing: the page fields, and `after`, the
 * cursor a page hands out as `nextCursor` (it wins over `page`).
 */
export const listingFields = { ...pageFields, after: z.string().min(1).max(300).optional() };

/** What a parsed listing query asks for, `defaultSize` rows when it names no size. */
export const listingRequestOf = (
  query: { page: number; pageSize?: number; limit?: number; after?: string },
  defaultSize: number,
): ListingRequest => ({ ...pageOf(query, defaultSize), after: query.after });

/** What a listing's answer carries beside its rows: the page fields, and where the next page starts. */
export const presentListing = (listing: Listing<unknown>) => ({
  ...presentPage({ page: listing.page, pageSize: listing.pageSize }, listing.total),
  nextCursor: listing.nextCursor,
});
