import type { Queryable } from '../pool';

/**
 * Whether a user's purchase of a track entitles them now: it exists, was not
 * revoked (refund, reversal) and has not expired.
 */
export async function hasEntitlingPurchase(db: Queryable, userId: number, trackId: number, now: Date): Promise<boolean> {
  const { rowCount } = await db.query(
    `SELECT 1 FROM purchases
     WHERE user_id = $1 AND track_id = $2 AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > $3)`,
    [userId, trackId, now],
  );
  return (rowCount ?? 0) > 0;
}
