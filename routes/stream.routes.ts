import { Router, type RequestHandler } from 'express';
import type { RouteDeps } from './deps';
import { issuePlayToken } from '../services/plays/plays.service';
import { downloadSource, streamSource } from '../services/streaming/stream.service';
import { sendAudio } from './audio-response';
import { idParam, requestMeta } from './request';

/** Listening and downloading: every byte of audio goes through these two routes. */
export function streamRoutes(deps: RouteDeps): Router {
  const router = Router();

  const stream: RequestHandler = async (req, res) => {
    const id = idParam(req);
    const source = await streamSource(deps, req.actor, id);
    // What a counted play report must show: this store served this track to this listener.
    res.set('X-Play-Token', await issuePlayToken(deps, req.actor, id, requestMeta(req)));
    await sendAudio(deps, req, res, source);
  };
  router.get('/api/tracks/:id/stream', stream);
  router.head('/api/tracks/:id/stream', stream);

  router.get('/api/tracks/:id/download', async (req, res) => {
    const id = idParam(req);
    const source = await downloadSource(deps, req.actor, id);
    await sendAudio(deps, req, res, source, { attachment: source.filename });
  });

  return router;
}
