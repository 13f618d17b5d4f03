import crypto from 'node:crypto';
import { hasEntitlingPurchase } from '../../db/repos/purchases.repo';
import { findTrackById } from '../../db/repos/tracks.repo';
import { fail, previewUnavailable, trackNotFound } from '../../lib/errors';
import type { Actor } from '../actor';
import type { RequestMeta, ServiceDeps } from '../deps';
import { accessTo } from '../streaming/stream.service';
import { PLAY_CLOCK_SLACK_S } from './play-token';

export interface PlayInput {
  trackId: number;
  durationPlayedSeconds: number;
  /** The X-Play-Token of the stream response this play came from. */
  playToken: string;
  /** The player's own id for its tab: recorded, but it never makes a new listener. */
  sessionId?: string;
  deviceType: 'web' | 'mobile' | 'desktop';
}

/** A play counts once it reaches 30 seconds, or half of a track shorter than a minute. */
export function qualifies(playedSeconds: number, trackSeconds: number | null): boolean {
  const threshold = trackSeconds !== null && trackSeconds < 60 ? trackSeconds / 2 : 30;
  return playedSeconds >= threshold;
}

/**
 * Who a listener is for counting: the signed-in user, else the client's
 * address (a digest, never the address itself). Nothing the client chooses
 * makes a new listener, so one address counts at most one play of a track
 * per 30 minutes however many player sessions it claims.
 */
export function listenerOf(actor: Actor | undefined, meta: RequestMeta): string {
  return actor
    ? `u:${actor.userId}`
    : `ip:${crypto
        .createHash('sha256')
        .update(meta.ipAddress ?? '')
        .digest('hex')
        .slice(0, 32)}`;
}

/** The token a stream response carries for this listener and track (see play-token.ts). */
export function issuePlayToken(
  deps: Pick<ServiceDeps, 'playTokens' | 'clock'>,
  actor: Actor | undefined,
  trackId: number,
  meta: RequestMeta,
): Promise<string> {
  return deps.playTokens.issue(trackId, listenerOf(actor, meta), deps.clock());
}

/**
 * Accepts a play report. It must carry a play token this store issued to
 * this listener for this track; the server decides what the listener could
 * have heard (preview or full track, and no more seconds than have passed
 * since the token was issued), clamps the duration to it, and decides
 * whether the listener is a paying one. The play is buffered and written in
 * a batch (see PlayRecorder), where the 30-minute rule applies per listener.
 * @throws AppError 400 play_token_invalid for a missing, forged, foreign or stale token.
 */
export async function recordPlay(deps: ServiceDeps, actor: Actor | undefined, input: PlayInput, meta: RequestMeta): Promise<void> {
  const listenerKey = listenerOf(actor, meta);
  const now = deps.clock();
  const token = await deps.playTokens.verify(input.playToken, input.trackId, listenerKey, now);
  if (!token) throw fail('play_token_invalid');
  const track = await findTrackById(deps.db, input.trackId);
  if (!track) throw trackNotFound();
  const { level: access, bought } = await accessTo(deps, actor, track);
  if (access === 'preview' && !track.previewFilename) throw previewUnavailable();
  const audible = (access === 'full' ? track.durationSeconds : track.previewSeconds) ?? Infinity;
  const played = Math.max(0, Math.floor(Math.min(input.durationPlayedSeconds, audible, token.elapsedSeconds + PLAY_CLOCK_SLACK_S)));
  deps.plays.add({
    trackId: track.id,
    userId: actor?.userId ?? null,
    listenerKey,
    sessionId: input.sessionId ?? null,
    deviceType: input.deviceType,
    durationPlayedSeconds: played,
    // Reuses the purchase lookup when deciding access already made it.
    isPaidUser: bought ?? (actor ? await hasEntitlingPurchase(deps.db, actor.userId, track.id, now) : false),
    isPreview: access === 'preview',
    qualifies: qualifies(played, track.durationSeconds),
    playedAt: now,
  });
}
