import { camelColumns } from '../columns';
import { firstRow, type Queryable } from '../pool';

export interface ReleaseExtra {
  id: number;
  releaseId: number;
  /** The file's name in the ZIP (and on the release page). */
  name: string;
  storageKey: string;
  mime: string;
  sizeBytes: number;
  createdAt: Date;
}

const COLUMNS = camelColumns('id, release_id, name, storage_key, mime, size_bytes::float8 AS "sizeBytes", created_at');

/** A release's extras, in the order they were attached. */
export async function listReleaseExtras(db: Queryable, releaseId: number): Promise<ReleaseExtra[]> {
  const { rows } = await db.query<ReleaseExtra>(`SELECT ${COLUMNS} FROM release_extras WHERE release_id = $1 ORDER BY id`, [releaseId]);
  return rows;
}

/** Records an extra; undefined when the release has one of that name already. */
export function insertReleaseExtra(db: Queryable, extra: Omit<ReleaseExtra, 'id' | 'createdAt'>): Promise<ReleaseExtra | undefined> {
  return firstRow<ReleaseExtra>(
    db,
    `INSERT INTO release_extras (release_id, name, storage_key, mime, size_bytes) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (release_id, name) DO NOTHING RETURNING ${COLUMNS}`,
    [extra.releaseId, extra.name, extra.storageKey, extra.mime, extra.sizeBytes],
  );
}

/** Removes one extra of a release; the removed row (its file is the caller's to remove), or undefined. */
export function deleteReleaseExtra(db: Queryable, releaseId: number, id: number): Promise<ReleaseExtra | undefined> {
  return firstRow<ReleaseExtra>(db, `DELETE FROM release_extras WHERE release_id = $1 AND id = $2 RETURNING ${COLUMNS}`, [releaseId, id]);
}
