import type { ReleaseType } from '../../contract/api';
import type { Page } from '../../lib/page';
import { camelColumns } from '../columns';
import { firstRow, selectPage, type Queryable, type Tx } from '../pool';
import { keysetStatement, selectKeysetPage, type KeysetPage, type PagePosition, type SortKey } from '../keyset';
import { TRACK_COLUMNS, type Track } from './tracks.repo';
import { OFFER_COLUMNS, offerSelect, type Offer } from './offer';

export type { ReleaseType };

export interface Release extends Offer {
  id: number;
  artistUserId: number | null;
  /** The artist's public name (as publicName() makes it); null when no account owns it. */
  artistName: string | null;
  artistSlug: string | null;
  title: string;
  releaseType: ReleaseType;
  description: string | null;
  credits: string | null;
  /** YYYY-MM-DD. */
  releaseDate: string | null;
  publishAt: Date | null;
  isPublished: boolean;
  publishedAt: Date | null;
  coverFilename: string | null;
  coverMime: string | null;
  catalogueNumber: string | null;
  upc: string | null;
  tags: string[];
  isDeleted: boolean;
  deletedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
  /** Tracks in the release that are not deleted, and their summed length. */
  trackCount: number;
  durationSeconds: number;
}

/** Visible in the store: published and not deleted (a scheduled release is unpublished until its time). */
export const PUBLIC_RELEASE = 'r.is_published AND NOT r.is_deleted';

const RELEASE_FROM = `releases r LEFT JOIN users u ON u.id = r.artist_user_id LEFT JOIN artist_profiles ap ON ap.user_id = r.artist_user_id`;
const RELEASE_COLUMNS =
  camelColumns(`r.id, r.artist_user_id, COALESCE(NULLIF(trim(u.display_name), ''), 'Artist #' || u.id) AS "artistName", ap.slug AS "artistSlug",
  r.title, r.release_type, r.description, r.credits, to_char(r.release_date, 'YYYY-MM-DD') AS "releaseDate", r.publish_at,
  r.is_published, r.published_at, r.cover_filename, r.cover_mime, r.catalogue_number, r.upc, ${offerSelect('r')}, r.tags,
  r.is_deleted, r.deleted_at, r.created_at, r.updated_at,
  (SELECT count(*)::int FROM tracks t WHERE t.release_id = r.id AND NOT t.is_deleted) AS "trackCount",
  (SELECT COALESCE(sum(t.duration_seconds), 0)::int FROM tracks t WHERE t.release_id = r.id AND NOT t.is_deleted) AS "durationSeconds"`);

export interface ReleaseFields extends Partial<Offer> {
  title: string;
  releaseType: ReleaseType;
  description: string | null;
  credits: string | null;
  releaseDate: string | null;
  catalogueNumber: string | null;
  upc: string | null;
  tags: string[];
}

const FIELD_COLUMNS: Record<keyof ReleaseFields | 'isPublished' | 'publishAt' | 'publishedAt' | 'isDeleted' | 'deletedAt', string> = {
  title: 'title',
  releaseType: 'release_type',
  description: 'description',
  credits: 'credits',
  releaseDate: 'release_date',
  catalogueNumber: 'catalogue_number',
  upc: 'upc',
  ...OFFER_COLUMNS,
  tags: 'tags',
  isPublished: 'is_published',
  publishAt: 'publish_at',
  publishedAt: 'published_at',
  isDeleted: 'is_deleted',
  deletedAt: 'deleted_at',
};

export type ReleaseChanges = Partial<ReleaseFields> & {
  isPublished?: boolean;
  publishAt?: Date | null;
  publishedAt?: Date | null;
  isDeleted?: boolean;
  deletedAt?: Date | null;
};

export async function insertRelease(db: Queryable, artistUserId: number, fields: ReleaseFields): Promise<Release> {
  const keys = Object.keys(fields) as (keyof ReleaseFields)[];
  const { rows } = await db.query<{ id: number }>(
    `INSERT INTO releases (artist_user_id, ${keys.map((k) => FIELD_COLUMNS[k]).join(', ')})
     VALUES ($1, ${keys.map((_, i) => `$${i + 2}`).join(', ')}) RETURNING id`,
    [artistUserId, ...keys.map((k) => fields[k])],
  );
  await refreshReleaseSummary(db, [rows[0]!.id]);
  return (await findReleaseById(db, rows[0]!.id))!;
}

/** The statement of one release by id (with its track count and length), as the release page runs it. */
const releaseById = (id: number) => ({ text: `SELECT ${RELEASE_COLUMNS} FROM ${RELEASE_FROM} WHERE r.id = $1`, values: [id] });

/** The statement of a release's tracks in order (disc, then number); deleted ones only when asked. */
const tracksOfRelease = (releaseId: number, withDeleted = false) => ({
  text: `SELECT ${TRACK_COLUMNS} FROM tracks WHERE release_id = $1 ${withDeleted ? '' : 'AND NOT is_deleted'} ORDER BY disc_number, track_number, id`,
  values: [releaseId],
});

