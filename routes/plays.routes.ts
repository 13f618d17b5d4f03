import { Router } from 'express';
import { z } from 'zod';
import type { RouteDeps } from './deps';
import { PLAY_TOKEN_PATTERN } from '../services/plays/play-token';
import { recordPlay } from '../services/plays/plays.service';
import { parseInput } from '../lib/errors';
import { createLimiter, type RateLimitBackend } from '../server/middleware/rate-limit';
import { requestMeta } from './request';
import { doc } from './api-doc';

const playBody = z
  .object({
    trackId: z.number().int().positive().max(2_147_483_647),
    durationPlayedSeconds: z.number().finite().min(0).max(86_400),
    playToken: z.string().max(64).regex(PLAY_TOKEN_PATTERN, 'must be the X-Play-Token of the stream response'),
    sessionId: z
      .string()
      .regex(/^[A-Za-z0-9_-]{8,64}$/, 'must be 8 to 64 letters, digits, _ or -')
      .optional(),
    deviceType: z.enum(['web', 'mobile', 'desktop']).default('web'),
  })
  .strict();

/** Play reports from the player. */
export function playRoutes(deps: RouteDeps, limits: RateLimitBackend): Router {
  const router = Router();
  const perListener = createLimiter(limits, {
    name: 'plays',
    whenDown: 'allow',
    windowMs: 60_000,
    limit: deps.config.playsPerMinute,
    message: 'Too many play reports. Try again in a minute.',
  });

  router.post(
    '/api/plays',
    doc({ summary: "Report a play (with the stream's play token)", access: 'anyone', body: playBody, response: { status: 202 } }),
    perListener,
    async (req, res) => {
      const play = parseInput(playBody, req.body, 'body');
      await recordPlay(deps, req.actor, play, requestMeta(req));
      res.status(202).json({ status: 'accepted' });
    },
  );

  return router;
}
