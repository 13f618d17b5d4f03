import type { Queryable } from '../pool';
import { findTrackById, TRACK_COLUMNS, type Track } from './tracks.repo';

/**
 * The public catalog's reads of the tracks table: published, not deleted.
 * Every query here stays on an index at 100,000 tracks
 * (test/integration/catalog-plans.test.ts checks the plans).
 */

export type CatalogSort = 'newest' | 'popular' | 'price';

// Fixed SQL per sort; the client only picks the key.
const ORDER: Record<CatalogSort, string> = {
  newest: 'created_at DESC, id DESC',
  popular: 'play_count DESC, id DESC',
  price: 'price_eur ASC, id ASC',
};

export interface CatalogQuery {
  /** Matched anywhere in "title artist", case-insensitively (trigram index). */
  search?: string;
  genre?: string;
  artistUserId?: number;
  sort: CatalogSort;
  limit: number;
  offset: number;
}

const PUBLIC = 'is_published = true AND is_deleted = false';

function where(query: CatalogQuery): { sql: string; params: unknown[] } {
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

/** The page and count statements of a catalog query, sharing one WHERE clause. */
function catalogStatements(query: CatalogQuery) {
  const w = where(query);
  const n = w.params.length;
  return {
    page: {
      text: `SELECT ${TRACK_COLUMNS} FROM tracks WHERE ${w.sql} ORDER BY ${ORDER[query.sort]} LIMIT $${n + 1} OFFSET $${n + 2}`,
      values: [...w.params, query.limit, query.offset],
    },
    count: { text: `SELECT count(*)::int AS n FROM tracks WHERE ${w.sql}`, values: w.params },
  };
}

/** The SQL of a catalog page, for the plan checks. */
export function catalogSql(query: CatalogQuery): { text: string; values: unknown[] } {
  return catalogStatements(query).page;
}

export async function listCatalog(db: Queryable, query: CatalogQuery): Promise<{ tracks: Track[]; total: number }> {
  const { page, count } = catalogStatements(query);
  const [rows, total] = await Promise.all([db.query<Track>(page), db.query<{ n: number }>(count)]);
  return { tracks: rows.rows, total: total.rows[0]!.n };
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
