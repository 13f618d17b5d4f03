import type { ApiArtist, ApiManagedRelease, ApiRelease, ApiReleaseExtra } from '../contract/api';
import type { ReleaseExtra } from '../db/repos/release-extras.repo';
import type { ArtistProfile } from '../db/repos/artist-profiles.repo';
import type { Release } from '../db/repos/releases.repo';
import type { Track } from '../db/repos/tracks.repo';
import { presentOffer } from './offer.presenter';
import { coverVersion, presentManagedTrack, presentTrack } from './track.presenter';

/** A release as the store shows it; with `tracks` (in order) on its own page. */
export function presentRelease(release: Release, tracks?: Track[]): ApiRelease {
  const year = release.releaseDate ? Number(release.releaseDate.slice(0, 4)) : (release.publishedAt?.getUTCFullYear() ?? null);
  return {
    id: release.id,
    title: release.title,
    type: release.releaseType,
    artist: { id: release.artistUserId, name: release.artistName, slug: release.artistSlug },
    description: release.description,
    credits: release.credits,
    releaseDate: release.releaseDate,
    year,
    catalogueNumber: release.catalogueNumber,
    upc: release.upc,
    ...presentOffer(release),
    tags: release.tags,
    trackCount: release.trackCount,
    durationSeconds: release.durationSeconds,
    coverUrl: release.coverFilename ? `/api/releases/${release.id}/cover?v=${coverVersion(release.coverFilename)}` : null,
    publishedAt: release.publishedAt?.toISOString() ?? null,
    ...(tracks && { tracks: tracks.map(presentTrack) }),
  };
}

/** A release as its artist (or an admin) manages it. */
export function presentManagedRelease(release: Release, tracks: Track[]): ApiManagedRelease {
  return {
    ...presentRelease(release),
    isPublished: release.isPublished,
    publishAt: release.publishAt?.toISOString() ?? null,
    isDeleted: release.isDeleted,
    createdAt: release.createdAt.toISOString(),
    updatedAt: release.updatedAt.toISOString(),
    tracks: tracks.map(presentManagedTrack),
  };
}

export const presentExtra = (extra: ReleaseExtra): ApiReleaseExtra => ({
  id: extra.id,
  name: extra.name,
  mime: extra.mime,
  sizeBytes: extra.sizeBytes,
});

export function presentArtist(profile: ArtistProfile): ApiArtist {
  return {
    id: profile.userId,
    name: profile.name,
    slug: profile.slug,
    bio: profile.bio,
    location: profile.location,
    avatarUrl: profile.avatarFilename ? `/api/artists/${profile.userId}/avatar?v=${coverVersion(profile.avatarFilename)}` : null,
    links: profile.links,
  };
}
