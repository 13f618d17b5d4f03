import { MAX_OFFSET_ROWS } from '../contract/api.js';
import { pager } from './dom.js';

/** A storefront listing's answer, as the pager needs it. */
export interface ListingPage {
  page: number;
  pageSize: number;
  total: number;
  nextCursor: string | null;
}

/** Where a pager button leads: a page number while the API takes one, else the cursor the page gave. */
export type PageTarget = { page: number; after?: undefined } | { after: string; page?: undefined };

/**
 * The pager under a storefront grid: page numbers for the first pages (short
 * URLs to share), the page's cursor beyond them (a deep page costs the store
 * what the first costs); going back from a cursor page goes back in history.
 * Nothing when everything fits one page.
 */
export function listingPager(list: ListingPage, noun: string, go: (target: PageTarget) => void): HTMLElement | null {
  if (list.total <= list.pageSize) return null;
  const pages = Math.max(1, Math.ceil(list.total / list.pageSize));
  const byNumber = (page: number) => (page - 1) * list.pageSize <= MAX_OFFSET_ROWS;
  return pager(list.page, pages, `${list.total} ${noun}${list.total === 1 ? '' : 's'}`, (n) => {
    if (byNumber(n)) go({ page: n });
    else if (n > list.page && list.nextCursor) go({ after: list.nextCursor });
    else history.back();
  });
}
