import crypto from 'node:crypto';
import { entitlingLicenseOf, findPurchaseTerms, type LicenseType } from '../../db/repos/purchases.repo';
import { findTrackById, type Track } from '../../db/repos/tracks.repo';
import { fail, previewUnavailable, purchaseRequired, trackNotFound, unauthorized } from '../../lib/errors';
import type { Actor } from '../actor';
import type { ServiceDeps } from '../deps';

/**
 * Who hears what. Entitled to the full file: the owning artist and admins
 * (any state), buyers (a purchase neither revoked nor expired), and everyone
 * for a free track. Everyone else hears the preview clip, or gets 403 when
 * the track has none. Unpublished tracks are 404 to all but owner and
 * admins; soft-deleted ones stay playable for their buyers (and admins) only.
 * This is the only way audio leaves the server.
 */

export interface AudioSource {
  track: Track;
  key: string;
  sizeBytes: number;
  mime: string;
  /** Strong validator; differs between the preview and the full file. */
  etag: string;
  lastModified: Date;
  isPreview: boolean;
  previewSeconds: number | null;
}

const digest = (s: string) => crypto.createHash('sha256').update(s).digest('hex').slice(0, 32);

export interface Access {
  level: 'full' | 'preview';
  /** Whether the actor holds an entitling purchase, when deciding needed to look it up. */
  bought: boolean | undefined;
  /** Whether the full file may also be downloaded: not with a streaming pass alone. */
  downloadable: boolean;
}

/**
 * The user's purchase of a track, through the access cache when there is one:
 * a buyer's later range requests ask nothing. The terms are kept, not the
 * verdict, so an expiry counts on the very request it passes; a sale, a
 * refund or a revocation anywhere empties the cache (the purchases trigger
 * on the change feed, and this server's own writes at once).
 */
function purchaseTerms(deps: Pick<ServiceDeps, 'db' | 'accessCache'>, userId: number, trackId: number) {
  const load = () => findPurchaseTerms(deps.db, userId, trackId);
  return deps.accessCache ? deps.accessCache.get(`purchase:${userId}:${trackId}`, load) : load();
}

/** 'full' or 'preview' for this listener, or throws 404 when they may not hear the track at all. */
export async function accessTo(
  deps: Pick<ServiceDeps, 'db' | 'clock' | 'accessCache'>,
  actor: Actor | undefined,
  track: Track,
): Promise<Access> {
  const isAdmin = actor?.role === 'admin';
  const isOwner = actor !== undefined && track.artistUserId === actor.userId;
  // The purchase is looked up only when nothing cheaper has decided.
  let bought: boolean | undefined;
  let license: LicenseType | undefined;
  const lookUp = async () => {
    license = actor === undefined ? undefined : entitlingLicenseOf(await purchaseTerms(deps, actor.userId, track.id), deps.clock());
    return (bought = license !== undefined);
  };
  const full = (): Access => ({ level: 'full', bought, downloadable: license !== 'streaming' || isAdmin || isOwner });
  if (track.isDeleted) {
    if (isAdmin || (await lookUp())) return full();
    throw trackNotFound();
  }
  if (isAdmin || isOwner) return full();
  if (!track.isPublished) throw trackNotFound();
  if (track.isFree) return { level: 'full', bought, downloadable: true };
  return (await lookUp()) ? full() : { level: 'preview', bought, downloadable: false };
}

/** The full file or the preview clip of a track, as the audio routes send it. */
function sourceOf(track: Track, kind: 'full' | 'preview'): AudioSource {
  const isPreview = kind === 'preview';
  const key = isPreview ? track.previewFilename! : track.audioFilename;
  const sizeBytes = (isPreview ? track.previewSizeBytes : track.fileSizeBytes) ?? 0;
  return {
    track,
    key,
    sizeBytes,
    mime: (isPreview ? track.previewMime : null) ?? track.audioMime ?? 'application/octet-stream',
    // Strong validators that differ between the two, and change when the file (or clip) does.
    etag: isPreview
      ? `"p-${digest(`${key}:${sizeBytes}`)}"`
      : `"a-${track.audioSha256?.slice(0, 32) ?? digest(`${key}:${track.fileSizeBytes}`)}"`,
    // Not updated_at: every counted play bumps it.
    lastModified: track.createdAt,
    isPreview,
    previewSeconds: isPreview ? track.previewSeconds : null,
  };
}

/** The track row, through the access cache when there is one (a playback asks for many ranges). */
function audioTrack(deps: Pick<ServiceDeps, 'db' | 'accessCache'>, trackId: number): Promise<Track | undefined> {
  const load = () => findTrackById(deps.db, trackId);
  return deps.accessCache ? deps.accessCache.get(`track:${trackId}`, load) : load();
}

/** What GET /api/tracks/:id/stream sends this actor. */
export async function streamSource(
  deps: Pick<ServiceDeps, 'db' | 'clock' | 'accessCache'>,
  actor: Actor | undefined,
  trackId: number,
): Promise<AudioSource> {
  const track = await audioTrack(deps, trackId);
  if (!track) throw trackNotFound();
  if ((await accessTo(deps, actor, track)).level === 'full') return sourceOf(track, 'full');
  if (!track.previewFilename) throw previewUnavailable();
  return sourceOf(track, 'preview');
}

/** Refuses a download to anyone not entitled to the whole track with a license that includes downloads (not a streaming pass). */
export async function requireDownload(
  deps: Pick<ServiceDeps, 'db' | 'clock' | 'accessCache'>,
  actor: Actor | undefined,
  track: Track,
): Promise<void> {
  const access = await accessTo(deps, actor, track);
  if (access.level !== 'full') {
    if (!actor) throw unauthorized('Sign in and buy this track to download it.');
    throw purchaseRequired();
  }
  if (!access.downloadable) throw fail('download_not_included');
}

/** The original file as a download, for those entitled to the full track only. */
export async function downloadSource(
  deps: ServiceDeps,
  actor: Actor | undefined,
  trackId: number,
): Promise<AudioSource & { filename: string }> {
  const track = await audioTrack(deps, trackId);
  if (!track) throw trackNotFound();
  await requireDownload(deps, actor, track);
  const ext = track.audioFilename.slice(track.audioFilename.lastIndexOf('.'));
  return { ...sourceOf(track, 'full'), filename: `${downloadName(`${track.artist} - ${track.name}`)}${ext}` };
}

/** A file name safe on every system: no path separators, control or reserved characters. */
export function downloadName(raw: string): string {
  const cleaned = raw
    .normalize('NFC')
    // eslint-disable-next-line no-control-regex -- control characters are exactly what must go
    .replace(/[\u0000-\u001f\u007f/\\:*?"<>|]+/g, ' ')
    .replace(/\s+/g, ' ')
    .replace(/^[\s.]+|[\s.]+$/g, '')
    .slice(0, 150)
    .trim();
  return cleaned || 'track';
}
