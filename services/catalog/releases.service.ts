import { withTransaction, type Tx } from '../../db/pool';
import { ensureArtistProfile } from '../../db/repos/artist-profiles.repo';
import {
  findReleaseById,
  insertRelease,
  listReleasesForManagement,
  listReleaseTracks,
  lockRelease,
  refreshReleaseSummary,
  setReleaseCover,
  setReleaseTracks,
  setReleaseTracksPublished,
  updateRelease,
  type Release,
  type ReleaseChanges,
  type ReleaseFields,
} from '../../db/repos/releases.repo';
import { findTracksByIds, type Track } from '../../db/repos/tracks.repo';
import { grantReleaseToBuyers } from '../../db/repos/purchases.repo';
import { findUserById } from '../../db/repos/users.repo';
import { fail, releaseNotFound, userNotFound } from '../../lib/errors';
import type { Page } from '../../lib/page';
import { managementScope, mayManageTrack, requireRole, type Actor } from '../actor';
import { recordAudit } from '../audit.service';
import type { ServiceDeps } from '../deps';
import { publicName } from '../users.service';
import { slugOf } from './artist-profile.service';
import { storeCoverBytes } from './track-files';
import { applyOfferInput, changedOffer, defaultOffer, type Offer, type OfferInput } from '../pricing/offer';

/** Most tracks one release holds (a box set's worth). */
export const MAX_RELEASE_TRACKS = 200;

export interface ReleaseWithTracks {
  release: Release;
  tracks: Track[];
}

/** A new release of the actor's, unpublished and empty; the artist gets a profile (and slug) if they had none. */
export async function createRelease(
  deps: ServiceDeps,
  actor: Actor | undefined,
  input: Omit<ReleaseFields, keyof Offer> & { offer?: OfferInput },
): Promise<Release> {
  const me = requireRole(actor, 'artist', 'admin');
  const { offer, ...fields } = input;
  const priced = applyOfferInput(defaultOffer('release', deps.config.currency), offer ?? {}, deps.config);
  const owner = await findUserById(deps.db, me.userId);
  if (!owner) throw userNotFound();
  await ensureArtistProfile(deps.db, owner.id, slugOf(publicName(owner)));
  return insertRelease(deps.db, owner.id, { ...fields, ...priced });
}

/** The actor's releases in every state; an admin sees every artist's. */
export function listManagedReleases(
  deps: ServiceDeps,
  actor: Actor | undefined,
  page: Page,
): Promise<{ releases: Release[]; total: number }> {
  return listReleasesForManagement(deps.db, managementScope(actor), page);
}

/** One of the actor's releases with its tracks (deleted ones too); 404 for anyone else's. */
export async function getManagedRelease(deps: ServiceDeps, actor: Actor | undefined, id: number): Promise<ReleaseWithTracks> {
  const me = requireRole(actor, 'artist', 'admin');
  const release = await findReleaseById(deps.db, id);
  if (!release || !mayManageTrack(me, release)) throw releaseNotFound();
  return { release, tracks: await listReleaseTracks(deps.db, id, { withDeleted: true }) };
}

/** The release if the actor may change it (theirs or an admin's, not deleted); the same 404 as a missing one otherwise. */
function writable(actor: Actor, release: Release | undefined): Release {
  if (!release || !mayManageTrack(actor, release) || release.isDeleted) throw releaseNotFound();
  return release;
}

/** The release, locked, if the actor may change it. */
export async function lockManaged(tx: Tx, actor: Actor, id: number): Promise<Release> {
  return writable(actor, await lockRelease(tx, id));
}

export type ReleaseEdit = Partial<Omit<ReleaseFields, keyof Offer>> & {
  offer?: OfferInput;
  isPublished?: boolean;
  /** When to publish; null cancels a schedule. A time already past publishes now. */
  publishAt?: Date | null;
};

/**
 * Edits metadata and price, and publishes, schedules or unpublishes. A
 * release is published with at least one track; its tracks are published
 * and unpublished with it. Scheduling leaves it unpublished until the
 * publisher (release-publisher.ts) finds it due.
 */
export async function updateManagedRelease(
  deps: ServiceDeps,
  actor: Actor | undefined,
  id: number,
  edit: ReleaseEdit,
): Promise<ReleaseWithTracks> {
  const me = requireRole(actor, 'artist', 'admin');
  const now = deps.clock();
  await withTransaction(deps.db, async (tx) => {
    const current = await lockManaged(tx, me, id);
    const { isPublished, publishAt, offer, ...fields } = edit;
    const changes: ReleaseChanges = { ...fields, ...(offer && changedOffer(current, applyOfferInput(current, offer, deps.config))) };
    const publishNow = isPublished === true || (publishAt != null && publishAt <= now);
    if ((publishNow || publishAt != null) && current.trackCount === 0) throw fail('publish_empty_release');
    if (publishNow) {
      Object.assign(changes, { isPublished: true, publishAt: null, publishedAt: current.isPublished ? current.publishedAt : now });
    } else if (publishAt != null) {
      Object.assign(changes, { isPublished: false, publishAt });
    } else if (isPublished === false) {
      Object.assign(changes, { isPublished: false, publishAt: null });
    } else if (publishAt === null) {
      changes.publishAt = null;
    }
    await updateRelease(tx, id, changes);
    if (changes.isPublished !== undefined && changes.isPublished !== current.isPublished) {
      await setReleaseTracksPublished(tx, id, changes.isPublished);
    }
  });
  return getManagedRelease(deps, me, id);
}

