import { camelColumns } from '../columns';
import type { Page } from '../../lib/page';
import { selectPage, type Queryable, type Tx } from '../pool';

import type { LicenseType } from '../../contract/api';

export type { LicenseType };

/** An entitling purchase: not revoked (refund, reversal) and not expired (a streaming pass). */
const ENTITLING = 'revoked_at IS NULL AND (expires_at IS NULL OR expires_at > $3)';
/** Licenses from least to most: a purchase is replaced only by a wider one (or a renewed pass). */
const LICENSE_RANK = (license: string) => `array_position(ARRAY['streaming', 'personal', 'commercial']::varchar[], ${license})`;

/** What a user's purchase of a track grants, entitling or not: what the audio routes keep between range requests. */
export interface PurchaseTerms {
  licenseType: LicenseType;
  expiresAt: Date | null;
  revokedAt: Date | null;
}

/** The user's purchase of a track (at most one: a new grant replaces or extends it), whatever its state. */
export async function findPurchaseTerms(db: Queryable, userId: number, trackId: number): Promise<PurchaseTerms | undefined> {
  const { rows } = await db.query<PurchaseTerms>({
    // Named: prepared once per connection, since every buyer's stream request may run it.
    name: 'purchases.terms',
    text: `SELECT license_type AS "licenseType", expires_at AS "expiresAt", revoked_at AS "revokedAt"
           FROM purchases WHERE user_id = $1 AND track_id = $2`,
    values: [userId, trackId],
  });
  return rows[0];
}

/** The license these terms entitle to at `now` (ENTITLING, decided in memory), or undefined. */
export function entitlingLicenseOf(terms: PurchaseTerms | undefined, now: Date): LicenseType | undefined {
  if (!terms || terms.revokedAt !== null) return undefined;
  return terms.expiresAt === null || terms.expiresAt > now ? terms.licenseType : undefined;
}

/** The license of the user's entitling purchase of a track now, or undefined when there is none. */
export async function entitlingLicense(db: Queryable, userId: number, trackId: number, now: Date): Promise<LicenseType | undefined> {
  return entitlingLicenseOf(await findPurchaseTerms(db, userId, trackId), now);
}

/** Whether a user's purchase of a track entitles them now (to stream in full, whatever the license). */
export async function hasEntitlingPurchase(db: Queryable, userId: number, trackId: number, now: Date): Promise<boolean> {
  return (await entitlingLicense(db, userId, trackId, now)) !== undefined;
}

/** Of `trackIds`, those the user owns now under one of `licenses` (default: any). */
export async function ownedTrackIds(
  db: Queryable,
  userId: number,
  trackIds: number[],
  now: Date,
  licenses: readonly LicenseType[] = ['personal', 'commercial', 'streaming'],
): Promise<number[]> {
  const { rows } = await db.query<{ track_id: number }>(
    `SELECT track_id FROM purchases
     WHERE user_id = $1 AND track_id = ANY($2::int[]) AND ${ENTITLING} AND license_type = ANY($4::varchar[])`,
    [userId, trackIds, now, licenses],
  );
  return rows.map((r) => r.track_id);
}

/**
 * What a new grant does to the purchase a user already has of a track: it
 * replaces one that no longer entitles, or a narrower license; a streaming
 * pass bought while one runs extends it by its days; anything else stays.
 */
const REGRANT = `
  ON CONFLICT (user_id, track_id) DO UPDATE
    SET order_id = EXCLUDED.order_id, release_id = EXCLUDED.release_id, download_code_id = EXCLUDED.download_code_id,
      purchased_at = EXCLUDED.purchased_at, revoked_at = NULL, license_type = EXCLUDED.license_type,
      expires_at = CASE
        WHEN EXCLUDED.license_type = 'streaming' AND purchases.license_type = 'streaming' AND purchases.revoked_at IS NULL
          AND purchases.expires_at > EXCLUDED.purchased_at
        THEN purchases.expires_at + (EXCLUDED.expires_at - EXCLUDED.purchased_at)
        ELSE EXCLUDED.expires_at END
    WHERE purchases.revoked_at IS NOT NULL
      OR (purchases.expires_at IS NOT NULL AND purchases.expires_at <= EXCLUDED.purchased_at)
      OR ${LICENSE_RANK('EXCLUDED.license_type')} > ${LICENSE_RANK('purchases.license_type')}
      OR (EXCLUDED.license_type = 'streaming' AND purchases.license_type = 'streaming')`;

