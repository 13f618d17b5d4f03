import { camelColumns } from '../columns';
import { firstRow, type Queryable, type Tx } from '../pool';

export interface PayoutBatch {
  id: number;
  senderBatchId: string;
  paypalBatchId: string | null;
  currency: string;
  createdAt: Date;
  sentAt: Date | null;
  /** PayPal's reason the last time it refused to take the batch (cleared once it does). */
  refusal: string | null;
  refusedAt: Date | null;
}

export interface PayoutItem {
  id: number;
  batchId: number;
  artistUserId: number;
  paypalEmail: string;
  amountMinor: number;
  currency: string;
  senderItemId: string;
  paypalItemId: string | null;
  status: string;
  transactionId: string | null;
  updatedAt: Date;
}

const BATCH = camelColumns('id, sender_batch_id, paypal_batch_id, currency, created_at, sent_at, refusal, refused_at');
const ITEM = camelColumns(`id, batch_id, artist_user_id, paypal_email, amount_minor::float8 AS "amountMinor", currency, sender_item_id,
  paypal_item_id, status, transaction_id, updated_at`);

/** Item states in which the money is no longer (or never was) with the artist: their balance has it again. */
export const UNPAID_STATES = ['FAILED', 'RETURNED', 'BLOCKED', 'REFUNDED', 'REVERSED'];

/** Serialises payout runs across servers (a transaction-scoped advisory lock). */
export async function lockPayouts(tx: Tx): Promise<void> {
  await tx.query(`SELECT pg_advisory_xact_lock(hashtext('song-nexus:payouts'))`);
}

export function findBatchBySenderId(db: Queryable, senderBatchId: string): Promise<PayoutBatch | undefined> {
  return firstRow<PayoutBatch>(db, `SELECT ${BATCH} FROM payout_batches WHERE sender_batch_id = $1`, [senderBatchId]);
}

/** Each artist's balance that can be paid out: net of ledger entries older than `holdSince`, less what payouts took (and kept). */
export async function payableBalances(
  db: Queryable,
  holdSince: Date,
  currency: string,
): Promise<{ artistUserId: number; availableMinor: number; paypalEmail: string | null }[]> {
  const { rows } = await db.query<{ artistUserId: number; availableMinor: number; paypalEmail: string | null }>(
    `WITH earned AS (
       SELECT artist_user_id, sum(artist_net_minor) AS net FROM ledger_entries
       WHERE artist_user_id IS NOT NULL AND currency = $2 AND occurred_at < $1 GROUP BY artist_user_id
     ), paid AS (
       SELECT artist_user_id, sum(amount_minor) AS paid FROM payout_items
       WHERE currency = $2 AND status <> ALL($3::text[]) GROUP BY artist_user_id
     )
     SELECT e.artist_user_id AS "artistUserId", (e.net - coalesce(p.paid, 0))::float8 AS "availableMinor", a.paypal_email AS "paypalEmail"
     FROM earned e LEFT JOIN paid p USING (artist_user_id) LEFT JOIN payout_accounts a ON a.artist_user_id = e.artist_user_id
     ORDER BY e.artist_user_id`,
    [holdSince, currency, UNPAID_STATES],
  );
  return rows;
}

/** What payouts hold of each artist's (or every artist's) earnings, per currency. */
export async function paidOut(db: Queryable, artistUserId: number | undefined): Promise<Map<string, number>> {
  const { rows } = await db.query<{ currency: string; paid: number }>(
    `SELECT currency, sum(amount_minor)::float8 AS paid FROM payout_items
     WHERE ($1::int IS NULL OR artist_user_id = $1) AND status <> ALL($2::text[]) GROUP BY currency`,
    [artistUserId ?? null, UNPAID_STATES],
  );
  return new Map(rows.map((r) => [r.currency, r.paid]));
}

