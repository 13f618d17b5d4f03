import type { ApiTrack, TrackLicense } from '../../contract/api';
import type { Page } from '../../lib/page';
import { camelColumns } from '../columns';
import { selectPage, type Queryable, type Tx } from '../pool';
import { OFFER_COLUMNS, offerSelect, type Offer } from './offer';

export type { TrackLicense };

/** A track row; its release membership and release-page fields are exactly what the API sends of them. */
export interface Track
  extends Pick<ApiTrack, 'releaseId' | 'trackNumber' | 'discNumber' | 'lyrics' | 'isrc' | 'credits' | 'license' | 'tags'>, Offer {
  id: number;
  name: string;
  artist: string;
  artistUserId: number | null;
  genre: string | null;
  description: string | null;
  /** Storage key of the original audio. */
  audioFilename: string;
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
  /** The clip's type when it differs from the master's (an ALAC or AIFF master's clip is FLAC); null: the master's. */
  previewMime: string | null;
  coverFilename: string | null;
  coverMime: string | null;
}

// `price` mirrors price_eur (see schema.sql) and is deliberately not read.
export const TRACK_COLUMNS = camelColumns(`id, name, artist, artist_user_id, genre, description, audio_filename, ${offerSelect()},
  duration_seconds, file_size_bytes, play_count, is_published, is_free, free_preview_duration,
  is_deleted, deleted_at, created_at, updated_at, audio_sha256, audio_mime, audio_format, codec,
  bitrate, sample_rate, channels, preview_filename, preview_seconds::float8 AS "previewSeconds", preview_size_bytes,
  preview_mime, cover_filename, cover_mime, release_id, track_number, disc_number, lyrics, isrc, credits, license, tags`);

export async function findTrackById(db: Queryable, id: number): Promise<Track | undefined> {
  // Named: prepared once per connection, since every stream request runs it.
  const { rows } = await db.query<Track>({
    name: 'tracks.find-by-id',
    text: `SELECT ${TRACK_COLUMNS} FROM tracks WHERE id = $1`,
    values: [id],
  });
  return rows[0];
}

/** The tracks with these ids that exist (deleted ones included), in id order. */
export async function findTracksByIds(db: Queryable, ids: number[]): Promise<Track[]> {
  const { rows } = await db.query<Track>(`SELECT ${TRACK_COLUMNS} FROM tracks WHERE id = ANY($1::int[]) ORDER BY id`, [ids]);
  return rows;
}

export async function findTrackByOwnerAndName(db: Queryable, artistUserId: number, name: string): Promise<Track | undefined> {
  const { rows } = await db.query<Track>(`SELECT ${TRACK_COLUMNS} FROM tracks WHERE artist_user_id = $1 AND name = $2`, [
    artistUserId,
    name,
  ]);
  return rows[0];
}

export interface NewTrack extends Partial<Offer> {
  name: string;
  artist: string;
  artistUserId: number | null;
  genre?: string | null;
  description?: string | null;
  audioFilename: string;
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
  previewMime?: string | null;
  coverFilename?: string | null;
  coverMime?: string | null;
  lyrics?: string | null;
  isrc?: string | null;
  credits?: string | null;
  license?: TrackLicense;
  tags?: string[];
}

export async function insertTrack(db: Queryable, track: NewTrack): Promise<Track> {
  const { rows } = await db.query<Track>(
    `INSERT INTO tracks (name, artist, artist_user_id, genre, description, audio_filename, price_eur,
       duration_seconds, file_size_bytes, is_published, is_free, free_preview_duration,
       audio_sha256, audio_mime, audio_format, codec, bitrate, sample_rate, channels,
       preview_filename, preview_seconds, preview_size_bytes, cover_filename, cover_mime, lyrics, isrc, credits, license, tags,
       price_model, suggested_price, commercial_price, commercial_terms, streaming_price, streaming_days, preview_mime)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24,
       $25, $26, $27, $28, $29, $30, $31, $32, $33, $34, $35, $36)
     RETURNING ${TRACK_COLUMNS}`,
    [
      track.name,
      track.artist,
      track.artistUserId,
      track.genre ?? null,
      track.description ?? null,
      track.audioFilename,
      track.priceEur ?? '0.99',
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
      track.lyrics ?? null,
      track.isrc ?? null,
      track.credits ?? null,
      track.license ?? 'all-rights-reserved',
      track.tags ?? [],
      track.priceModel ?? (track.isFree ? 'free' : 'fixed'),
      track.suggestedPrice ?? null,
      track.commercialPrice ?? null,
      track.commercialTerms ?? null,
      track.streamingPrice ?? null,
      track.streamingDays ?? null,
      track.previewMime ?? null,
    ],
  );
  return rows[0]!;
}

