import { findReleaseById, listPublicReleases, listReleaseTracks, type Release, type ReleaseQuery } from '../../db/repos/releases.repo';
import type { Track } from '../../db/repos/tracks.repo';
import { listReleaseExtras, type ReleaseExtra } from '../../db/repos/release-extras.repo';
import { releaseNotFound } from '../../lib/errors';
import { visibleCover, type CoverFile } from './catalog.service';
import type { Page } from '../../lib/page';
import { mayManageTrack, type Actor } from '../actor';
import type { ServiceDeps } from '../deps';

/** The store's releases: published and not deleted, for everyone. */
export function browseReleases(
  deps: Pick<ServiceDeps, 'db'>,
  query: ReleaseQuery,
  page: Page,
): Promise<{ releases: Release[]; total: number }> {
  return listPublicReleases(deps.db, query, page);
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
