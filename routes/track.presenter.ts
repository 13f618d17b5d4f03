import type { Track } from '../db/repos/tracks.repo';

/** A track as the catalog shows it: no storage keys, checksums or internal state. */
export function presentTrack(track: Track) {
  return {
    id: track.id,
    name: track.name,
    artist: track.artist,
    artistId: track.artistUserId,
    genre: track.genre,
    description: track.description,
    priceEur: track.priceEur,
    isFree: track.isFree,
    durationSeconds: track.durationSeconds,
    preview: track.previewFilename ? { seconds: track.previewSeconds } : null,
    playCount: track.playCount,
    coverUrl: track.coverFilename ? `/api/tracks/${track.id}/cover` : null,
    createdAt: track.createdAt.toISOString(),
  };
}

/** A track as its artist (or an admin) manages it: every state, and what the upload found. */
export function presentManagedTrack(track: Track) {
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
