/** One page of a list, as every paginated route asks for it: page numbers from 1. */
export interface Page {
  page: number;
  pageSize: number;
}

/** Rows to skip before the page. */
export const offsetOf = (page: Page): number => (page.page - 1) * page.pageSize;

/** Rows a public listing's page number may skip (the contract's, so the browser's pager knows it too). */
export { MAX_OFFSET_ROWS } from '../contract/api';
