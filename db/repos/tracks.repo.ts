import type { Page } from '../../lib/page';
import { selectPage, type Queryable, type Tx } from '../pool';

export interface TrackRow {
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
  audio_sha256: string | null;
  audio_mime: string | null;
  audio_format: string | null;
  codec: string | null;
  bitrate: number | null;
  sample_rate: number | null;
  channels: number | null;
  preview_filename: string | null;
  preview_seconds: string | null;
  preview_size_bytes: number | null;
  cover_filename: string | null;
  cover_mime: string | null;
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
  audioSha256: string | null;
  audioMime: string | null;
  audioFormat: string | null;
  codec: string | null;
  /** Bits per second. */
  bitrate: number | null;
  sampleRate: number | null;
  channels: number | null;
  /** Storage key of the preview clip; null when there is none (0 s preview). */
  previewFilename: string | null;
  /** Exact length of the preview clip in seconds. */
  previewSeconds: number | null;
  previewSizeBytes: number | null;
  coverFilename: string | null;
  coverMime: string | null;
}

// `price` mirrors price_eur (see schema.sql) and is deliberately not read.
export const TRACK_COLUMNS = `id, name, artist, artist_user_id, genre, description, audio_filename, price_eur,
  duration_seconds, file_size_bytes, play_count, is_published, is_free, free_preview_duration,
  is_deleted, deleted_at, created_at, updated_at, audio_sha256, audio_mime, audio_format, codec,
  bitrate, sample_rate, channels, preview_filename, preview_seconds, preview_size_bytes,
  cover_filename, cover_mime`;

export function toTrack(row: TrackRow): Track {
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
    audioSha256: row.audio_sha256,
    audioMime: row.audio_mime,
    audioFormat: row.audio_format,
    codec: row.codec,
    bitrate: row.bitrate,
    sampleRate: row.sample_rate,
    channels: row.channels,
    previewFilename: row.preview_filename,
    previewSeconds: row.preview_seconds === null ? null : Number(row.preview_seconds),
    previewSizeBytes: row.preview_size_bytes,
    coverFilename: row.cover_filename,
    coverMime: row.cover_mime,
  };
}

export async function findTrackById(db: Queryable, id: number): Promise<Track | undefined> {
  // Named: prepared once per connection, since every stream request runs it.
  const { rows } = await db.query<TrackRow>({
    name: 'tracks.find-by-id',
    text: `SELECT ${TRACK_COLUMNS} FROM tracks WHERE id = $1`,
    values: [id],
  });
  return rows[0] ? toTrack(rows[0]) : undefined;
}

/** The tracks with these ids that exist (deleted ones included), in id order. */
export async function findTracksByIds(db: Queryable, ids: number[]): Promise<Track[]> {
  const { rows } = await db.query<TrackRow>(`SELECT ${TRACK_COLUMNS} FROM tracks WHERE id = ANY($1::int[]) ORDER BY id`, [ids]);
  return rows.map(toTrack);
}

