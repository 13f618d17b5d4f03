import { pipeline } from 'node:stream/promises';
import type { Request, Response } from 'express';
import type { RouteDeps } from './deps';
import { evaluateRange, noneMatch } from '../services/streaming/ranges';
import type { AudioSource } from '../services/streaming/stream.service';
import { fail } from '../lib/errors';

/** Ranges up to this many bytes are read into memory and sent at once. */
const WHOLE_READ_MAX = 1024 * 1024;

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
 * services/streaming/ranges.ts), HEAD without a body, and the bytes
 * streamed from storage with backpressure. A client that goes away destroys
 * the pipeline, which closes the file (or the S3 GET) at once.
 */
export async function sendRanged(
  deps: RouteDeps,
  req: Request,
  res: Response,
  source: RangedFile,
  disposition: { attachment?: string } = {},
): Promise<void> {
  const size = source.sizeBytes || (await deps.storage.size(source.key));
  res.set({
    'Accept-Ranges': 'bytes',
    'Content-Type': source.mime,
    ETag: source.etag,
    'Last-Modified': source.lastModified.toUTCString(),
  });
  if (disposition.attachment) {
    const ascii = disposition.attachment.replace(/[^\x20-\x7e]/g, '_').replace(/"/g, "'");
    res.set('Content-Disposition', `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(disposition.attachment)}`);
  }
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
  const range =
    decision.kind === 'partial' ? { start: decision.start, end: decision.end } : size > 0 ? { start: 0, end: size - 1 } : undefined;
  if (decision.kind === 'partial') res.status(206).set('Content-Range', `bytes ${decision.start}-${decision.end}/${size}`);
  res.set('Content-Length', String(range ? range.end - range.start + 1 : 0));
  if (req.method === 'HEAD' || !range) {
    res.end();
    return;
  }
  // A player's range requests (a few hundred KiB each) are read whole and sent in one
  // write; larger ones stream with backpressure, so memory stays bounded.
  if (range.end - range.start < WHOLE_READ_MAX) {
    res.end(await deps.storage.readRange(source.key, range));
    return;
  }
  try {
    await pipeline(deps.storage.createReadStream(source.key, range), res);
  } catch (err) {
    // The listener closed the connection (seeking, skipping): nothing to answer.
    if ((err as NodeJS.ErrnoException).code === 'ERR_STREAM_PREMATURE_CLOSE' || res.destroyed) return;
    throw err;
  }
}
