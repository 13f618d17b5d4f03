import type { RequestHandler } from 'express';
import type { FeedCache } from '../../services/feed-cache';

/** Where the studio, the admin and a listener becoming an artist change what the storefront shows. */
export const CATALOG_WRITE_PATHS = ['/api/artist', '/api/admin', '/api/me/artist'];

/** Where purchases are made, revoked or redeemed: checkout and its webhooks, refunds, codes, free items. */
export const PURCHASE_WRITE_PATHS = ['/api/checkout', '/api/webhooks', '/api/admin', '/api/redeem', '/api/library'];

/**
 * Empties this server's caches as a write here answers, before its response
 * leaves: the client's next request, on this server, sees the change even if
 * the database's notification (which empties every server's caches) has not
 * arrived yet. A write that failed changes nothing and empties nothing.
 */
export function flushOnWrite(caches: (FeedCache | undefined)[]): RequestHandler {
  return (req, res, next) => {
    if (req.method === 'GET' || req.method === 'HEAD') return next();
    const end = res.end.bind(res) as (...args: unknown[]) => typeof res;
    res.end = ((...args: unknown[]) => {
      if (res.statusCode < 400) for (const cache of caches) cache?.flush();
      return end(...args);
    }) as typeof res.end;
    next();
  };
}