export async function findTrackByOwnerAndName(db: Queryable, artistUserId: number, name: string): Promise<Track | undefined> {
  const { rows } = await db.query<TrackRow>(`SELECT ${TRACK_COLUMNS} FROM tracks WHERE artist_user_id = $1 AND name = $2`, [
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
  audioSha256?: string | null;
  audioMime?: string | null;
  audioFormat?: string | null;
  codec?: string | null;
  bitrate?: number | null;
  sampleRate?: number | null;
  channels?: number | null;
  previewFilename?: string | null;
  previewSeconds?: number | null;
  previewSizeBytes?: number | null;
  coverFilename?: string | null;
  coverMime?: string | null;
}

export async function insertTrack(db: Queryable, track: NewTrack): Promise<Track> {
  const { rows } = await db.query<TrackRow>(
    `INSERT INTO tracks (name, artist, artist_user_id, genre, description, audio_filename, price_eur,
       duration_seconds, file_size_bytes, is_published, is_free, free_preview_duration,
       audio_sha256, audio_mime, audio_format, codec, bitrate, sample_rate, channels,
       preview_filename, preview_seconds, preview_size_bytes, cover_filename, cover_mime)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24)
     RETURNING ${TRACK_COLUMNS}`,
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
      track.audioSha256 ?? null,
      track.audioMime ?? null,
      track.audioFormat ?? null,
      track.codec ?? null,
      track.bitrate ?? null,
      track.sampleRate ?? null,
      track.channels ?? null,
      track.previewFilename ?? null,
      track.previewSeconds ?? null,
      track.previewSizeBytes ?? null,
      track.coverFilename ?? null,
      track.coverMime ?? null,
    ],
  );
  return toTrack(rows[0]!);
}

export interface TrackChanges {
  name?: string;
  genre?: string | null;
  description?: string | null;
  priceEur?: string;
  isFree?: boolean;
  isPublished?: boolean;
  freePreviewDuration?: number;
  previewFilename?: string | null;
  previewSeconds?: number | null;
  previewSizeBytes?: number | null;
  coverFilename?: string | null;
  coverMime?: string | null;
  isDeleted?: boolean;
  deletedAt?: Date | null;
}

const CHANGE_COLUMNS: Record<keyof TrackChanges, string> = {
  name: 'name',
  genre: 'genre',
  description: 'description',
  priceEur: 'price_eur',
  isFree: 'is_free',
  isPublished: 'is_published',
  freePreviewDuration: 'free_preview_duration',
  previewFilename: 'preview_filename',
  previewSeconds: 'preview_seconds',
  previewSizeBytes: 'preview_size_bytes',
  coverFilename: 'cover_filename',
  coverMime: 'cover_mime',
  isDeleted: 'is_deleted',
  deletedAt: 'deleted_at',
};

/** Applies the given changes; the column list comes from the fixed map above, values are parameters. */
export async function updateTrack(db: Queryable, id: number, changes: TrackChanges): Promise<Track | undefined> {
  const keys = (Object.keys(changes) as (keyof TrackChanges)[]).filter((k) => changes[k] !== undefined);
  if (keys.length === 0) return findTrackById(db, id);
  const sets = keys.map((k, i) => `${CHANGE_COLUMNS[k]} = $${i + 2}`).join(', ');
  const { rows } = await db.query<TrackRow>(`UPDATE tracks SET ${sets} WHERE id = $1 RETURNING ${TRACK_COLUMNS}`, [
    id,
    ...keys.map((k) => changes[k]),
  ]);
  return rows[0] && toTrack(rows[0]);
}

/** Locks a track row for a change that also touches storage. */
export async function lockTrack(db: Tx, id: number): Promise<Track | undefined> {
  const { rows } = await db.query<TrackRow>(`SELECT ${TRACK_COLUMNS} FROM tracks WHERE id = $1 FOR UPDATE`, [id]);
  return rows[0] && toTrack(rows[0]);
}

/** Every track of an owner (all states), or of every owner when `ownerId` is undefined; newest first. */
export async function listTracksForManagement(
  db: Queryable,
  ownerId: number | undefined,
  page: Page,
): Promise<{ tracks: Track[]; total: number }> {
  const { rows, total } = await selectPage<TrackRow>(
    db,
    {
      select: TRACK_COLUMNS,
      from: 'tracks',
      where: '$1::int IS NULL OR artist_user_id = $1',
      values: [ownerId ?? null],
      orderBy: 'created_at DESC, id DESC',
    },
    page,
  );
  return { tracks: rows.map(toTrack), total };
}

export async function countPublishedTracks(db: Queryable): Promise<number> {
  const { rows } = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM tracks WHERE is_published = true AND is_deleted = false');
  return rows[0]!.n;
}

/** Every stored file a track row names (audio, preview, cover), deleted tracks included: their buyers still play them. */
export async function listTrackFileKeys(db: Queryable): Promise<{ trackId: number; kind: 'audio' | 'preview' | 'cover'; key: string }[]> {
  const { rows } = await db.query<{ id: number; kind: 'audio' | 'preview' | 'cover'; key: string }>(
    `SELECT id, f.kind, f.key FROM tracks,
       LATERAL (VALUES ('audio', audio_filename), ('preview', preview_filename), ('cover', cover_filename)) AS f(kind, key)
     WHERE f.key IS NOT NULL`,
  );
  return rows.map((r) => ({ trackId: r.id, kind: r.kind, key: r.key }));
}
