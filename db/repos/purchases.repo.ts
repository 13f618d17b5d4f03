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

/** Of `trackIds`, those the user owns now (an entitling purchase). */
export async function ownedTrackIds(db: Queryable, userId: number, trackIds: number[], now: Date): Promise<number[]> {
  const { rows } = await db.query<{ track_id: number }>(
    `SELECT track_id FROM purchases
     WHERE user_id = $1 AND track_id = ANY($2::int[]) AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > $3)`,
    [userId, trackIds, now],
  );
  return rows.map((r) => r.track_id);
}

/**
 * Grants an order's tracks to its buyer (call inside the transaction that
 * completes the order). A purchase revoked or expired earlier is granted
 * again by this order; one that still entitles is left as it is.
 */
export async function grantOrderPurchases(db: Queryable, orderId: number, userId: number, now: Date): Promise<number> {
  const { rowCount } = await db.query(
    `INSERT INTO purchases (user_id, track_id, order_id, license_type, purchased_at)
     SELECT $2, oi.track_id, $1, 'personal', $3 FROM order_items oi WHERE oi.order_id = $1
     ON CONFLICT (user_id, track_id) DO UPDATE
       SET order_id = EXCLUDED.order_id, purchased_at = EXCLUDED.purchased_at, revoked_at = NULL, expires_at = NULL
       WHERE purchases.revoked_at IS NOT NULL OR (purchases.expires_at IS NOT NULL AND purchases.expires_at <= EXCLUDED.purchased_at)`,
    [orderId, userId, now],
  );
  return rowCount ?? 0;
}

/** Revokes what an order granted (refund, reversal). */
export async function revokeOrderPurchases(db: Queryable, orderId: number, now: Date): Promise<number> {
  const { rowCount } = await db.query(`UPDATE purchases SET revoked_at = $2 WHERE order_id = $1 AND revoked_at IS NULL`, [orderId, now]);
  return rowCount ?? 0;
}

export interface PurchaseRow {
  trackId: number;
  trackName: string;
  artist: string;
  orderId: number | null;
  licenseType: string;
  purchasedAt: Date;
  expiresAt: Date | null;
  revokedAt: Date | null;
  isDeleted: boolean;
}

/** A user's purchases, newest first, revoked ones included (flagged). */
export async function listPurchasesOfUser(db: Queryable, userId: number, limit: number, offset: number): Promise<{ purchases: PurchaseRow[]; total: number }> {
  const [page, count] = await Promise.all([
    db.query<{ track_id: number; name: string; artist: string; order_id: number | null; license_type: string; purchased_at: Date; expires_at: Date | null; revoked_at: Date | null; is_deleted: boolean }>(
      `SELECT p.track_id, t.name, t.artist, p.order_id, p.license_type, p.purchased_at, p.expires_at, p.revoked_at, t.is_deleted
       FROM purchases p JOIN tracks t ON t.id = p.track_id
       WHERE p.user_id = $1 ORDER BY p.purchased_at DESC, p.id DESC LIMIT $2 OFFSET $3`,
      [userId, limit, offset],
    ),
    db.query<{ n: number }>(`SELECT count(*)::int AS n FROM purchases WHERE user_id = $1`, [userId]),
  ]);
  return {
    purchases: page.rows.map((r) => ({
      trackId: r.track_id,
      trackName: r.name,
      artist: r.artist,
      orderId: r.order_id,
      licenseType: r.license_type,
      purchasedAt: r.purchased_at,
      expiresAt: r.expires_at,
      revokedAt: r.revoked_at,
      isDeleted: r.is_deleted,
    })),
    total: count.rows[0]!.n,
  };
}
