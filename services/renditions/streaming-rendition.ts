import { findRendition } from '../../db/repos/renditions.repo';
import type { Track } from '../../db/repos/tracks.repo';
import type { Actor } from '../actor';
import type { ServiceDeps } from '../deps';
import { streamSource, type AudioSource } from '../streaming/stream.service';
import { isLossless, recipeOf } from './formats';
import { queueRendition, renditionPlan, sourceOfRendition } from './rendition.service';

/**
 * What a full-length stream of a lossless master sends: its AAC 256
 * rendition (M4A with the index first, so playback and seeking start at
 * once; every browser plays it, Safari included — Opus in Ogg is not played
 * by older Safari), a tenth of the master's size; the master itself when an
 * entitled listener asks for `quality=original`, or while the rendition is
 * still being made (it is queued then, on a durable queue). Previews are cut clips already and
 * stay as they are. Same entitlement rule, ranges and validators as ever.
 */
export const STREAMING_FORMAT = 'aac';

export async function streamingSource(
  deps: Pick<ServiceDeps, 'db' | 'clock' | 'jobs' | 'config' | 'accessCache'>,
  actor: Actor | undefined,
  trackId: number,
  quality: 'stream' | 'original',
): Promise<AudioSource> {
  const source = await streamSource(deps, actor, trackId);
  if (source.isPreview || quality === 'original' || !isLossless(source.track.audioFormat)) return source;
  const recipe = recipeOf(STREAMING_FORMAT)!;
  const plan = await renditionPlan(deps, source.track, recipe);
  const made = await findRendition(deps.db, source.track.id, recipe.format, plan.recipeKey);
  if (made) return sourceOfRendition(source.track, recipe, made);
  if (deps.jobs.durable) await queueRendition(deps, source.track, recipe, plan.recipeKey);
  return source;
}

/** Queues the streaming rendition of a new lossless master right away, so its first listeners get it. */
export async function prepareStreamingRendition(deps: Pick<ServiceDeps, 'db' | 'jobs' | 'config'>, track: Track): Promise<void> {
  if (!isLossless(track.audioFormat) || !deps.jobs.durable) return;
  const recipe = recipeOf(STREAMING_FORMAT)!;
  await queueRendition(deps, track, recipe, (await renditionPlan(deps, track, recipe)).recipeKey);
}
