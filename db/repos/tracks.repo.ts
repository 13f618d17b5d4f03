import type { Queryable } from '../pool';

interface TrackRow {
  id: number;
  name: string;
  artist: string;
  artist_user_id: number | null;
  genre: string | null;
  description: string | null;
  audio_filename: string;
  price_eur: string;
  duration_seconds: number | null;
  file_size_bytes: number | null;
  play_count: number;
  is_published: boolean;
  is_free: boolean;
  free_preview_duration: number;
  is_deleted: boolean;
  deleted_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

export interface Track {
  id: number;
  name: string;
  artist: string;
  artistUserId: number | null;
  genre: string | null;
  description: string | null;
  /** Storage key of the original audio. */
  audioFilename: string;
  /** Exact decimal string, e.g. "0.99"; never a float. */
  priceEur: string;
  durationSeconds: number | null;
  fileSizeBytes: number | null;
  playCount: number;
  isPublished: boolean;
  isFree: boolean;
  freePreviewDuration: number;
  isDeleted: boolean;
  deletedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

// `price` mirrors price_eur (see schema.sql) and is deliberately not read.
const COLUMNS = `id, name, artist, artist_user_id, genre, description, audio_filename, price_eur,
  duration_seconds, file_size_bytes, play_count, is_published, is_free, free_preview_duration,
  is_deleted, deleted_at, created_at, updated_at`;

function toTrack(row: TrackRow): Track {
  return {
    id: row.id,
    name: row.name,
    artist: row.artist,
    artistUserId: row.artist_user_id,
    genre: row.genre,
    description: row.description,
    audioFilename: row.audio_filename,
    priceEur: row.price_eur,
    durationSeconds: row.duration_seconds,
    fileSizeBytes: row.file_size_bytes,
    playCount: row.play_count,
    isPublished: row.is_published,
    isFree: row.is_free,
    freePreviewDuration: row.free_preview_duration,
    isDeleted: row.is_deleted,
    deletedAt: row.deleted_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export async function findTrackById(db: Queryable, id: number): Promise<Track | undefined> {
  const { rows } = await db.query<TrackRow>(`SELECT ${COLUMNS} FROM tracks WHERE id = $1`, [id]);
  return rows[0] ? toTrack(rows[0]) : undefined;
}

export async function findTrackByOwnerAndName(db: Queryable, artistUserId: number, name: string): Promise<Track | undefined> {
  const { rows } = await db.query<TrackRow>(`SELECT ${COLUMNS} FROM tracks WHERE artist_user_id = $1 AND name = $2`, [
    artistUserId,
    name,
  ]);
  return rows[0] ? toTrack(rows[0]) : undefined;
}

export interface NewTrack {
  name: string;
  artist: string;
  artistUserId: number | null;
  genre?: string | null;
  description?: string | null;
  audioFilename: string;
  priceEur: string;
  durationSeconds?: number | null;
  fileSizeBytes?: number | null;
  isPublished?: boolean;
  isFree?: boolean;
  freePreviewDuration?: number;
}

export async function insertTrack(db: Queryable, track: NewTrack): Promise<Track> {
  const { rows } = await db.query<TrackRow>(
    `INSERT INTO tracks (name, artist, artist_user_id, genre, description, audio_filename, price_eur,
       duration_seconds, file_size_bytes, is_published, is_free, free_preview_duration)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
     RETURNING ${COLUMNS}`,
    [
      track.name,
      track.artist,
      track.artistUserId,
      track.genre ?? null,
      track.description ?? null,
      track.audioFilename,
      track.priceEur,
      track.durationSeconds ?? null,
      track.fileSizeBytes ?? null,
      track.isPublished ?? false,
      track.isFree ?? false,
      track.freePreviewDuration ?? 40,
    ],
  );
  return toTrack(rows[0]!);
}

export async function countPublishedTracks(db: Queryable): Promise<number> {
  const { rows } = await db.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM tracks WHERE is_published = true AND is_deleted = false',
  );
  return rows[0]!.n;
}