/**
 * Grants an order's tracks to its buyer (call inside the transaction that
 * completes the order): its track lines, and every track its release lines'
 * releases hold now (each purchase naming the release), each under its
 * line's license — a streaming pass until its days have passed.
 */
export async function grantOrderPurchases(db: Tx, orderId: number, userId: number, now: Date): Promise<number> {
  const { rowCount } = await db.query(
    `INSERT INTO purchases (user_id, track_id, order_id, release_id, license_type, purchased_at, expires_at)
     SELECT DISTINCT ON (oi.track_id) $2, oi.track_id, $1, oi.release_id, oi.license_type, $3,
       CASE WHEN oi.license_type = 'streaming' THEN $3::timestamptz + make_interval(days => oi.streaming_days) END
     FROM order_item_tracks oi JOIN tracks t ON t.id = oi.track_id
     WHERE oi.order_id = $1 AND (oi.release_id IS NULL OR NOT t.is_deleted)
     ORDER BY oi.track_id, ${LICENSE_RANK('oi.license_type')} DESC, oi.release_id NULLS FIRST
     ${REGRANT}`,
    [orderId, userId, now],
  );
  return rowCount ?? 0;
}

/**
 * Grants a track, or every track of a release that is not deleted, with a
 * personal license and no payment: a free item added to the library
 * (`downloadCodeId` undefined) or a redeemed download code or gift.
 */
export async function grantWithoutPayment(
  db: Queryable,
  grant: { userId: number; trackId?: number; releaseId?: number; downloadCodeId?: number; now: Date },
): Promise<number> {
  const { rowCount } = await db.query(
    `INSERT INTO purchases (user_id, track_id, release_id, download_code_id, license_type, purchased_at)
     SELECT $1, t.id, $4, $5, 'personal', $3 FROM tracks t
     WHERE (t.id = $2 OR (t.release_id = $4 AND NOT t.is_deleted))
     ${REGRANT}`,
    [grant.userId, grant.trackId ?? null, grant.now, grant.releaseId ?? null, grant.downloadCodeId ?? null],
  );
  return rowCount ?? 0;
}

/**
 * Grants tracks newly put into a release to everyone who holds it: each
 * entitling purchase that names the release (bought, redeemed, a gift
 * claimed, added free) gives the new tracks with the same source, license
 * and expiry. Call in the transaction that changes the release's tracks.
 */
export async function grantReleaseToBuyers(tx: Tx, releaseId: number, now: Date): Promise<number> {
  const { rowCount } = await tx.query(
    `INSERT INTO purchases (user_id, track_id, order_id, release_id, download_code_id, license_type, purchased_at, expires_at)
     SELECT DISTINCT ON (p.user_id, t.id) p.user_id, t.id, p.order_id, $1, p.download_code_id, p.license_type, $2, p.expires_at
     FROM purchases p JOIN tracks t ON t.release_id = $1 AND NOT t.is_deleted
     WHERE p.release_id = $1 AND p.revoked_at IS NULL AND (p.expires_at IS NULL OR p.expires_at > $2)
     ORDER BY p.user_id, t.id, ${LICENSE_RANK('p.license_type')} DESC, p.expires_at DESC NULLS FIRST
     ON CONFLICT (user_id, track_id) DO UPDATE
       SET order_id = EXCLUDED.order_id, release_id = EXCLUDED.release_id, download_code_id = EXCLUDED.download_code_id,
         purchased_at = EXCLUDED.purchased_at, revoked_at = NULL, license_type = EXCLUDED.license_type, expires_at = EXCLUDED.expires_at
       WHERE purchases.revoked_at IS NOT NULL OR (purchases.expires_at IS NOT NULL AND purchases.expires_at <= $2)`,
    [releaseId, now],
  );
  return rowCount ?? 0;
}

