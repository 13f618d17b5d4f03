import { findTrackById, type Track } from '../../db/repos/tracks.repo';
import { countCatalog, findPublicTrack, listCatalog, listGenres, type CatalogFilter } from '../../db/repos/tracks-catalog.repo';
import { findUserById, type User } from '../../db/repos/users.repo';

import { mayManageTrack, type Actor } from '../actor';
import type { ServiceDeps } from '../deps';
import { coverNotFound, fail, trackNotFound } from '../../lib/errors';
import { listingPage, type Listing, type ListingRequest } from './listing';

/** The public catalog: published, not deleted tracks, for everyone. */
export function browseCatalog(
  deps: Pick<ServiceDeps, 'db' | 'listingCounts'>,
  filter: CatalogFilter,
  request: ListingRequest,
): Promise<Listing<Track>> {
  const { sort, ...selects } = filter;
  return listingPage(
    deps,
    {
      list: 'tracks',
      filter: selects,
      sort,
      page: (position) => listCatalog(deps.db, filter, position),
      count: () => countCatalog(deps.db, filter),
    },
    request,
  );
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

/** Every genre of the store with its count of tracks (counted once until the catalogue changes). */
export function catalogGenres(deps: Pick<ServiceDeps, 'db' | 'listingCounts'>): Promise<{ genre: string; tracks: number }[]> {
  const load = () => listGenres(deps.db);
  return deps.listingCounts ? deps.listingCounts.get('genres', load) : load();
}

/** An artist's public page: the account's public name and its published tracks, newest first. */
export async function artistPage(
  deps: Pick<ServiceDeps, 'db' | 'listingCounts'>,
  id: number,
  request: ListingRequest,
): Promise<{ artist: User; tracks: Listing<Track> }> {
  const artist = await findUserById(deps.db, id);
  if (!artist || !artist.isActive || (artist.role !== 'artist' && artist.role !== 'admin')) {
    throw fail('artist_not_found');
  }
  return { artist, tracks: await browseCatalog(deps, { artistUserId: id, sort: 'newest' }, request) };
}
