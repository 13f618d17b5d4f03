import type { Page } from '../../lib/page';
import { withTransaction } from '../../db/pool';
import { findTrackById, listTracksForManagement, lockTrack, updateTrack, type Track, type TrackChanges } from '../../db/repos/tracks.repo';

import { managementScope, mayManageTrack, requireRole, type Actor } from '../actor';
import { recordAudit } from '../audit.service';
import type { AudioFormat } from '../audio/audio-sniff';
import type { ServiceDeps } from '../deps';
import { refreshReleaseSummary } from '../../db/repos/releases.repo';
import { storeCoverBytes, storedPreviewSource, storeTrackPreview } from './track-files';
import type { TrackFields } from './track-upload.service';
import { fail, trackNotFound } from '../../lib/errors';
import { applyOfferInput, changedOffer } from '../pricing/offer';

/** An artist's own tracks in every state; an admin's view covers every artist. */
export async function listManagedTracks(
  deps: ServiceDeps,
  actor: Actor | undefined,
  page: Page,
): Promise<{ tracks: Track[]; total: number }> {
  return listTracksForManagement(deps.db, managementScope(actor), page);
}

/**
 * The track, locked, if the actor may manage it: its owner or an admin.
 * Anyone else gets the same 404 as for a track that does not exist.
 */
async function lockManaged(tx: Parameters<typeof lockTrack>[0], actor: Actor, id: number): Promise<Track> {
  const track = await lockTrack(tx, id);
  if (!track || !mayManageTrack(actor, track)) {
    throw trackNotFound();
  }
  return track;
}

export type TrackEdit = Partial<TrackFields> & { isPublished?: boolean };

/**
 * Edits metadata, price, publication and preview length. A new preview length
 * re-cuts the preview from the stored audio — before the row is locked (no
 * storage I/O under a row lock or on a pooled connection); the lock then
 * re-checks that the audio and the preview are still the ones the cut was
 * made from (another edit may have won meanwhile: then it cuts again). The
 * old clip is removed once the row points at the new one. Deleted tracks
 * cannot be edited or republished.
 */
export async function updateManagedTrack(deps: ServiceDeps, actor: Actor | undefined, id: number, edit: TrackEdit): Promise<Track> {
  const me = requireRole(actor, 'artist', 'admin');
  for (let attempt = 1; ; attempt++) {
    const seen = await findTrackById(deps.db, id);
    if (!seen || !mayManageTrack(me, seen) || seen.isDeleted) throw trackNotFound();
    const recut = edit.freePreviewDuration !== undefined && edit.freePreviewDuration !== seen.freePreviewDuration;
    const preview = recut ? await cutPreviewOf(deps, seen, edit.freePreviewDuration!) : undefined;
    try {
      const track = await withTransaction(deps.db, async (tx) => {
        const current = await lockManaged(tx, me, id);
        if (current.isDeleted) throw trackNotFound();
        const moved = current.audioFilename !== seen.audioFilename || current.previewFilename !== seen.previewFilename;
        if (recut && moved) return undefined; // cut from what is no longer there: again
        if (edit.isPublished !== undefined && current.releaseId !== null && edit.isPublished !== current.isPublished) {
          throw fail('invalid_value', { message: 'A track in a release is published and unpublished with its release.' });
        }
        const { offer, ...fields } = edit;
        const changes: TrackChanges = { ...fields, ...(offer && changedOffer(current, applyOfferInput(current, offer, deps.config))) };
        if (preview !== undefined) {
          Object.assign(changes, {
            previewFilename: preview?.key ?? null,
            previewSeconds: preview?.seconds ?? null,
            previewSizeBytes: preview?.sizeBytes ?? null,
            previewMime: preview?.mime ?? null,
          });
        }
        const updated = (await updateTrack(tx, id, changes))!;
        if (current.releaseId !== null && (edit.name !== undefined || edit.tags !== undefined))
          await refreshReleaseSummary(tx, [current.releaseId]);
        return updated;
      });
      if (track) {
        if (recut && seen.previewFilename) await deps.storage.remove(seen.previewFilename);
        return track;
      }
    } catch (err) {
      if (preview) await deps.storage.remove(preview.key);
      throw err;
    }
    if (preview) await deps.storage.remove(preview.key);
    if (attempt >= 3) throw fail('service_unavailable', { message: 'The track kept changing while it was edited. Try again.' });
  }
}

/** A new preview clip of `seconds` from the track's stored audio (null for none, or when the format is unknown). */
function cutPreviewOf(deps: ServiceDeps, track: Track, seconds: number) {
  if (!track.audioFormat) return Promise.resolve(null);
  return storeTrackPreview(deps, storedPreviewSource(deps, { ...track, audioFormat: track.audioFormat as AudioFormat }), seconds);
}

/**
 * Replaces a track's cover art with `image` (checked by its bytes), or
 * removes it when `image` is null. The new file is stored before the row
 * points at it and the old one removed after, so the catalog never shows a
 * missing cover; a failure removes what was stored.
 */
export async function replaceManagedCover(deps: ServiceDeps, actor: Actor | undefined, id: number, image: Buffer | null): Promise<Track> {
  const me = requireRole(actor, 'artist', 'admin');
  const cover = image ? await storeCoverBytes(deps, image) : null;
  try {
    const { track, old } = await withTransaction(deps.db, async (tx) => {
      const current = await lockManaged(tx, me, id);
      if (current.isDeleted) throw trackNotFound();
      const updated = (await updateTrack(tx, id, { coverFilename: cover?.key ?? null, coverMime: cover?.mime ?? null }))!;
      return { track: updated, old: current.coverFilename };
    });
    if (old) await deps.storage.remove(old);
    return track;
  } catch (err) {
    if (cover) await deps.storage.remove(cover.key);
    throw err;
  }
}

/**
 * Soft delete: the track leaves the catalog and cannot be bought, but its
 * audio stays for the people who bought it. Its preview clip goes with it:
 * nobody can be offered a preview of a track that is no longer for sale.
 */
export async function deleteManagedTrack(deps: ServiceDeps, actor: Actor | undefined, id: number): Promise<void> {
  const me = requireRole(actor, 'artist', 'admin');
  const preview = await withTransaction(deps.db, async (tx) => {
    const track = await lockManaged(tx, me, id);
    if (track.isDeleted) return null;
    await updateTrack(tx, id, {
      isDeleted: true,
      deletedAt: deps.clock(),
      isPublished: false,
      previewFilename: null,
      previewSeconds: null,
      previewSizeBytes: null,
    });
    if (track.releaseId !== null) await refreshReleaseSummary(tx, [track.releaseId]);
    await recordAudit(tx, me, 'track.deleted', { type: 'track', id });
    return track.previewFilename;
  });
  if (preview) await deps.storage.remove(preview);
}
