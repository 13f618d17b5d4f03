import { offsetOf, type Page } from '../../lib/page';
import { findTrackById, type Track } from '../../db/repos/tracks.repo';
import { findPublicTrack, listCatalog, listGenres, type CatalogQuery } from '../../db/repos/tracks-catalog.repo';
import { findUserById, type User } from '../../db/repos/users.repo';

import { mayManageTrack, type Actor } from '../actor';
import type { ServiceDeps } from '../deps';
import { coverNotFound, fail, trackNotFound } from '../../lib/errors';

/** The public catalog: published, not deleted tracks, for everyone. */
export function browseCatalog(
  deps: Pick<ServiceDeps, 'db'>,
  filter: Omit<CatalogQuery, 'limit' | 'offset'>,
  page: Page,
): Promise<{ tracks: Track[]; total: number }> {
  return listCatalog(deps.db, { ...filter, limit: page.pageSize, offset: offsetOf(page) });
}

export async function getCatalogTrack(deps: Pick<ServiceDeps, 'db'>, id: number): Promise<Track> {
  const track = await findPublicTrack(deps.db, id);
  if (!track) throw trackNotFound();
  return track;
}

/** A track anyone may see (in the store), or its artist and admins (a draft, a deleted one); 404 track_not_found for everyone else. */
export async function findVisibleTrack(deps: Pick<ServiceDeps, 'db'>, actor: Actor | undefined, id: number): Promise<Track> {
  const track = await findTrackById(deps.db, id);
  if (!track || !((track.isPublished && !track.isDeleted) || mayManageTrack(actor, track))) throw trackNotFound();
  return track;
}

/**
 * The track whose cover is asked for: anyone's for a track in the catalog;
 * its artist's and admins' for a draft or a deleted one (the studio shows
 * them), a 404 for everyone else. `isPublic` says whether shared caches may keep it.
 */
export async function coverOf(deps: Pick<ServiceDeps, 'db'>, actor: Actor | undefined, id: number): Promise<CoverFile> {
  return visibleCover(actor, await findTrackById(deps.db, id));
}

/** A cover image to send: its storage key and type, and whether shared caches may keep it. */
export interface CoverFile {
  key: string;
  mime: string | null;
  isPublic: boolean;
}

/**
 * The cover of a track or release, if it may be sent: it has one, and it is
 * in the store (public) or the actor manages it (private); 404
 * cover_not_found otherwise.
 */
export function visibleCover(
  actor: Actor | undefined,
  item:
    | { coverFilename: string | null; coverMime: string | null; isPublished: boolean; isDeleted: boolean; artistUserId: number | null }
    | undefined,
): CoverFile {
  const isPublic = !!item && item.isPublished && !item.isDeleted;
  if (!item || !item.coverFilename || !(isPublic || mayManageTrack(actor, item))) throw coverNotFound();
  return { key: item.coverFilename, mime: item.coverMime, isPublic };
}

export function catalogGenres(deps: Pick<ServiceDeps, 'db'>): Promise<{ genre: string; tracks: number }[]> {
  return listGenres(deps.db);
}

/** An artist's public page: the account's public name and its published tracks. */
export async function artistPage(
  deps: Pick<ServiceDeps, 'db'>,
  id: number,
  page: Page,
): Promise<{ artist: User; tracks: Track[]; total: number }> {
  const artist = await findUserById(deps.db, id);
  if (!artist || !artist.isActive || (artist.role !== 'artist' && artist.role !== 'admin')) {
    throw fail('artist_not_found');
  }
  const { tracks, total } = await listCatalog(deps.db, { artistUserId: id, sort: 'newest', limit: page.pageSize, offset: offsetOf(page) });
  return { artist, tracks, total };
}
