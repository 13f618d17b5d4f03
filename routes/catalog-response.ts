import crypto from 'node:crypto';
import type { Request, RequestHandler, Response } from 'express';
import { parseCookies, sessionCookieName } from '../server/cookies';
import type { RouteDeps } from './deps';

/**
 * How the storefront's public reads answer (listings, track and release
 * pages, genres, artist pages): JSON with a strong ETag over the exact bytes
 * and 304 for a client that has them.
 *
 * - Anonymous: `Cache-Control: public, max-age=N, stale-while-revalidate=2N`
 *   (LISTING_MAX_AGE_S, 5 s by default), so a browser or CDN may keep it and a
 *   publish shows within seconds; and the serialised answer is kept in this
 *   server's memory (keyed by the normalised query) until the change feed
 *   reports a catalogue change, or LISTING_CACHE_TTL_S passes.
 * - Signed in: built every time, `private, no-cache` (`private, no-store` for
 *   what only its artist may see). It is never read from or written to the
 *   anonymous cache.
 *
 * Every answer carries `Vary: Cookie`: the same URL answers differently
 * with a session.
 */

interface Built {
  body: Buffer;
  etag: string;
}

interface Answer extends Built {
  isPublic: boolean;
}

/** What the early answer looks an anonymous request up by: its URL exactly as sent. */
const urlKey = (req: Request) => `url:${req.originalUrl}`;

/** What the route builds: the JSON, and whether anyone may see it (false: a draft shown to its artist). */
interface CatalogJson {
  json: unknown;
  isPublic?: boolean;
}

function serialise(json: unknown): Built {
  const body = Buffer.from(JSON.stringify(json));
  return { body, etag: `"${crypto.createHash('sha256').update(body).digest('base64url').slice(0, 32)}"` };
}

/** Whether If-None-Match names this ETag (weak comparison, as RFC 9110 asks for this header). */
export function matchesEtag(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  if (header.trim() === '*') return true;
  return header.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag);
}

export async function sendCatalogJson(
  deps: Pick<RouteDeps, 'listingResponses' | 'config'>,
  req: Request,
  res: Response,
  key: string,
  build: () => Promise<CatalogJson>,
): Promise<void> {
  const anonymous = !req.actor;
  const make = async () => {
    const made = await build();
    return { ...serialise(made.json), isPublic: made.isPublic !== false };
  };
  const cache = anonymous ? deps.listingResponses : undefined;
  const answer: Answer = cache ? await cache.get(key, make, urlKey(req)) : await make();
  writeAnswer(deps, req, res, answer, anonymous);
}

function writeAnswer(deps: Pick<RouteDeps, 'config'>, req: Request, res: Response, answer: Answer, anonymous: boolean): void {
  const maxAge = deps.config.listingCache.maxAgeSeconds;
  res.set({
    ETag: answer.etag,
    Vary: 'Cookie',
    'Cache-Control': !answer.isPublic
      ? 'private, no-store'
      : anonymous
        ? `public, max-age=${maxAge}, stale-while-revalidate=${2 * maxAge}`
        : 'private, no-cache',
  });
  if (matchesEtag(req.headers['if-none-match'], answer.etag)) return void res.status(304).end();
  // The bytes as they are (express's send would look at them again); HEAD gets the headers only.
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.setHeader('Content-Length', answer.body.length);
  res.end(answer.body);
}

/**
 * Answers a repeated anonymous storefront read from memory as early as the
 * app can: after the request id, the access log, the security headers and
 * the rate limit, before the body parsers, the session lookup and the
 * routers. The same bytes and headers as the route's answer (it stored them
 * under the URL as sent); anything else — a session cookie, a miss, another
 * method — goes on to the routes.
 */
export function earlyCatalogAnswers(deps: Pick<RouteDeps, 'listingResponses' | 'config'>): RequestHandler {
  const cache = deps.listingResponses;
  const sessionCookie = sessionCookieName(deps.config);
  return (req, res, next) => {
    if (!cache || (req.method !== 'GET' && req.method !== 'HEAD') || !req.path.startsWith('/api/')) return next();
    if (req.headers.cookie && parseCookies(req.headers.cookie).has(sessionCookie)) return next();
    const answer = cache.peek(urlKey(req)) as Answer | undefined;
    if (!answer) return next();
    writeAnswer(deps, req, res, answer, true);
  };
}
