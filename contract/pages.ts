/**
 * The paths the web front end draws. The server answers each with the
 * front end's shell (routes/pages.routes.ts); the browser's router maps each
 * to a view (public/ts/main.ts). `:id` is a database id (an artist's page
 * takes the artist's slug there too).
 */
export const APP_PAGES = [
  '/',
  '/tracks/:id',
  '/releases',
  '/releases/:id',
  '/artists/:id',
  '/signin',
  '/account',
  '/account/email',
  '/cart',
  '/checkout/result',
  '/library',
  '/library/licenses',
  '/redeem',
  '/studio',
  '/studio/tracks/:id',
  '/studio/releases/:id',
  '/admin',
  '/admin/theme',
  '/admin/users',
  '/admin/orders',
  '/admin/money',
  '/admin/audit',
  '/payouts/confirm',
] as const;

export type AppPage = (typeof APP_PAGES)[number];

/**
 * Where a sign-in may lead afterwards: a path of this store only ("/cart"),
 * never another site ("//evil.example", "https://…") or a query.
 */
export const RETURN_PATH = /^\/(?:[A-Za-z0-9_-][A-Za-z0-9/_-]{0,199})?$/;

/** The value when it is such a path, else undefined. */
export function returnPath(value: string | null | undefined): string | undefined {
  return typeof value === 'string' && RETURN_PATH.test(value) ? value : undefined;
}
