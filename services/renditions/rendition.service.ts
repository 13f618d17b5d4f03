import crypto from 'node:crypto';
import fs from 'node:fs';
import type { DownloadFormat } from '../../contract/api';
import { findReleaseById, type Release } from '../../db/repos/releases.repo';
import { findRendition, insertRendition, listRenditionFormats, type Rendition } from '../../db/repos/renditions.repo';
import { findTrackById, type Track } from '../../db/repos/tracks.repo';
import { fail, serviceUnavailable, trackNotFound } from '../../lib/errors';
import type { Actor } from '../actor';
import { findVisibleTrack } from '../catalog/catalog.service';
import type { ServiceDeps } from '../deps';
import { JOBS } from '../jobs/job-queue';
import { copyToFile, withWorkFiles } from '../storage/temp-files';
import { downloadName, requireDownload, type AudioSource } from '../streaming/stream.service';
import { isLossless, RECIPE_VERSION, RECIPES, recipeOf, type Recipe } from './formats';

/**
 * Renditions: a lossless master (FLAC, WAV, AIFF, ALAC) downloaded in any format. The
 * first request for one queues a job that transcodes the master (ffmpeg,
 * with the track's tags and cover) into a working file and stores it under
 * a key of its own; later requests get the stored file. A lossy master is
 * offered as itself only. The rendition's key and recipe change whenever the
 * master, the tags or the encoder settings do, so nothing stale is served.
 */

type Deps = Pick<ServiceDeps, 'db' | 'clock' | 'storage' | 'jobs' | 'ffmpeg' | 'config'>;

interface Tags {
  title: string;
  artist: string;
  album: string | null;
  track: number | null;
  disc: number | null;
  year: string | null;
  isrc: string | null;
  license: string;
  comment: string;
}

function tagsOf(track: Track, release: Release | undefined, origin: string): Tags {
  return {
    title: track.name,
    artist: track.artist,
    album: release?.title ?? null,
    track: track.trackNumber,
    disc: track.releaseId === null ? null : track.discNumber,
    year: release?.releaseDate?.slice(0, 4) ?? (release?.publishedAt ?? track.createdAt).getUTCFullYear().toString(),
    isrc: track.isrc,
    license: track.license,
    comment: `${origin}/tracks/${track.id}`,
  };
}

/** The cover a rendition embeds: the track's own, else its release's (PNG and JPEG only: what every player reads). */
function coverOf(track: Track, release: Release | undefined): string | null {
  const [key, mime] = track.coverFilename ? [track.coverFilename, track.coverMime] : [release?.coverFilename ?? null, release?.coverMime];
  return key && (mime === 'image/png' || mime === 'image/jpeg') ? key : null;
}

/** What a rendition is made from, digested: the master, the tags, the cover and the recipe. */
function recipeDigest(track: Track, recipe: Recipe, tags: Tags, cover: string | null): string {
  const made = JSON.stringify({ v: RECIPE_VERSION, recipe, master: track.audioSha256 ?? track.audioFilename, tags, cover });
  return crypto.createHash('sha256').update(made).digest('hex').slice(0, 32);
}

const storageKeyOf = (track: Track, recipe: Recipe, digest: string) =>
  `renditions/${crypto.createHash('sha256').update(`${track.id}:${recipe.format}:${digest}`).digest('hex').slice(0, 32)}.${recipe.ext}`;

/** What a rendition of `track` in `recipe` is made from, and where it is kept. */
export async function renditionPlan(
  deps: Pick<Deps, 'db' | 'config'>,
  track: Track,
  recipe: Recipe,
  known?: { release: Release | undefined },
) {
  // The track's release gives the album tags and the cover; callers planning many renditions read it once.
  const release = known ? known.release : await releaseOf(deps, track);
  const tags = tagsOf(track, release, deps.config.appOrigin);
  const cover = recipe.cover ? coverOf(track, release) : null;
  const recipeKey = recipeDigest(track, recipe, tags, cover);
  return { tags, cover, recipeKey, storageKey: storageKeyOf(track, recipe, recipeKey) };
}

const releaseOf = async (deps: Pick<Deps, 'db'>, track: Track) =>
  track.releaseId === null ? undefined : await findReleaseById(deps.db, track.releaseId);

/** GET /api/tracks/:id/formats: what a buyer can download, listed before they pay (404 for a track they may not see). */
export async function trackFormats(deps: Deps, actor: Actor | undefined, trackId: number) {
  return formatsOf(deps, await findVisibleTrack(deps, actor, trackId));
}

/** The formats a track is offered in, and which are made already. */
export async function formatsOf(deps: Deps, track: Track): Promise<{ format: DownloadFormat; label: string; ready: boolean }[]> {
  const original = { format: 'original' as const, label: `Original (${track.audioFormat?.toUpperCase() ?? 'as uploaded'})`, ready: true };
  if (!isLossless(track.audioFormat)) return [original];
  const [made, release] = await Promise.all([listRenditionFormats(deps.db, track.id), releaseOf(deps, track)]);
  const offered = await Promise.all(
    RECIPES.map(async (recipe) => {
      const { recipeKey } = await renditionPlan(deps, track, recipe, { release });
      return { format: recipe.format, label: recipe.label, ready: made.some((m) => m.format === recipe.format && m.recipe === recipeKey) };
    }),
  );
  return [original, ...offered];
}

