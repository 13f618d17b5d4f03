import type { Page } from '../../lib/page';
import { camelColumns } from '../columns';
import { firstRow, selectPage, type Queryable, type Tx } from '../pool';

/** A discount code; `artistUserId` null: the whole store's (made by an admin). */
export interface DiscountCode {
  id: number;
  code: string;
  artistUserId: number | null;
  percentOff: number | null;
  /** Exact decimal string in the store currency. */
  amountOff: string | null;
  startsAt: Date | null;
  endsAt: Date | null;
  maxRedemptions: number | null;
  /** Completed orders that used it. */
  redemptionCount: number;
  /** Orders created with it that are still open: they hold a use until they complete or fail. */
  reservedCount: number;
  disabledAt: Date | null;
  createdAt: Date;
  /** The chosen items; both empty: every item of its artist (or of the store). */
  trackIds: number[];
  releaseIds: number[];
}

const COLUMNS = camelColumns(`c.id, c.code, c.artist_user_id, c.percent_off, c.amount_off, c.starts_at, c.ends_at, c.max_redemptions,
  c.redemption_count,
  (SELECT count(*)::int FROM discount_redemptions d WHERE d.code_id = c.id AND d.status = 'reserved') AS "reservedCount",
  c.disabled_at, c.created_at,
  ARRAY(SELECT i.track_id FROM discount_code_items i WHERE i.code_id = c.id AND i.track_id IS NOT NULL ORDER BY 1) AS "trackIds",
  ARRAY(SELECT i.release_id FROM discount_code_items i WHERE i.code_id = c.id AND i.release_id IS NOT NULL ORDER BY 1) AS "releaseIds"`);

export interface NewDiscountCode {
  code: string;
  artistUserId: number | null;
  createdBy: number;
  percentOff: number | null;
  amountOff: string | null;
  startsAt: Date | null;
  endsAt: Date | null;
  maxRedemptions: number | null;
  trackIds: number[];
  releaseIds: number[];
}

/** Inserts a code with its chosen items (call in a transaction); a taken code is PostgreSQL's unique violation. */
export async function insertDiscountCode(db: Tx, code: NewDiscountCode): Promise<DiscountCode> {
  const { rows } = await db.query<{ id: number }>(
    `INSERT INTO discount_codes (code, artist_user_id, created_by, percent_off, amount_off, starts_at, ends_at, max_redemptions)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
    [code.code, code.artistUserId, code.createdBy, code.percentOff, code.amountOff, code.startsAt, code.endsAt, code.maxRedemptions],
  );
  const id = rows[0]!.id;
  await db.query(
    `INSERT INTO discount_code_items (code_id, track_id, release_id)
     SELECT $1::int, t, NULL::int FROM unnest($2::int[]) AS t UNION ALL SELECT $1::int, NULL::int, r FROM unnest($3::int[]) AS r`,
    [id, code.trackIds, code.releaseIds],
  );
  return (await findDiscountCodeById(db, id))!;
}

export function findDiscountCodeById(db: Queryable, id: number): Promise<DiscountCode | undefined> {
  return firstRow<DiscountCode>(db, `SELECT ${COLUMNS} FROM discount_codes c WHERE c.id = $1`, [id]);
}

/** The code as typed, matched case-insensitively (codes are stored upper-case). */
export function findDiscountCodeByCode(db: Queryable, code: string): Promise<DiscountCode | undefined> {
  return firstRow<DiscountCode>(db, `SELECT ${COLUMNS} FROM discount_codes c WHERE c.code = upper($1)`, [code]);
}

/**
 * Locks the code until the transaction ends: uses are counted and reserved
 * under this lock only. NO KEY UPDATE: order lines' foreign keys may still
 * share-lock it, so nothing waits in a circle.
 */
export async function lockDiscountCode(db: Tx, id: number): Promise<DiscountCode | undefined> {
  await db.query('SELECT 1 FROM discount_codes WHERE id = $1 FOR NO KEY UPDATE', [id]);
  return findDiscountCodeById(db, id);
}

/** Whether the user holds a live (reserved or redeemed) use of the code. */
export async function hasLiveRedemption(db: Queryable, codeId: number, userId: number): Promise<boolean> {
  const { rowCount } = await db.query(`SELECT 1 FROM discount_redemptions WHERE code_id = $1 AND user_id = $2 AND status <> 'released'`, [
    codeId,
    userId,
  ]);
  return (rowCount ?? 0) > 0;
}

export async function reserveRedemption(db: Tx, use: { codeId: number; userId: number; orderId: number }): Promise<void> {
  await db.query('INSERT INTO discount_redemptions (code_id, user_id, order_id) VALUES ($1, $2, $3)', [
    use.codeId,
    use.userId,
    use.orderId,
  ]);
}

/** The order completed: its reserved use counts (call in the transaction that completes it). */
export async function redeemOrderDiscount(db: Tx, orderId: number, now: Date): Promise<void> {
  await db.query(
    `WITH used AS (
       UPDATE discount_redemptions SET status = 'redeemed', redeemed_at = $2 WHERE order_id = $1 AND status = 'reserved' RETURNING code_id
     )
     UPDATE discount_codes SET redemption_count = redemption_count + 1 WHERE id IN (SELECT code_id FROM used)`,
    [orderId, now],
  );
}

/** The order failed: its reserved use is given back. */
export async function releaseOrderDiscount(db: Tx, orderId: number): Promise<void> {
  await db.query(`UPDATE discount_redemptions SET status = 'released' WHERE order_id = $1 AND status = 'reserved'`, [orderId]);
}

/** An artist's codes (or, `artistUserId` null, every code), newest first. */
export async function listDiscountCodes(
  db: Queryable,
  artistUserId: number | undefined,
  page: Page,
): Promise<{ codes: DiscountCode[]; total: number }> {
  const { rows, total } = await selectPage<DiscountCode>(
    db,
    {
      select: COLUMNS,
      from: 'discount_codes c',
      where: '$1::int IS NULL OR c.artist_user_id = $1',
      values: [artistUserId ?? null],
      orderBy: 'c.created_at DESC, c.id DESC',
    },
    page,
  );
  return { codes: rows, total };
}

export async function disableDiscountCode(db: Queryable, id: number, now: Date): Promise<void> {
  await db.query('UPDATE discount_codes SET disabled_at = COALESCE(disabled_at, $2) WHERE id = $1', [id, now]);
}
