import { camelColumns } from '../columns';
import { firstRow, type Queryable } from '../pool';

export interface Rendition {
  id: number;
  trackId: number;
  format: string;
  recipe: string;
  storageKey: string;
  sizeBytes: number;
  createdAt: Date;
}

const COLUMNS = camelColumns('id, track_id, format, recipe, storage_key, size_bytes::float8 AS "sizeBytes", created_at');

export function findRendition(db: Queryable, trackId: number, format: string, recipe: string): Promise<Rendition | undefined> {
  return firstRow<Rendition>(db, `SELECT ${COLUMNS} FROM renditions WHERE track_id = $1 AND format = $2 AND recipe = $3`, [
    trackId,
    format,
    recipe,
  ]);
}

/** Records a finished rendition; false when another worker recorded the same one first. */
export async function insertRendition(db: Queryable, r: Omit<Rendition, 'id' | 'createdAt'>): Promise<boolean> {
  const { rowCount } = await db.query(
    `INSERT INTO renditions (track_id, format, recipe, storage_key, size_bytes) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (track_id, format, recipe) DO NOTHING`,
    [r.trackId, r.format, r.recipe, r.storageKey, r.sizeBytes],
  );
  return (rowCount ?? 0) > 0;
}

/** The formats a track has a current rendition of (for its recipe per format). */
export async function listRenditionFormats(db: Queryable, trackId: number): Promise<{ format: string; recipe: string }[]> {
  const { rows } = await db.query<{ format: string; recipe: string }>('SELECT format, recipe FROM renditions WHERE track_id = $1', [
    trackId,
  ]);
  return rows;
}
