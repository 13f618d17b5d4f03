import { camelColumns } from '../columns';
import { firstRow, type Queryable, type Tx } from '../pool';

/** A download code as its artist (or a gift's buyer) sees it; the code itself is sealed, never stored in the clear. */
export interface DownloadCode {
  id: number;
  codeSealed: Buffer;
  artistUserId: number | null;
  trackId: number | null;
  releaseId: number | null;
  /** The gift order that paid for it; null for an artist's batch. */
  orderId: number | null;
  recipientEmail: string | null;
  giftMessage: string | null;
  redeemedBy: number | null;
  redeemedAt: Date | null;
  disabledAt: Date | null;
  createdAt: Date;
}

const COLUMNS = camelColumns(`id, code_sealed, artist_user_id, track_id, release_id, order_id, recipient_email, gift_message,
  redeemed_by, redeemed_at, disabled_at, created_at`);

export interface NewDownloadCode {
  codeHash: Buffer;
  codeSealed: Buffer;
  artistUserId: number | null;
  trackId: number | null;
  releaseId: number | null;
  orderId?: number;
  recipientEmail?: string;
  giftMessage?: string | null;
}

/** Inserts codes in one statement, in the given order. */
export async function insertDownloadCodes(db: Queryable, codes: NewDownloadCode[]): Promise<DownloadCode[]> {
  const column = <K extends keyof NewDownloadCode>(key: K) => codes.map((c) => c[key] ?? null);
  const { rows } = await db.query<DownloadCode>(
    `INSERT INTO download_codes (code_hash, code_sealed, artist_user_id, track_id, release_id, order_id, recipient_email, gift_message)
     SELECT h, s, a, t, r, o, e, m
     FROM unnest($1::bytea[], $2::bytea[], $3::int[], $4::int[], $5::int[], $6::int[], $7::varchar[], $8::varchar[]) WITH ORDINALITY
       AS c(h, s, a, t, r, o, e, m, n)
     ORDER BY n
     RETURNING ${COLUMNS}`,
    [
      column('codeHash'),
      column('codeSealed'),
      column('artistUserId'),
      column('trackId'),
      column('releaseId'),
      column('orderId'),
      column('recipientEmail'),
      column('giftMessage'),
    ],
  );
  return rows;
}

/** The code with this hash, locked until the transaction ends (a redemption happens under this lock). */
export function lockDownloadCodeByHash(db: Tx, codeHash: Buffer): Promise<DownloadCode | undefined> {
  return firstRow<DownloadCode>(db, `SELECT ${COLUMNS} FROM download_codes WHERE code_hash = $1 FOR UPDATE`, [codeHash]);
}

export async function markDownloadCodeRedeemed(db: Tx, id: number, userId: number, now: Date): Promise<void> {
  await db.query('UPDATE download_codes SET redeemed_by = $2, redeemed_at = $3 WHERE id = $1', [id, userId, now]);
}

/** An item's artist batch (gifts excluded), oldest first. */
export async function listItemDownloadCodes(db: Queryable, item: { kind: 'track' | 'release'; id: number }): Promise<DownloadCode[]> {
  const { rows } = await db.query<DownloadCode>(
    `SELECT ${COLUMNS} FROM download_codes
     WHERE order_id IS NULL AND ${item.kind === 'release' ? 'release_id' : 'track_id'} = $1 ORDER BY created_at, id`,
    [item.id],
  );
  return rows;
}

export function findDownloadCode(db: Queryable, id: number): Promise<DownloadCode | undefined> {
  return firstRow<DownloadCode>(db, `SELECT ${COLUMNS} FROM download_codes WHERE id = $1`, [id]);
}

export async function disableDownloadCode(db: Queryable, id: number, now: Date): Promise<void> {
  await db.query('UPDATE download_codes SET disabled_at = COALESCE(disabled_at, $2) WHERE id = $1', [id, now]);
}

/** A gift order's claim codes. */
export async function listOrderGiftCodes(db: Queryable, orderIds: number[]): Promise<DownloadCode[]> {
  const { rows } = await db.query<DownloadCode>(
    `SELECT ${COLUMNS} FROM download_codes WHERE order_id = ANY($1::int[]) ORDER BY order_id, id`,
    [orderIds],
  );
  return rows;
}

/** A refunded gift: its unclaimed codes stop working; returns every code of the order (claimed ones' grants are revoked by the caller). */
export async function disableOrderGiftCodes(db: Tx, orderId: number, now: Date): Promise<number[]> {
  const { rows } = await db.query<{ id: number }>(
    'UPDATE download_codes SET disabled_at = COALESCE(disabled_at, $2) WHERE order_id = $1 RETURNING id',
    [orderId, now],
  );
  return rows.map((r) => r.id);
}
