import { keysetStatement, selectKeysetPage, type KeysetPage, type PagePosition, type SortKey } from '../keyset';
import type { Queryable } from '../pool';
import { findTrackById, TRACK_COLUMNS, type Track } from './tracks.repo';

/**
 * The public catalog's reads of the tracks table: published, not deleted.
 * Every query here stays on an index at 100,000 tracks
 * (test/integration/catalog-plans.test.ts checks the plans).
 */

export type CatalogSort = 'newest' | 'popular' | 'price';

// Fixed SQL per sort; the client only picks the key. Each is one index (schema.sql).
const ORDER: Record<CatalogSort, SortKey> = {
  newest: { value: 'created_at', type: 'timestamptz', direction: 'DESC', id: 'id' },
  popular: { value: 'play_count', type: 'integer', direction: 'DESC', id: 'id' },
  price: { value: 'price_eur', type: 'numeric', direction: 'ASC', id: 'id' },
};

/** Which public tracks a listing shows, and in what order. */
export interface CatalogFilter {
  /** Matched anywhere in "title artist", case-insensitively (trigram index). */
  search?: string;
  genre?: string;
  artistUserId?: number;
  sort: CatalogSort;
}

const PUBLIC = 'is_published = true AND is_deleted = false';

function where(query: CatalogFilter): { sql: string; params: unknown[] } {
  const clauses = [PUBLIC];
  const params: unknown[] = [];
  if (query.search) {
    params.push(`%${query.search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
    clauses.push(`(name || ' ' || artist) ILIKE $${params.length}`);
  }
  if (query.genre) {
    params.push(query.genre);
    clauses.push(`genre = $${params.length}`);
  }
  if (query.artistUserId !== undefined) {
    params.push(query.artistUserId);
    clauses.push(`artist_user_id = $${params.length}`);
  }
  return { sql: clauses.join(' AND '), params };
}

// A search is planned with its term (how many tracks it matches decides the plan); the rest are prepared.
const pageQuery = (filter: CatalogFilter) => {
  const w = where(filter);
  return { select: TRACK_COLUMNS, from: 'tracks', where: w.sql, values: w.params, prepare: !filter.search };
};

/** The SQL of a catalog page, for the plan checks. */
export function catalogSql(filter: CatalogFilter, position: PagePosition): { text: string; values: unknown[] } {
  return keysetStatement(pageQuery(filter), ORDER[filter.sort], position);
}

/** One page of the public tracks a filter selects, and where the next page starts. */
export function listCatalog(db: Queryable, filter: CatalogFilter, position: PagePosition): Promise<KeysetPage<Track>> {
  return selectKeysetPage<Track>(db, pageQuery(filter), ORDER[filter.sort], position);
}

/** How many public tracks a filter selects (its sort does not matter). */
export async function countCatalog(db: Queryable, filter: CatalogFilter): Promise<number> {
  const w = where(filter);
  const { rows } = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM tracks WHERE ${w.sql}`, w.params);
  return rows[0]!.n;
}

export async function findPublicTrack(db: Queryable, id: number): Promise<Track | undefined> {
  const track = await findTrackById(db, id);
  return track && track.isPublished && !track.isDeleted ? track : undefined;
}

export async function listGenres(db: Queryable): Promise<{ genre: string; tracks: number }[]> {
  const { rows } = await db.query<{ genre: string; tracks: number }>(
    `SELECT genre, count(*)::int AS tracks FROM tracks WHERE ${PUBLIC} AND genre IS NOT NULL GROUP BY genre ORDER BY genre`,
  );
  return rows;
}