export interface TrackChanges extends Partial<Offer> {
  name?: string;
  genre?: string | null;
  description?: string | null;
  isFree?: boolean;
  isPublished?: boolean;
  freePreviewDuration?: number;
  previewFilename?: string | null;
  previewSeconds?: number | null;
  previewSizeBytes?: number | null;
  previewMime?: string | null;
  coverFilename?: string | null;
  coverMime?: string | null;
  isDeleted?: boolean;
  deletedAt?: Date | null;
  lyrics?: string | null;
  isrc?: string | null;
  credits?: string | null;
  license?: TrackLicense;
  tags?: string[];
}

const CHANGE_COLUMNS: Record<keyof TrackChanges, string> = {
  ...OFFER_COLUMNS,
  name: 'name',
  genre: 'genre',
  description: 'description',
  isFree: 'is_free',
  isPublished: 'is_published',
  freePreviewDuration: 'free_preview_duration',
  previewFilename: 'preview_filename',
  previewSeconds: 'preview_seconds',
  previewSizeBytes: 'preview_size_bytes',
  previewMime: 'preview_mime',
  coverFilename: 'cover_filename',
  coverMime: 'cover_mime',
  isDeleted: 'is_deleted',
  deletedAt: 'deleted_at',
  lyrics: 'lyrics',
  isrc: 'isrc',
  credits: 'credits',
  license: 'license',
  tags: 'tags',
};

/** Applies the given changes; the column list comes from the fixed map above, values are parameters. */
export async function updateTrack(db: Queryable, id: number, changes: TrackChanges): Promise<Track | undefined> {
  const keys = (Object.keys(changes) as (keyof TrackChanges)[]).filter((k) => changes[k] !== undefined);
  if (keys.length === 0) return findTrackById(db, id);
  const sets = keys.map((k, i) => `${CHANGE_COLUMNS[k]} = $${i + 2}`).join(', ');
  const { rows } = await db.query<Track>(`UPDATE tracks SET ${sets} WHERE id = $1 RETURNING ${TRACK_COLUMNS}`, [
    id,
    ...keys.map((k) => changes[k]),
  ]);
  return rows[0];
}

/** Locks a track row for a change that also touches storage. */
export async function lockTrack(db: Tx, id: number): Promise<Track | undefined> {
  const { rows } = await db.query<Track>(`SELECT ${TRACK_COLUMNS} FROM tracks WHERE id = $1 FOR UPDATE`, [id]);
  return rows[0];
}

/** Every track of an owner (all states), or of every owner when `ownerId` is undefined; newest first. */
export async function listTracksForManagement(
  db: Queryable,
  ownerId: number | undefined,
  page: Page,
): Promise<{ tracks: Track[]; total: number }> {
  const { rows, total } = await selectPage<Track>(
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
  return { tracks: rows, total };
}

export async function countPublishedTracks(db: Queryable): Promise<number> {
  const { rows } = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM tracks WHERE is_published = true AND is_deleted = false');
  return rows[0]!.n;
}

/** Every stored file a track row names (audio, preview, cover), deleted tracks included: their buyers still play them. */
export async function listTrackFileKeys(
  db: Queryable,
): Promise<{ trackId: number; kind: 'audio' | 'preview' | 'cover' | 'rendition'; key: string }[]> {
  const { rows } = await db.query<{ id: number; kind: 'audio' | 'preview' | 'cover' | 'rendition'; key: string }>(
    `SELECT id, f.kind, f.key FROM tracks,
       LATERAL (VALUES ('audio', audio_filename), ('preview', preview_filename), ('cover', cover_filename)) AS f(kind, key)
     WHERE f.key IS NOT NULL
     UNION ALL SELECT track_id, 'rendition', storage_key FROM renditions`,
  );
  return rows.map((r) => ({ trackId: r.id, kind: r.kind, key: r.key }));
}

/** Removes a track row outright: only for one just inserted that nothing can refer to yet. */
export async function deleteTrackRow(db: Queryable, id: number): Promise<void> {
  await db.query('DELETE FROM tracks WHERE id = $1', [id]);
}
