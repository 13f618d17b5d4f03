import type { Request, Response } from 'express';
import type { RouteDeps } from './deps';
import { evaluateRange, noneMatch, type RangeDecision } from '../services/streaming/ranges';
import { assertKey } from '../services/storage/storage';
import type { AudioSource } from '../services/streaming/stream.service';
import { fail } from '../lib/errors';
import { sendStoredBytes } from './audio-bytes';

/** A stored file sent with ranges: what it is and its validators. */
export interface RangedFile {
  key: string;
  /** 0: ask the storage. */
  sizeBytes: number;
  mime: string;
  etag: string;
  lastModified: Date;
}

/**
 * Sends audio the services decided this request may have: the audio
 * headers, then the bytes as sendRanged sends them.
 */
export async function sendAudio(
  deps: RouteDeps,
  req: Request,
  res: Response,
  source: AudioSource,
  disposition: { attachment?: string } = {},
): Promise<void> {
  res.set({
    // Paid audio is never stored by shared caches; what a request gets depends on who asks.
    // no-cache: the browser asks again each time, so a purchase or a refund shows at once
    // instead of a heuristically fresh copy of the preview (or of the full file).
    'Cache-Control': 'private, no-cache',
    Vary: 'Cookie',
    'X-Audio-Preview': String(source.isPreview),
    ...(source.isPreview && source.previewSeconds !== null ? { 'X-Audio-Preview-Seconds': source.previewSeconds.toFixed(3) } : {}),
  });
  await sendRanged(deps, req, res, source, disposition);
}

/**
 * Sends a stored file with ranges per RFC 9110 (see
 * services/streaming/ranges.ts) after the route has decided who may have
 * it. Who sends the bytes is DELIVERY's (services decide, never this):
 * - `node`: streamed from storage here with backpressure; a client that goes
 *   away destroys the pipeline, which closes the file (or the S3 GET) at once;
 * - `nginx`: X-Accel-Redirect to the internal location of this key, nginx
 *   sends the file with sendfile and answers the range itself;
 * - `s3`: a GET is redirected to a short-lived presigned URL of this object
 *   (a preview listener's to the preview object: no URL of the full file
 *   reaches them), where the object store answers ranges.
 * HEAD carries no bytes and is answered here in every mode, so the player
 * reads the audio headers (preview, play token) from the app itself.
 */
export async function sendRanged(
  deps: RouteDeps,
  req: Request,
  res: Response,
  source: RangedFile,
  disposition: { attachment?: string } = {},
): Promise<void> {
  const delivery = deps.config.delivery;
  const contentDisposition = disposition.attachment === undefined ? undefined : attachment(disposition.attachment);
  if (delivery.mode === 's3' && req.method === 'GET') return redirectToObject(deps, res, source, contentDisposition);
  const size = source.sizeBytes || (await deps.storage.size(source.key));
  res.set({
    'Content-Type': source.mime,
    ETag: source.etag,
    'Last-Modified': source.lastModified.toUTCString(),
  });
  // nginx announces ranges itself (a second Accept-Ranges would be a duplicate).
  if (delivery.mode !== 'nginx' || req.method === 'HEAD') res.set('Accept-Ranges', 'bytes');
  if (contentDisposition) res.set('Content-Disposition', contentDisposition);
  // RFC 9110 §13.2.2: If-None-Match is evaluated before Range. A revalidating player
  // (responses are no-cache) gets 304 instead of the whole file again.
  if (noneMatch(req.get('if-none-match'), source.etag)) {
    res.status(304).end();
    return;
  }
  const decision = evaluateRange(req.get('range'), size, { etag: source.etag, ifRange: req.get('if-range') });
  if (decision.kind === 'unsatisfiable') {
    throw fail('range_not_satisfiable', { message: `The file is ${size} bytes long.`, headers: { 'Content-Range': `bytes */${size}` } });
  }
  if (delivery.mode === 'nginx' && req.method === 'GET' && size > 0) return handToNginx(res, delivery.nginxLocation, source.key, decision);
  const range =
    decision.kind === 'partial' ? { start: decision.start, end: decision.end } : size > 0 ? { start: 0, end: size - 1 } : undefined;
  if (decision.kind === 'partial') res.status(206).set('Content-Range', `bytes ${decision.start}-${decision.end}/${size}`);
  res.set('Content-Length', String(range ? range.end - range.start + 1 : 0));
  if (req.method === 'HEAD' || !range) {
    res.end();
    return;
  }
  await sendStoredBytes(deps.storage, res, source.key, range);
}

/** `attachment` with an ASCII fallback name and the exact UTF-8 one (RFC 6266). */
function attachment(filename: string): string {
  const ascii = filename.replace(/[^\x20-\x7e]/g, '_').replace(/"/g, "'");
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(filename)}`;
}

/**
 * nginx sends the bytes: `<location><key>` when the range applies (nginx
 * checks If-Range against the ETag the site copies from this answer, the
 * same one this checked), `<location>whole/<key>` — a location with ranges
 * off — when this decided the whole file is due (no Range, one ignored, or
 * an If-Range that no longer matches). The headers set so far are the
 * site's to pass on (deploy/nginx: add_header … $upstream_http_…).
 */
function handToNginx(res: Response, location: string, key: string, decision: RangeDecision): void {
  assertKey(key); // a key is never a path: nothing outside the store can be named
  res.set('X-Accel-Redirect', `${location}${decision.kind === 'partial' ? '' : 'whole/'}${key}`).end();
}

/**
 * 302 to a presigned GET of the object, valid DELIVERY_URL_TTL_S from now.
 * The redirect itself is never stored (it carries a URL that expires, and
 * the next request must be decided again); the object's answer carries the
 * content type, disposition and cache rule this response would have.
 */
async function redirectToObject(deps: RouteDeps, res: Response, source: RangedFile, contentDisposition: string | undefined) {
  if (!deps.storage.presignedGet) throw new Error('DELIVERY=s3 needs a storage that presigns URLs (STORAGE_DRIVER=s3)');
  const url = await deps.storage.presignedGet(source.key, {
    expiresInSeconds: deps.config.delivery.urlTtlSeconds,
    signedAt: deps.clock(),
    contentType: source.mime,
    contentDisposition,
    cacheControl: 'private, no-cache',
  });
  res.set('Cache-Control', 'private, no-store').redirect(302, url);
}