export async function findReleaseById(db: Queryable, id: number): Promise<Release | undefined> {
  return (await db.query<Release>(releaseById(id))).rows[0];
}

export function findReleaseByOwnerAndTitle(db: Queryable, artistUserId: number, title: string): Promise<Release | undefined> {
  return firstRow<Release>(db, `SELECT ${RELEASE_COLUMNS} FROM ${RELEASE_FROM} WHERE r.artist_user_id = $1 AND r.title = $2`, [
    artistUserId,
    title,
  ]);
}

/** The releases with these ids that exist (deleted ones included), in id order. */
export async function findReleasesByIds(db: Queryable, ids: number[]): Promise<Release[]> {
  if (!ids.length) return [];
  const { rows } = await db.query<Release>(`SELECT ${RELEASE_COLUMNS} FROM ${RELEASE_FROM} WHERE r.id = ANY($1::int[]) ORDER BY r.id`, [
    ids,
  ]);
  return rows;
}

/** The tracks (not deleted) of these releases, in release and track order. */
export async function findTracksOfReleases(db: Queryable, releaseIds: number[]): Promise<Track[]> {
  if (!releaseIds.length) return [];
  const { rows } = await db.query<Track>(
    `SELECT ${TRACK_COLUMNS} FROM tracks WHERE release_id = ANY($1::int[]) AND NOT is_deleted ORDER BY release_id, disc_number, track_number`,
    [releaseIds],
  );
  return rows;
}

/** Locks a release row for a change of its tracks, cover or state. */
export async function lockRelease(tx: Tx, id: number): Promise<Release | undefined> {
  const { text, values } = releaseById(id);
  return (await tx.query<Release>(`${text} FOR UPDATE OF r`, values)).rows[0];
}

/** Applies the changes (columns from the fixed map above, values as parameters). */
export async function updateRelease(db: Queryable, id: number, changes: ReleaseChanges): Promise<void> {
  const keys = (Object.keys(changes) as (keyof ReleaseChanges)[]).filter((k) => changes[k] !== undefined);
  if (!keys.length) return;
  const sets = keys.map((k, i) => `${FIELD_COLUMNS[k]} = $${i + 2}`).join(', ');
  await db.query(`UPDATE releases SET ${sets} WHERE id = $1`, [id, ...keys.map((k) => changes[k])]);
  if (keys.some((k) => k === 'title' || k === 'tags')) await refreshReleaseSummary(db, [id]);
}

export async function setReleaseCover(db: Queryable, id: number, cover: { filename: string; mime: string } | null): Promise<void> {
  await db.query('UPDATE releases SET cover_filename = $2, cover_mime = $3 WHERE id = $1', [
    id,
    cover?.filename ?? null,
    cover?.mime ?? null,
  ]);
}

/** A release's tracks in order (disc, then number); deleted ones only when asked. */
export async function listReleaseTracks(db: Queryable, releaseId: number, options: { withDeleted?: boolean } = {}): Promise<Track[]> {
  return (await db.query<Track>(tracksOfRelease(releaseId, options.withDeleted))).rows;
}

/**
 * Makes `trackIds` the release's tracks, numbered 1… in that order on disc 1;
 * tracks that were in it and are not listed become standalone again. Member
 * tracks are published exactly when the release is. Positions are checked at
 * commit, so the reorder is one consistent step.
 */
export async function setReleaseTracks(tx: Tx, releaseId: number, trackIds: number[], isPublished: boolean): Promise<void> {
  await tx.query(
    `UPDATE tracks SET release_id = NULL, track_number = NULL, disc_number = 1 WHERE release_id = $1 AND NOT (id = ANY($2::int[]))`,
    [releaseId, trackIds],
  );
  await tx.query(
    `UPDATE tracks t SET release_id = $1, track_number = m.n, disc_number = 1, is_published = $3 AND NOT t.is_deleted
     FROM unnest($2::int[]) WITH ORDINALITY AS m(id, n) WHERE t.id = m.id`,
    [releaseId, trackIds, isPublished],
  );
  await refreshReleaseSummary(tx, [releaseId]);
}

/** Publishes or unpublishes a release's tracks with it. */
export async function setReleaseTracksPublished(db: Queryable, releaseId: number, isPublished: boolean): Promise<void> {
  await db.query('UPDATE tracks SET is_published = $2 WHERE release_id = $1 AND NOT is_deleted', [releaseId, isPublished]);
}

/**
 * Recomputes what is derived from a release's tracks: the text search
 * matches (title, artist, tags, its tracks' titles and tags, lower case) and
 * its play count (after tracks join or leave it).
 */
export async function refreshReleaseSummary(db: Queryable, releaseIds: number[]): Promise<void> {
  await db.query(
    `UPDATE releases r SET search_text = lower(concat_ws(' ', r.title, array_to_string(r.tags, ' '),
       (SELECT u.display_name FROM users u WHERE u.id = r.artist_user_id),
       (SELECT string_agg(t.name || ' ' || array_to_string(t.tags, ' '), ' ') FROM tracks t WHERE t.release_id = r.id AND NOT t.is_deleted))),
       play_count = (SELECT COALESCE(sum(t.play_count), 0) FROM tracks t WHERE t.release_id = r.id)
     WHERE r.id = ANY($1::int[])`,
    [releaseIds],
  );
}

