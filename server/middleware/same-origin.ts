import type { RequestHandler } from 'express';
import { fail } from '../../lib/errors';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Refuses state-changing requests that a browser sent from another site.
 * Browsers mark every request with Sec-Fetch-Site and put Origin on
 * cross-origin and non-GET requests, so either header betrays a foreign page;
 * a request with neither comes from a non-browser client (curl, a script),
 * which cookies-based CSRF cannot involve. Paths under `exemptPrefixes`
 * (webhooks) are verified by their own signatures instead.
 */
export function sameOrigin(appOrigin: string, exemptPrefixes: readonly string[] = []): RequestHandler {
  return (req, _res, next) => {
    if (SAFE_METHODS.has(req.method) || exemptPrefixes.some((p) => req.path.startsWith(p))) return next();
    const fetchSite = req.get('sec-fetch-site');
    if (fetchSite !== undefined && fetchSite !== 'same-origin' && fetchSite !== 'none') {
      return next(fail('cross_origin_request', { message: 'This request must come from the store itself.' }));
    }
    const origin = req.get('origin');
    if (origin !== undefined && origin !== appOrigin) {
      return next(fail('cross_origin_request', { message: 'This request must come from the store itself.' }));
    }
    next();
  };
}
