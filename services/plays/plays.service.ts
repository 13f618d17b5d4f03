import crypto from 'node:crypto';
import { hasEntitlingPurchase } from '../../db/repos/purchases.repo';
import { findTrackById } from '../../db/repos/tracks.repo';
import { forbidden, notFound } from '../../server/errors';
import type { Actor } from '../actor';
import type { RequestMeta, ServiceDeps } from '../deps';
import { accessTo } from '../streaming/stream.service';

export interface PlayInput {
  trackId: number;
  durationPlayedSeconds: number;
  sessionId?: string;
  deviceType: 'web' | 'mobile' | 'desktop';
}

/** A play counts once it reaches 30 seconds, or half of a track shorter than a minute. */
export function qualifies(playedSeconds: number, trackSeconds: number | null): boolean {
  const threshold = trackSeconds !== null && trackSeconds < 60 ? trackSeconds / 2 : 30;
  return playedSeconds >= threshold;
}

/**
 * Accepts a play report. The server decides what the listener could have
 * heard (preview or full track), clamps the duration to it, decides whether
 * the listener is a paying one, and identifies the listener (user, else
 * player session, else a digest of the IP) for the 30-minute counting rule.
 * The play is buffered and written in a batch (see PlayRecorder).
 */
export async function recordPlay(deps: ServiceDeps, actor: Actor | undefined, input: PlayInput, meta: RequestMeta): Promise<void> {
  const track = await findTrackById(deps.db, input.trackId);
  if (!track) throw notFound('track_not_found', 'No such track.');
  const { level: access, bought } = await accessTo(deps, actor, track);
  if (access === 'preview' && !track.previewFilename) throw forbidden('preview_unavailable', 'This track has no free preview.');
  const audible = access === 'full' ? track.durationSeconds : track.previewSeconds;
  const played = Math.max(0, Math.floor(Math.min(input.durationPlayedSeconds, audible ?? input.durationPlayedSeconds)));
  const listenerKey = actor
    ? `u:${actor.userId}`
    : input.sessionId
      ? `s:${input.sessionId}`
      : `ip:${crypto.createHash('sha256').update(meta.ipAddress ?? '').digest('hex').slice(0, 32)}`;
  const now = deps.clock();
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
