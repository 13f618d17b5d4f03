import crypto from 'node:crypto';
import fs from 'node:fs';
import { pipeline } from 'node:stream/promises';
import type { DownloadFormat } from '../../contract/api';
import { listReleaseExtras } from '../../db/repos/release-extras.repo';
import { findReleaseZip, recordReleaseZip } from '../../db/repos/release-zips.repo';
import { findReleaseById, listReleaseTracks, type Release } from '../../db/repos/releases.repo';
import { findRendition } from '../../db/repos/renditions.repo';
import type { Track } from '../../db/repos/tracks.repo';
import { fail, releaseNotFound, serviceUnavailable } from '../../lib/errors';
import { mayManageTrack, type Actor } from '../actor';
import type { ServiceDeps } from '../deps';
import { JOBS } from '../jobs/job-queue';
import { withWorkFiles } from '../storage/temp-files';
import { downloadName, requireDownload } from '../streaming/stream.service';
import { isLossless, recipeOf, type Recipe } from './formats';
import { queueRendition, renditionName, renditionPlan } from './rendition.service';
import { zipOf, type ZipEntry } from './zip-archive';

/**
 * A whole release as one ZIP: its tracks in order in the chosen format, its
 * cover and the extras the artist attached. The first download streams the
 * archive from the stored files (the originals, or renditions made once and
 * kept) and queues a job that builds the same archive once and stores it;
 * later downloads get the stored ZIP — with ranges, so a broken download
 * resumes. The stored ZIP's digest covers every entry, so any change to the
 * release makes a new one. A rendition not made yet is queued, and the
 * answer says how far preparing has got.
 */

type Deps = Pick<ServiceDeps, 'db' | 'clock' | 'storage' | 'jobs' | 'ffmpeg' | 'config'>;

export type ReleaseDownload =
  | { stored: { filename: string; key: string; sizeBytes: number; etag: string; createdAt: Date } }
  | { zip: { filename: string; entries: ZipEntry[]; mtime: Date } }
  | { preparing: { format: DownloadFormat; ready: number; total: number } };

interface ZipPlan {
  filename: string;
  entries: ZipEntry[];
  /** The tracks whose rendition is not made yet (none when the plan can be zipped). */
  missing: { track: Track; recipeKey: string }[];
  digest: string;
}

/** "name.ext", or "name (2).ext" when an earlier entry took that name. */
function uniqueName(taken: Set<string>, name: string): string {
  const dot = name.lastIndexOf('.');
  let candidate = name;
  for (let n = 2; taken.has(candidate.toLowerCase()); n++) candidate = `${name.slice(0, dot)} (${n})${name.slice(dot)}`;
  taken.add(candidate.toLowerCase());
  return candidate;
}

/** What the release's ZIP in `recipe` (undefined: the originals) holds, and what is still to be made. */
async function zipPlan(deps: Deps, release: Release, tracks: Track[], recipe: Recipe | undefined): Promise<ZipPlan> {
  const entries: ZipEntry[] = [];
  const missing: ZipPlan['missing'] = [];
  const taken = new Set<string>();
  for (const track of tracks) {
    if (!recipe) {
      const ext = track.audioFilename.slice(track.audioFilename.lastIndexOf('.') + 1);
      entries.push({ name: uniqueName(taken, renditionName(track, ext)), key: track.audioFilename });
      continue;
    }
    const plan = await renditionPlan(deps, track, recipe, { release });
    const made = await findRendition(deps.db, track.id, recipe.format, plan.recipeKey);
    if (made) entries.push({ name: uniqueName(taken, renditionName(track, recipe.ext)), key: made.storageKey });
    else missing.push({ track, recipeKey: plan.recipeKey });
  }
  if (release.coverFilename) {
    const ext = release.coverMime === 'image/png' ? 'png' : release.coverMime === 'image/webp' ? 'webp' : 'jpg';
    entries.push({ name: uniqueName(taken, `cover.${ext}`), key: release.coverFilename });
  }
  for (const extra of await listReleaseExtras(deps.db, release.id))
    entries.push({ name: uniqueName(taken, extra.name), key: extra.storageKey });
  const label = recipe ? recipe.label.split(' (')[0] : 'original';
  const filename = `${downloadName(`${release.artistName ?? 'Artist'} - ${release.title}`)} (${label}).zip`;
  const digest = crypto.createHash('sha256').update(JSON.stringify({ filename, entries })).digest('hex').slice(0, 32);
  return { filename, entries, missing, digest };
}