/** A file name for people: "03 Artist - Title.flac" in a release, "Artist - Title.flac" on its own. */
export function renditionName(track: Track, ext: string): string {
  const number = track.trackNumber === null ? '' : `${String(track.trackNumber).padStart(2, '0')} `;
  return `${number}${downloadName(`${track.artist} - ${track.name}`)}.${ext}`;
}

export type RenditionDownload = { ready: AudioSource & { filename: string } } | { preparing: { format: DownloadFormat } };

/**
 * What GET /api/tracks/:id/download?format= gives an entitled listener: the
 * rendition when it is made, else it is queued (once, however many ask:
 * one job per rendition) and the answer says it is being prepared.
 */
export async function renditionDownload(
  deps: Deps,
  actor: Actor | undefined,
  trackId: number,
  format: DownloadFormat,
): Promise<RenditionDownload> {
  const track = await findTrackById(deps.db, trackId);
  if (!track) throw trackNotFound();
  await requireDownload(deps, actor, track);
  const recipe = recipeOf(format);
  if (!recipe || !isLossless(track.audioFormat))
    throw fail('invalid_value', { message: `This track is offered as its original file only (${track.audioFormat ?? 'lossy'}).` });
  const plan = await renditionPlan(deps, track, recipe);
  const made = await findRendition(deps.db, track.id, recipe.format, plan.recipeKey);
  if (!made) {
    if (!(await deps.ffmpeg.available()))
      throw serviceUnavailable(
        'Downloads in other formats cannot be made right now (the transcoder is missing); the original is available.',
      );
    await queueRendition(deps, track, recipe, plan.recipeKey);
    return { preparing: { format } };
  }
  return { ready: { ...sourceOfRendition(track, recipe, made), filename: renditionName(track, recipe.ext) } };
}

/** Queues the job that makes a rendition: one waiting per rendition, however many ask. */
export async function queueRendition(deps: Pick<Deps, 'jobs'>, track: Track, recipe: Recipe, recipeKey: string): Promise<void> {
  await deps.jobs.send(
    JOBS.rendition,
    { trackId: track.id, format: recipe.format },
    { singletonKey: `${track.id}:${recipe.format}:${recipeKey}` },
  );
}

export function sourceOfRendition(track: Track, recipe: Recipe, made: Rendition): AudioSource {
  return {
    track,
    key: made.storageKey,
    sizeBytes: made.sizeBytes,
    mime: recipe.mime,
    etag: `"r-${made.recipe}"`,
    lastModified: made.createdAt,
    isPreview: false,
    previewSeconds: null,
  };
}

/**
 * The rendition job: transcodes the master into a working file next to the
 * uploads, stores it (atomically: nothing half-made is ever served) and
 * records it. Run again after a crash, it starts over; a rendition someone
 * else recorded first is kept and this one's file removed.
 */
export async function makeRendition(deps: Deps, trackId: number, format: DownloadFormat): Promise<void> {
  const track = await findTrackById(deps.db, trackId);
  const recipe = recipeOf(format);
  if (!track || !recipe || !isLossless(track.audioFormat)) return; // gone or changed since it was asked for
  const plan = await renditionPlan(deps, track, recipe);
  if (await findRendition(deps.db, track.id, recipe.format, plan.recipeKey)) return;

  await withWorkFiles(deps.config.uploadDir, ['master', 'cover', 'out'], async ({ master, cover, out: output }) => {
    await copyToFile(deps.storage, track.audioFilename, master);
    if (plan.cover) await copyToFile(deps.storage, plan.cover, cover);
    const t = plan.tags;
    const metadata: [string, string | number | null][] = [
      ['title', t.title],
      ['artist', t.artist],
      ['album', t.album],
      ['track', t.track],
      ['disc', t.disc],
      ['date', t.year],
      ['ISRC', t.isrc],
      ['copyright', t.license],
      ['comment', t.comment],
    ];
    await deps.ffmpeg.run([
      '-y',
      '-i',
      master,
      ...(plan.cover ? ['-i', cover, '-map', '0:a:0', '-map', '1:v', '-c:v', 'copy', '-disposition:v', 'attached_pic'] : ['-map', '0:a:0']),
      '-map_metadata',
      '-1',
      ...metadata.flatMap(([key, value]) => (value === null || value === '' ? [] : ['-metadata', `${key}=${value}`])),
      ...recipe.codec,
      '-f',
      recipe.muxer,
      output,
    ]);
    const { size } = await fs.promises.stat(output);
    await deps.storage.putFile(plan.storageKey, output);
    // Someone who recorded the same key first keeps the row; the stored file is the same rendition.
    await insertRendition(deps.db, {
      trackId: track.id,
      format: recipe.format,
      recipe: plan.recipeKey,
      storageKey: plan.storageKey,
      sizeBytes: size,
    });
  });
}
