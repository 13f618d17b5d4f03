import { camelColumns } from '../columns';
import { firstRow, type Queryable } from '../pool';

export interface ReleaseZip {
  id: number;
  releaseId: number;
  format: string;
  digest: string;
  storageKey: string;
  sizeBytes: number;
  createdAt: Date;
}

const COLUMNS = camelColumns('id, release_id, format, digest, storage_key, size_bytes::float8 AS "sizeBytes", created_at');

export function findReleaseZip(db: Queryable, releaseId: number, format: string, digest: string): Promise<ReleaseZip | undefined> {
  return firstRow<ReleaseZip>(db, `SELECT ${COLUMNS} FROM release_zips WHERE release_id = $1 AND format = $2 AND digest = $3`, [
    releaseId,
    format,
    digest,
  ]);
}

/**
 * Records a built ZIP (the same ZIP recorded first by another worker is
 * kept: its key is the same) and drops the release's older ZIPs in that
 * format, whose digests match nothing any more; resolves to their storage
 * keys, for the caller to remove.
 */
export async function recordReleaseZip(db: Queryable, zip: Omit<ReleaseZip, 'id' | 'createdAt'>): Promise<string[]> {
  const { rows } = await db.query<{ storageKey: string }>(
    `WITH recorded AS (
       INSERT INTO release_zips (release_id, format, digest, storage_key, size_bytes) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (release_id, format, digest) DO NOTHING
     )
     DELETE FROM release_zips WHERE release_id = $1 AND format = $2 AND digest <> $3 RETURNING storage_key AS "storageKey"`,
    [zip.releaseId, zip.format, zip.digest, zip.storageKey, zip.sizeBytes],
  );
  return rows.map((r) => r.storageKey);
}