/** Revokes what download codes granted (a refunded gift's claims). */
export async function revokeCodePurchases(db: Tx, downloadCodeIds: number[], now: Date): Promise<number> {
  const { rowCount } = await db.query(
    `UPDATE purchases SET revoked_at = $2 WHERE download_code_id = ANY($1::int[]) AND revoked_at IS NULL`,
    [downloadCodeIds, now],
  );
  return rowCount ?? 0;
}

/**
 * Revokes what an order granted (refund, reversal) — except where another
 * completed order of the same buyer still pays for the track: that purchase
 * stays, names the other order and takes its license back (a refunded
 * upgrade returns to the license paid before), so its own refund revokes it later.
 * Call inside the transaction that marks the order REFUNDED.
 * @returns how many purchases were revoked.
 */
export async function revokeOrderPurchases(db: Tx, orderId: number, now: Date): Promise<number> {
  await db.query(
    `WITH other AS (
       SELECT DISTINCT ON (p.id) p.id AS purchase_id, o.id AS order_id, oi.release_id, oi.license_type,
         CASE WHEN oi.license_type = 'streaming' THEN o.completed_at + make_interval(days => oi.streaming_days) END AS expires_at
       FROM purchases p
       JOIN order_item_tracks oi ON oi.track_id = p.track_id
       JOIN orders o ON o.id = oi.order_id AND o.user_id = p.user_id
       WHERE p.order_id = $1 AND p.revoked_at IS NULL AND o.status = 'COMPLETED' AND o.id <> $1
       ORDER BY p.id, ${LICENSE_RANK('oi.license_type')} DESC, o.completed_at, o.id
     )
     UPDATE purchases p SET order_id = other.order_id, release_id = other.release_id, license_type = other.license_type,
       expires_at = other.expires_at
     FROM other WHERE p.id = other.purchase_id`,
    [orderId],
  );
  const { rowCount } = await db.query(`UPDATE purchases SET revoked_at = $2 WHERE order_id = $1 AND revoked_at IS NULL`, [orderId, now]);
  return rowCount ?? 0;
}

/** Whether a held license already gives what a line buys: commercial covers all, personal all but commercial, a pass nothing (buying one renews it). */
const COVERS = (held: string, wanted: string) => `(${held} = 'commercial' OR (${held} = 'personal' AND ${wanted} <> 'commercial'))`;

/**
 * The lines of an order its buyer already owns whole through anything but
 * this order (another order, a code, a free grant) under a license that
 * covers the line's: a track line's track, or every track of a release
 * line's release. A release owned in part is not one; a gift's lines never are.
 */
export async function linesOwnedOutsideOrder(db: Queryable, orderId: number, userId: number, now: Date): Promise<number[]> {
  const { rows } = await db.query<{ id: number }>(
    `WITH owned AS (
       SELECT p.track_id, p.license_type FROM purchases p
       WHERE p.user_id = $2 AND p.order_id IS DISTINCT FROM $1 AND ${ENTITLING}
     )
     SELECT oi.id FROM order_items oi JOIN orders o ON o.id = oi.order_id
     WHERE oi.order_id = $1 AND o.gift_email IS NULL AND (
       oi.track_id IN (SELECT track_id FROM owned WHERE ${COVERS('owned.license_type', 'oi.license_type')})
       OR (oi.release_id IS NOT NULL AND NOT EXISTS (
         SELECT 1 FROM tracks t WHERE t.release_id = oi.release_id AND NOT t.is_deleted
           AND t.id NOT IN (SELECT track_id FROM owned WHERE ${COVERS('owned.license_type', 'oi.license_type')})))
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
  downloadCodeId: number | null;
  licenseType: LicenseType;
  purchasedAt: Date;
  expiresAt: Date | null;
  revokedAt: Date | null;
  isDeleted: boolean;
  releaseId: number | null;
  releaseTitle: string | null;
}

const OWNED_COLUMNS = camelColumns(
  'p.track_id, t.name AS "trackName", t.artist, p.order_id, p.download_code_id, p.license_type, p.purchased_at, p.expires_at, p.revoked_at, t.is_deleted, p.release_id, r.title AS "releaseTitle"',
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
