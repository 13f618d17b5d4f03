import { camelColumns } from '../columns';
import type { Page } from '../../lib/page';
import { selectPage, type Queryable, type Tx } from '../pool';

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
 * completes the order): its track lines, and every track its release lines'
 * releases hold now (each purchase naming the release). A purchase revoked or expired earlier is granted
 * again by this order; one that still entitles is left as it is.
 */
export async function grantOrderPurchases(db: Tx, orderId: number, userId: number, now: Date): Promise<number> {
  const { rowCount } = await db.query(
    `INSERT INTO purchases (user_id, track_id, order_id, release_id, license_type, purchased_at)
     SELECT DISTINCT ON (oi.track_id) $2, oi.track_id, $1, oi.release_id, 'personal', $3
     FROM order_item_tracks oi JOIN tracks t ON t.id = oi.track_id
     WHERE oi.order_id = $1 AND (oi.release_id IS NULL OR NOT t.is_deleted)
     ORDER BY oi.track_id, oi.release_id NULLS FIRST
     ON CONFLICT (user_id, track_id) DO UPDATE
       SET order_id = EXCLUDED.order_id, release_id = EXCLUDED.release_id, purchased_at = EXCLUDED.purchased_at,
         revoked_at = NULL, expires_at = NULL
       WHERE purchases.revoked_at IS NOT NULL OR (purchases.expires_at IS NOT NULL AND purchases.expires_at <= EXCLUDED.purchased_at)`,
    [orderId, userId, now],
  );
  return rowCount ?? 0;
}

/**
 * Revokes what an order granted (refund, reversal) — except where another
 * completed order of the same buyer still pays for the track: that purchase
 * stays and names the other order, so its own refund revokes it later.
 * Call inside the transaction that marks the order REFUNDED.
 * @returns how many purchases were revoked.
 */
export async function revokeOrderPurchases(db: Tx, orderId: number, now: Date): Promise<number> {
  await db.query(
    `WITH other AS (
       SELECT DISTINCT ON (p.id) p.id AS purchase_id, o.id AS order_id, oi.release_id
       FROM purchases p
       JOIN order_item_tracks oi ON oi.track_id = p.track_id
       JOIN orders o ON o.id = oi.order_id AND o.user_id = p.user_id
       WHERE p.order_id = $1 AND p.revoked_at IS NULL AND o.status = 'COMPLETED' AND o.id <> $1
       ORDER BY p.id, o.completed_at, o.id
     )
     UPDATE purchases p SET order_id = other.order_id, release_id = other.release_id FROM other WHERE p.id = other.purchase_id`,
    [orderId],
  );
  const { rowCount } = await db.query(`UPDATE purchases SET revoked_at = $2 WHERE order_id = $1 AND revoked_at IS NULL`, [orderId, now]);
  return rowCount ?? 0;
}

/**
 * The lines of an order its buyer already owns whole through anything but
 * this order (another order, a grant): a track line's track, or every track
 * of a release line's release. A release the buyer owns in part is not one.
 */
export async function linesOwnedOutsideOrder(db: Queryable, orderId: number, userId: number, now: Date): Promise<number[]> {
  const { rows } = await db.query<{ id: number }>(
    `WITH owned AS (
       SELECT p.track_id FROM purchases p
       WHERE p.user_id = $2 AND p.order_id IS DISTINCT FROM $1 AND p.revoked_at IS NULL AND (p.expires_at IS NULL OR p.expires_at > $3)
     )
     SELECT oi.id FROM order_items oi
     WHERE oi.order_id = $1 AND (
       oi.track_id IN (SELECT track_id FROM owned)
       OR (oi.release_id IS NOT NULL AND NOT EXISTS (
         SELECT 1 FROM tracks t WHERE t.release_id = oi.release_id AND NOT t.is_deleted AND t.id NOT IN (SELECT track_id FROM owned)))
     )`,
    [orderId, userId, now],
  );
  return rows.map((r) => r.id);
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
  releaseId: number | null;
  releaseTitle: string | null;
}

const OWNED_COLUMNS = camelColumns(
  'p.track_id, t.name AS "trackName", t.artist, p.order_id, p.license_type, p.purchased_at, p.expires_at, p.revoked_at, t.is_deleted, p.release_id, r.title AS "releaseTitle"',
);
const OWNED_FROM = 'purchases p JOIN tracks t ON t.id = p.track_id LEFT JOIN releases r ON r.id = p.release_id';

/** A user's purchases, newest first, revoked ones included (flagged). */
export async function listPurchasesOfUser(db: Queryable, userId: number, page: Page): Promise<{ purchases: PurchaseRow[]; total: number }> {
  const { rows, total } = await selectPage<PurchaseRow>(
    db,
    { select: OWNED_COLUMNS, from: OWNED_FROM, where: 'p.user_id = $1', values: [userId], orderBy: 'p.purchased_at DESC, p.id DESC' },
    page,
  );
  return { purchases: rows, total };
}
