import type { DownloadFormat } from '../../contract/api';
import { findReleaseById, listReleaseTracks } from '../../db/repos/releases.repo';
import { findRendition } from '../../db/repos/renditions.repo';
import { fail, releaseNotFound, serviceUnavailable } from '../../lib/errors';
import { mayManageTrack, type Actor } from '../actor';
import type { ServiceDeps } from '../deps';
import { downloadName, requireDownload } from '../streaming/stream.service';
import { isLossless, recipeOf } from './formats';
import { renditionName, renditionPlan, queueRendition } from './rendition.service';

/**
 * A whole release as one ZIP: its tracks in order in the chosen format, and
 * its cover. The archive is never stored: it is streamed from the stored
 * files (the originals, or the renditions, each made once and kept), so
 * memory holds a buffer's worth however large the release. A rendition not
 * made yet is queued, and the answer says how far preparing has got.
 */

type Deps = Pick<ServiceDeps, 'db' | 'clock' | 'storage' | 'jobs' | 'ffmpeg' | 'config'>;

export interface ZipEntry {
  /** The name inside the archive. */
  name: string;
  key: string;
}

export type ReleaseDownload =
  { zip: { filename: string; entries: ZipEntry[] } } | { preparing: { format: DownloadFormat; ready: number; total: number } };

export async function releaseDownload(
  deps: Deps,
  actor: Actor | undefined,
  releaseId: number,
  format: DownloadFormat,
): Promise<ReleaseDownload> {
  const release = await findReleaseById(deps.db, releaseId);
  if (!release || ((!release.isPublished || release.isDeleted) && !mayManageTrack(actor, release))) throw releaseNotFound();
  const tracks = await listReleaseTracks(deps.db, releaseId);
  if (tracks.length === 0) throw releaseNotFound();
  // The buyer must be entitled to download every track (a release bought whole, or each track bought).
  for (const track of tracks) await requireDownload(deps, actor, track);

  const recipe = format === 'original' ? undefined : recipeOf(format);
  if (format !== 'original' && (!recipe || tracks.some((t) => !isLossless(t.audioFormat))))
    throw fail('invalid_value', {
      message: 'Some tracks of this release are offered as their original files only: download it as "original".',
    });

  const entries: ZipEntry[] = [];
  const missing: { track: (typeof tracks)[number]; recipeKey: string }[] = [];
  for (const track of tracks) {
    if (!recipe) {
      const ext = track.audioFilename.slice(track.audioFilename.lastIndexOf('.') + 1);
      entries.push({ name: renditionName(track, ext), key: track.audioFilename });
      continue;
    }
    const plan = await renditionPlan(deps, track, recipe, { release });
    const made = await findRendition(deps.db, track.id, recipe.format, plan.recipeKey);
    if (made) entries.push({ name: renditionName(track, recipe.ext), key: made.storageKey });
    else missing.push({ track, recipeKey: plan.recipeKey });
  }
  if (recipe && missing.length) {
    if (!(await deps.ffmpeg.available()))
      throw serviceUnavailable(
        'Downloads in other formats cannot be made right now (the transcoder is missing); the original files are available.',
      );
    for (const { track, recipeKey } of missing) await queueRendition(deps, track, recipe, recipeKey);
    return { preparing: { format, ready: tracks.length - missing.length, total: tracks.length } };
  }
  if (release.coverFilename) {
    const ext = release.coverMime === 'image/png' ? 'png' : release.coverMime === 'image/webp' ? 'webp' : 'jpg';
    entries.push({ name: `cover.${ext}`, key: release.coverFilename });
  }
  const label = recipe ? recipe.label.split(' (')[0] : 'original';
  return { zip: { filename: `${downloadName(`${release.artistName ?? 'Artist'} - ${release.title}`)} (${label}).zip`, entries } };
}
