import {
  countPublicReleases,
  findReleaseById,
  listPublicReleases,
  listReleaseTracks,
  type Release,
  type ReleaseQuery,
} from '../../db/repos/releases.repo';
import type { Track } from '../../db/repos/tracks.repo';
import { listReleaseExtras, type ReleaseExtra } from '../../db/repos/release-extras.repo';
import { releaseNotFound } from '../../lib/errors';
import { visibleCover, type CoverFile } from './catalog.service';
import { listingPage, type Listing, type ListingRequest } from './listing';
import { mayManageTrack, type Actor } from '../actor';
import type { ServiceDeps } from '../deps';

/** The store's releases: published and not deleted, for everyone. */
export function browseReleases(
  deps: Pick<ServiceDeps, 'db' | 'listingCounts'>,
  query: ReleaseQuery,
  request: ListingRequest,
): Promise<Listing<Release>> {
  const { sort, ...selects } = query;
  return listingPage(
    deps,
    {
      list: 'releases',
      filter: selects,
      sort,
      page: (position) => listPublicReleases(deps.db, query, position),
      count: () => countPublicReleases(deps.db, query),
    },
    request,
  );
}

const isPublic = (release: Release) => release.isPublished && !release.isDeleted;

/**
 * A release page: the release, its tracks in order and its extras (three queries). A
 * draft, scheduled or deleted release is its artist's and admins' only:
 * 404 for everyone else, as for one that does not exist.
 */
export async function getRelease(
  deps: Pick<ServiceDeps, 'db'>,
  actor: Actor | undefined,
  id: number,
): Promise<{ release: Release; tracks: Track[]; extras: ReleaseExtra[]; isPublic: boolean }> {
  const release = await findReleaseById(deps.db, id);
  if (!release || !(isPublic(release) || (mayManageTrack(actor, release) && !release.isDeleted))) throw releaseNotFound();
  const [tracks, extras] = await Promise.all([listReleaseTracks(deps.db, id), listReleaseExtras(deps.db, id)]);
  return { release, tracks, extras, isPublic: isPublic(release) };
}

/** The release's cover, under the same rule as a track's. */
export async function releaseCoverOf(deps: Pick<ServiceDeps, 'db'>, actor: Actor | undefined, id: number): Promise<CoverFile> {
  return visibleCover(actor, await findReleaseById(deps.db, id));
}
