import crypto from 'node:crypto';
import type { Request, Response } from 'express';
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

/** What the route builds: the JSON, and whether anyone may see it (false: a draft shown to its artist). */
export interface CatalogJson {
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
  const answer = cache ? await cache.get(key, make) : await make();
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
