import request from 'supertest';
import type { Queryable } from '../../db/pool';
import { PlayTokens } from '../../services/plays/play-token';
import { listenerOf } from '../../services/plays/plays.service';

/** The address supertest's requests come from (its server listens on loopback). */
export const SUPERTEST_IP = '127.0.0.1';

/**
 * A play token as the stream route would have issued it `secondsAgo` ago,
 * to a signed-in user or to an anonymous client at `ip`: lets a test report
 * a long play without waiting for it.
 */
export function playTokenFor(db: Queryable, trackId: number, who: { userId: number } | { ip: string }, secondsAgo = 3600): Promise<string> {
  const listener =
    'userId' in who
      ? listenerOf({ userId: who.userId, role: 'user' }, { ipAddress: null, userAgent: null })
      : listenerOf(undefined, { ipAddress: who.ip, userAgent: null });
  return PlayTokens.fromDatabase(db).issue(trackId, listener, new Date(Date.now() - secondsAgo * 1000));
}

/** POST /api/plays as the player sends it (with the listener's cookie, if any); expects 202. */
export function reportPlay(
  app: Parameters<typeof request>[0],
  play: { trackId: number; seconds: number; playToken: string; cookie?: string; sessionId?: string },
) {
  const req = request(app).post('/api/plays');
  if (play.cookie) req.set('Cookie', play.cookie);
  return req
    .send({ trackId: play.trackId, durationPlayedSeconds: play.seconds, playToken: play.playToken, sessionId: play.sessionId })
    .expect(202);
}