const zipKeyOf = (releaseId: number, format: string, digest: string) =>
  `zips/${crypto.createHash('sha256').update(`${releaseId}:${format}:${digest}`).digest('hex').slice(0, 32)}.zip`;

/** The recipe of a release ZIP's format; 400 when some track is lossy (then only the originals are offered). */
function recipeFor(format: DownloadFormat, tracks: Track[]): Recipe | undefined {
  if (format === 'original') return undefined;
  const recipe = recipeOf(format);
  if (!recipe || tracks.some((t) => !isLossless(t.audioFormat)))
    throw fail('invalid_value', {
      message: 'Some tracks of this release are offered as their original files only: download it as "original".',
    });
  return recipe;
}

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
  const recipe = recipeFor(format, tracks);

  const plan = await zipPlan(deps, release, tracks, recipe);
  if (recipe && plan.missing.length) {
    if (!(await deps.ffmpeg.available()))
      throw serviceUnavailable(
        'Downloads in other formats cannot be made right now (the transcoder is missing); the original files are available.',
      );
    for (const { track, recipeKey } of plan.missing) await queueRendition(deps, track, recipe, recipeKey);
    return { preparing: { format, ready: tracks.length - plan.missing.length, total: tracks.length } };
  }
  const stored = await findReleaseZip(deps.db, release.id, format, plan.digest);
  if (stored) {
    const { storageKey: key, sizeBytes, createdAt } = stored;
    return { stored: { filename: plan.filename, key, sizeBytes, etag: `"z-${plan.digest}"`, createdAt } };
  }
  // Streamed this time; stored for the next (work that can wait goes on a durable queue only).
  if (deps.jobs.durable)
    await deps.jobs.send(JOBS.releaseZip, { releaseId: release.id, format }, { singletonKey: `${release.id}:${format}:${plan.digest}` });
  return { zip: { filename: plan.filename, entries: plan.entries, mtime: release.updatedAt } };
}

/**
 * The ZIP job: builds the release's archive into a working file, stores it
 * and records it — if the release is still as planned when it is done (a
 * release changed meanwhile gets a ZIP of its own). The release's older
 * ZIPs in the format are removed.
 */
export async function makeReleaseZip(deps: Deps, releaseId: number, format: DownloadFormat): Promise<void> {
  const release = await findReleaseById(deps.db, releaseId);
  if (!release || release.isDeleted) return;
  const tracks = await listReleaseTracks(deps.db, releaseId);
  if (tracks.length === 0) return;
  const recipe = recipeFor(format, tracks);
  const plan = await zipPlan(deps, release, tracks, recipe);
  if (plan.missing.length || (await findReleaseZip(deps.db, releaseId, format, plan.digest))) return;
  await withWorkFiles(deps.config.uploadDir, ['zip'], async (files) => {
    const archive = zipOf(deps.storage, plan.entries, release.updatedAt);
    try {
      await pipeline(archive.output, fs.createWriteStream(files.zip));
    } finally {
      archive.close();
    }
    const key = zipKeyOf(releaseId, format, plan.digest);
    const { size } = await fs.promises.stat(files.zip);
    await deps.storage.putFile(key, files.zip);
    const current = await findReleaseById(deps.db, releaseId);
    const again =
      current && !current.isDeleted ? await zipPlan(deps, current, await listReleaseTracks(deps.db, releaseId), recipe) : undefined;
    if (again?.digest !== plan.digest) return void (await deps.storage.remove(key)); // changed while it was built
    const dropped = await recordReleaseZip(deps.db, { releaseId, format, digest: plan.digest, storageKey: key, sizeBytes: size });
    await Promise.all(dropped.map((old) => deps.storage.remove(old).catch(() => undefined)));
  });
}