/**
 * Publishes every release whose scheduled time has come, and its tracks, in
 * one statement: a release is published by exactly one caller even when
 * several app servers run this at the same moment (the second waits for the
 * row and then no longer sees it as due).
 * @returns the ids it published.
 */
export async function publishDueReleases(db: Queryable, now: Date): Promise<number[]> {
  const { rows } = await db.query<{ id: number }>(
    `WITH due AS (
       UPDATE releases SET is_published = true, published_at = $1
       WHERE NOT is_published AND NOT is_deleted AND publish_at IS NOT NULL AND publish_at <= $1
       RETURNING id
     ), tracks_published AS (
       UPDATE tracks SET is_published = true WHERE release_id IN (SELECT id FROM due) AND NOT is_deleted
     )
     SELECT id FROM due ORDER BY id`,
    [now],
  );
  return rows.map((r) => r.id);
}

/** Every release of an owner (all states), or of every owner when `ownerId` is undefined; newest first. */
export async function listReleasesForManagement(
  db: Queryable,
  ownerId: number | undefined,
  page: Page,
): Promise<{ releases: Release[]; total: number }> {
  const query = { select: RELEASE_COLUMNS, from: RELEASE_FROM, values: [ownerId ?? null], orderBy: 'r.created_at DESC, r.id DESC' };
  const { rows, total } = await selectPage<Release>(db, { ...query, where: '$1::int IS NULL OR r.artist_user_id = $1' }, page);
  return { releases: rows, total };
}

export type ReleaseSort = 'newest' | 'popular' | 'price' | 'release-date';

// Fixed SQL per sort; the client only picks the key. Each is one index (schema.sql);
// releases without a date sort last, as -infinity.
const RELEASE_ORDER: Record<ReleaseSort, SortKey> = {
  newest: { value: 'r.created_at', type: 'timestamptz', direction: 'DESC', id: 'r.id' },
  popular: { value: 'r.play_count', type: 'integer', direction: 'DESC', id: 'r.id' },
  price: { value: 'r.price_eur', type: 'numeric', direction: 'ASC', id: 'r.id' },
  'release-date': { value: "COALESCE(r.release_date, '-infinity'::date)", type: 'date', direction: 'DESC', id: 'r.id' },
};

export interface ReleaseQuery {
  /** Matched anywhere in title, artist, tags and track titles (trigram index). */
  search?: string;
  tag?: string;
  type?: ReleaseType;
  artistUserId?: number;
  sort: ReleaseSort;
}

/** The WHERE clause and values of a public release query. */
export function releaseWhere(query: ReleaseQuery): { where: string; values: unknown[] } {
  const clauses = [PUBLIC_RELEASE];
  const values: unknown[] = [];
  const add = (sql: string, value: unknown) => {
    values.push(value);
    clauses.push(sql.replace('?', `$${values.length}`));
  };
  if (query.search) add('r.search_text LIKE ?', `%${query.search.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
  if (query.tag) add('r.tags @> ARRAY[?]::text[]', query.tag);
  if (query.type) add('r.release_type = ?', query.type);
  if (query.artistUserId !== undefined) add('r.artist_user_id = ?', query.artistUserId);
  return { where: clauses.join(' AND '), values };
}

// A search is planned with its term (how many releases it matches decides the plan); the rest are prepared.
const publicQuery = (query: ReleaseQuery) => ({
  select: RELEASE_COLUMNS,
  from: RELEASE_FROM,
  ...releaseWhere(query),
  prepare: !query.search,
});

/** One page of the store's releases (published, not deleted), filtered and sorted, and where the next page starts. */
export function listPublicReleases(db: Queryable, query: ReleaseQuery, position: PagePosition): Promise<KeysetPage<Release>> {
  return selectKeysetPage<Release>(db, publicQuery(query), RELEASE_ORDER[query.sort], position);
}

const countStatement = (query: ReleaseQuery) => {
  const { where, values } = releaseWhere(query);
  return { text: `SELECT count(*)::int AS n FROM releases r WHERE ${where}`, values };
};

/** How many public releases a query selects (its sort does not matter). */
export async function countPublicReleases(db: Queryable, query: ReleaseQuery): Promise<number> {
  const { rows } = await db.query<{ n: number }>(countStatement(query));
  return rows[0]!.n;
}

/** The statements of a page of public releases and of a release page, for the plan checks. */
export const releaseSql = {
  list: (query: ReleaseQuery, position: PagePosition) => ({
    rows: keysetStatement(publicQuery(query), RELEASE_ORDER[query.sort], position),
    count: countStatement(query),
  }),
  one: releaseById,
  tracks: (id: number) => tracksOfRelease(id),
};
