import { Router, type RequestHandler } from 'express';
import type { RouteDeps } from './deps';
import { issuePlayToken } from '../services/plays/plays.service';
import { downloadSource } from '../services/streaming/stream.service';
import { streamingSource } from '../services/renditions/streaming-rendition';
import { sendAudio } from './audio-response';
import { idParam, requestMeta } from './request';
import { z } from 'zod';
import { DOWNLOAD_FORMATS } from '../contract/api';
import { parseInput } from '../lib/errors';
import { renditionDownload, trackFormats } from '../services/renditions/rendition.service';
import { doc } from './api-doc';

/** `quality=original`: the master itself rather than the streaming rendition of a lossless master. */
const streamQuery = z.object({ quality: z.enum(['stream', 'original']).default('stream') }).loose();
const downloadQuery = z.object({ format: z.enum(DOWNLOAD_FORMATS).default('original') }).strict();

/**
 * Listening and downloading: every byte of audio goes through these two
 * routes. `before`: what runs ahead of them in the same router (the session
 * lookup the app gives them).
 */
export function streamRoutes(deps: RouteDeps, before: RequestHandler[] = []): Router {
  const router = Router();
  if (before.length) router.use(...before);

  const stream: RequestHandler = async (req, res) => {
    const id = idParam(req);
    const { quality } = parseInput(streamQuery, req.query, 'query');
    const source = await streamingSource(deps, req.actor, id, quality);
    // What a counted play report must show: this store served this track to this listener.
    res.set('X-Play-Token', await issuePlayToken(deps, req.actor, id, requestMeta(req)));
    await sendAudio(deps, req, res, source);
  };
  router.get(
    '/api/tracks/:id/stream',
    doc({
      summary: 'Listen: the full track to its owners, the preview to others (ranges)',
      access: 'anyone',
      response: { status: 200, contentType: 'audio/*' },
    }),
    stream,
  );
  router.head(
    '/api/tracks/:id/stream',
    doc({ summary: 'The stream’s headers alone (length, validators, play token), as the player asks first', access: 'anyone' }),
    stream,
  );

  // ?format= one of DOWNLOAD_FORMATS: the original as uploaded (the default), or a rendition of a lossless master,
  // sent at once when made, else prepared by a job: 202 until it is ready (poll again after Retry-After).
  router.get(
    '/api/tracks/:id/download',
    doc({
      summary: 'Download a track in a format (202 while it is made)',
      access: 'owner',
      query: downloadQuery,
      response: { status: 200, contentType: 'audio/*' },
    }),
    async (req, res) => {
      const id = idParam(req);
      const { format } = parseInput(downloadQuery, req.query, 'query');
      if (format === 'original') {
        const source = await downloadSource(deps, req.actor, id);
        return sendAudio(deps, req, res, source, { attachment: source.filename });
      }
      const result = await renditionDownload(deps, req.actor, id, format);
      if ('preparing' in result)
        return void res.status(202).set({ 'Retry-After': '3', 'Cache-Control': 'no-store' }).json({ status: 'preparing', format });
      await sendAudio(deps, req, res, result.ready, { attachment: result.ready.filename });
    },
  );

  router.get(
    '/api/tracks/:id/formats',
    doc({ summary: "A track's download formats and their state", access: 'anyone' }),
    async (req, res) => {
      res.set('Cache-Control', 'no-store').json({ formats: await trackFormats(deps, req.actor, idParam(req)) });
    },
  );

  return router;
}