/**
 * Sets which tracks the release holds and in what order, in one step. Every
 * track must be the release owner's and not deleted; tracks taken from
 * another of the owner's releases leave it; tracks left out become
 * standalone. Buyers of the release are granted the tracks it gains.
 */
export async function setManagedReleaseTracks(
  deps: ServiceDeps,
  actor: Actor | undefined,
  id: number,
  trackIds: number[],
): Promise<ReleaseWithTracks> {
  const me = requireRole(actor, 'artist', 'admin');
  if (new Set(trackIds).size !== trackIds.length) throw fail('invalid_value', { message: 'A track can appear in a release only once.' });
  if (trackIds.length > MAX_RELEASE_TRACKS)
    throw fail('invalid_value', { message: `A release holds at most ${MAX_RELEASE_TRACKS} tracks.` });
  await withTransaction(deps.db, async (tx) => {
    const release = await lockManaged(tx, me, id);
    const tracks = await findTracksByIds(tx, trackIds);
    const invalid = trackIds.filter(
      (t) => !tracks.some((track) => track.id === t && track.artistUserId === release.artistUserId && !track.isDeleted),
    );
    if (invalid.length) throw fail('release_track_invalid', { details: { trackIds: invalid } });
    if (release.isPublished && trackIds.length === 0)
      throw fail('publish_empty_release', { message: 'Unpublish the release before removing its last track.' });
    const others = [...new Set(tracks.map((t) => t.releaseId).filter((r): r is number => r !== null && r !== id))];
    await setReleaseTracks(tx, id, trackIds, release.isPublished);
    if (others.length) await refreshReleaseSummary(tx, others);
    await grantReleaseToBuyers(tx, id, deps.clock());
  });
  return getManagedRelease(deps, me, id);
}

/**
 * Puts a freshly uploaded track at the end of a release (the studio's bulk
 * upload): numbered after the last one under the release's lock, published
 * with it, and granted to its buyers.
 */
export async function appendToRelease(deps: ServiceDeps, actor: Actor, releaseId: number, track: Track): Promise<Track> {
  await withTransaction(deps.db, async (tx) => {
    const release = await lockManaged(tx, actor, releaseId);
    if (release.artistUserId !== track.artistUserId) throw fail('release_track_invalid', { details: { trackIds: [track.id] } });
    const members = await listReleaseTracks(tx, releaseId, { withDeleted: true });
    await setReleaseTracks(tx, releaseId, [...members.map((t) => t.id), track.id], release.isPublished);
    await grantReleaseToBuyers(tx, releaseId, deps.clock());
  });
  return (await findTracksByIds(deps.db, [track.id]))[0]!;
}

/** Refuses early (before any file is stored) an upload into a release the actor may not fill. */
export async function checkReleaseWritable(deps: ServiceDeps, actor: Actor, releaseId: number): Promise<void> {
  writable(actor, await findReleaseById(deps.db, releaseId));
}

/**
 * Replaces the release's cover (checked by its bytes) or removes it; the new
 * file is stored before the row points at it and the old one removed after.
 */
export async function replaceReleaseCover(
  deps: ServiceDeps,
  actor: Actor | undefined,
  id: number,
  image: Buffer | null,
): Promise<ReleaseWithTracks> {
  const me = requireRole(actor, 'artist', 'admin');
  const cover = image ? await storeCoverBytes(deps, image) : null;
  try {
    const old = await withTransaction(deps.db, async (tx) => {
      const current = await lockManaged(tx, me, id);
      await setReleaseCover(tx, id, cover && { filename: cover.key, mime: cover.mime });
      return current.coverFilename;
    });
    if (old) await deps.storage.remove(old);
  } catch (err) {
    if (cover) await deps.storage.remove(cover.key);
    throw err;
  }
  return getManagedRelease(deps, me, id);
}

/**
 * Soft delete: the release leaves the store and cannot be bought; its tracks
 * are unpublished with it but stay in it, and everything bought stays its
 * buyers'. Deleting twice changes nothing.
 */
export async function deleteManagedRelease(deps: ServiceDeps, actor: Actor | undefined, id: number): Promise<void> {
  const me = requireRole(actor, 'artist', 'admin');
  await withTransaction(deps.db, async (tx) => {
    const release = await lockRelease(tx, id);
    if (!release || !mayManageTrack(me, release)) throw releaseNotFound();
    if (release.isDeleted) return;
    await updateRelease(tx, id, { isDeleted: true, deletedAt: deps.clock(), isPublished: false, publishAt: null });
    await setReleaseTracksPublished(tx, id, false);
    await recordAudit(tx, me, 'release.deleted', { type: 'release', id });
  });
}
