import crypto from 'node:crypto';
import type { ApiManagedTrack, ApiTrack } from '../contract/api';
import type { Track } from '../db/repos/tracks.repo';
import { presentOffer } from './offer.presenter';

/** A short public version of an image's storage key (its random part), never the key itself. */
export const coverVersion = (key: string) => crypto.createHash('sha256').update(key).digest('hex').slice(0, 12);

/** A track as the catalog shows it: no storage keys, checksums or internal state. */
export function presentTrack(track: Track): ApiTrack {
  return {
    id: track.id,
    name: track.name,
    artist: track.artist,
    artistId: track.artistUserId,
    genre: track.genre,
    description: track.description,
    ...presentOffer(track),
    isFree: track.isFree,
    durationSeconds: track.durationSeconds,
    preview: track.previewFilename ? { seconds: track.previewSeconds } : null,
    playCount: track.playCount,
    // The version changes with the file, so the image can be cached and still change at once.
    coverUrl: track.coverFilename ? `/api/tracks/${track.id}/cover?v=${coverVersion(track.coverFilename)}` : null,
    createdAt: track.createdAt.toISOString(),
    releaseId: track.releaseId,
    trackNumber: track.trackNumber,
    discNumber: track.discNumber,
    lyrics: track.lyrics,
    isrc: track.isrc,
    credits: track.credits,
    license: track.license,
    tags: track.tags,
  };
}

/** A track as its artist (or an admin) manages it: every state, and what the upload found. */
export function presentManagedTrack(track: Track): ApiManagedTrack {
  return {
    ...presentTrack(track),
    isPublished: track.isPublished,
    isDeleted: track.isDeleted,
    deletedAt: track.deletedAt?.toISOString() ?? null,
    freePreviewDuration: track.freePreviewDuration,
    fileSizeBytes: track.fileSizeBytes,
    format: track.audioFormat,
    codec: track.codec,
    bitrate: track.bitrate,
    sampleRate: track.sampleRate,
    channels: track.channels,
    updatedAt: track.updatedAt.toISOString(),
  };
}