export async function insertBatch(
  tx: Tx,
  batch: { senderBatchId: string; currency: string; createdBy: number | null },
  items: { artistUserId: number; paypalEmail: string; amountMinor: number }[],
): Promise<PayoutBatch> {
  const created = (await firstRow<PayoutBatch>(
    tx,
    `INSERT INTO payout_batches (sender_batch_id, currency, created_by) VALUES ($1, $2, $3) RETURNING ${BATCH}`,
    [batch.senderBatchId, batch.currency, batch.createdBy],
  ))!;
  for (const item of items) {
    await tx.query(
      `INSERT INTO payout_items (batch_id, artist_user_id, paypal_email, amount_minor, currency, sender_item_id)
       VALUES ($1, $2, $3, $4, $5, $6)`,
      [created.id, item.artistUserId, item.paypalEmail, item.amountMinor, batch.currency, `${batch.senderBatchId}-${item.artistUserId}`],
    );
  }
  return created;
}

export async function batchItems(db: Queryable, batchId: number): Promise<PayoutItem[]> {
  const { rows } = await db.query<PayoutItem>(`SELECT ${ITEM} FROM payout_items WHERE batch_id = $1 ORDER BY id`, [batchId]);
  return rows;
}

export function findPayoutItem(db: Queryable, paypalItemId: string): Promise<PayoutItem | undefined> {
  return firstRow<PayoutItem>(db, `SELECT ${ITEM} FROM payout_items WHERE paypal_item_id = $1`, [paypalItemId]);
}

export async function markBatchSent(db: Queryable, batchId: number, paypalBatchId: string, at: Date): Promise<void> {
  await db.query(
    'UPDATE payout_batches SET paypal_batch_id = $2, sent_at = $3, refusal = NULL, refused_at = NULL WHERE id = $1 AND paypal_batch_id IS NULL',
    [batchId, paypalBatchId, at],
  );
}

/** PayPal would not take an unsent batch: why, and when (the batch is sent again later). */
export async function markBatchRefused(db: Queryable, batchId: number, reason: string, at: Date): Promise<void> {
  await db.query('UPDATE payout_batches SET refusal = $2, refused_at = $3 WHERE id = $1 AND paypal_batch_id IS NULL', [
    batchId,
    reason.slice(0, 300),
    at,
  ]);
}

/** Takes an item's state as PayPal tells it (read back, or a webhook); false when the item is not ours. */
export async function updateItemStatus(
  db: Queryable,
  change: { senderItemId: string | undefined; paypalItemId: string; status: string; transactionId: string | undefined },
): Promise<boolean> {
  const { rowCount } = await db.query(
    `UPDATE payout_items SET status = $3, paypal_item_id = $2, transaction_id = coalesce($4, transaction_id), updated_at = CURRENT_TIMESTAMP
     WHERE (sender_item_id = $1 OR paypal_item_id = $2)`,
    [change.senderItemId ?? null, change.paypalItemId, change.status, change.transactionId ?? null],
  );
  return (rowCount ?? 0) > 0;
}

/** The latest batches with their items, for the admin page. */
export async function listBatches(db: Queryable, limit = 50): Promise<(PayoutBatch & { items: PayoutItem[] })[]> {
  const { rows } = await db.query<PayoutBatch>(`SELECT ${BATCH} FROM payout_batches ORDER BY id DESC LIMIT $1`, [limit]);
  return Promise.all(rows.map(async (b) => ({ ...b, items: await batchItems(db, b.id) })));
}

/** Batches a crash left unsent or unread (no PayPal id, or items still NEW/PENDING). */
export async function unsettledBatches(db: Queryable): Promise<PayoutBatch[]> {
  const { rows } = await db.query<PayoutBatch>(
    `SELECT ${BATCH} FROM payout_batches b
     WHERE b.paypal_batch_id IS NULL OR EXISTS (SELECT 1 FROM payout_items i WHERE i.batch_id = b.id AND i.status IN ('NEW', 'PENDING'))
     ORDER BY id`,
  );
  return rows;
}

/** The payout batches sent in a period, with their items. */
export async function batchesSentBetween(
  db: Queryable,
  range: { from: Date; to: Date },
): Promise<(PayoutBatch & { items: PayoutItem[] })[]> {
  const { rows } = await db.query<PayoutBatch>(
    `SELECT ${BATCH} FROM payout_batches WHERE paypal_batch_id IS NOT NULL AND sent_at >= $1 AND sent_at < $2 ORDER BY id`,
    [range.from, range.to],
  );
  return Promise.all(rows.map(async (b) => ({ ...b, items: await batchItems(db, b.id) })));
}
