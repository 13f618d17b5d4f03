import type { ApiOrderItem } from '../../contract/api';
import { camelColumns } from '../columns';
import type { Page } from '../../lib/page';
import { firstRow, selectPage, type Queryable, type Tx } from '../pool';

export type OrderStatus = 'CREATED' | 'PENDING' | 'COMPLETED' | 'FAILED' | 'REFUNDED';

export interface Order {
  id: number;
  userId: number;
  paypalOrderId: string;
  /** Exact decimal string, e.g. "2.97". */
  amount: string;
  currency: string;
  description: string | null;
  status: OrderStatus;
  payerEmail: string | null;
  /** The PayPal capture id, once captured. */
  transactionId: string | null;
  invoiceId: string;
  approveUrl: string | null;
  captureAttempt: number;
  failureReason: string | null;
  createdAt: Date;
  completedAt: Date | null;
  refundedAt: Date | null;
  updatedAt: Date;
  /** A gift order's recipient address and message; null for a buyer's own order. */
  giftEmail: string | null;
  giftMessage: string | null;
  /** The buyer's country for VAT (PayPal's payer address, or the store's), once completed. */
  buyerCountry: string | null;
}

/** One line of an order, as the API shows it (`price = minimumPrice - discountAmount + extraAmount`), with its order and artist. */
export interface OrderItem extends Omit<ApiOrderItem, 'kind'> {
  orderId: number;
  artistUserId: number | null;
}

const COLUMNS = camelColumns(`id, user_id, paypal_order_id, amount, currency, description, status, paypal_payer_email AS "payerEmail",
  transaction_id, invoice_id, approve_url, capture_attempt, failure_reason, created_at, completed_at, refunded_at, updated_at,
  gift_email, gift_message, buyer_country`);

/** First key of the advisory lock that serialises a buyer's order creation (the second is the user id). */
const ORDER_LOCK_SPACE = 727_203_007;

/** An order id taken ahead of the insert, so PayPal can be told it before the row exists. */
export async function reserveOrderId(db: Queryable): Promise<number> {
  const { rows } = await db.query<{ id: number }>(`SELECT nextval(pg_get_serial_sequence('orders', 'id'))::int AS id`);
  return rows[0]!.id;
}

export interface NewOrder {
  id: number;
  userId: number;
  paypalOrderId: string;
  amount: string;
  currency: string;
  description: string;
  invoiceId: string;
  approveUrl: string;
  gift: { email: string; message?: string } | undefined;
  items: NewOrderItem[];
}

export interface NewOrderItem extends Pick<
  OrderItem,
  'price' | 'license' | 'streamingDays' | 'minimumPrice' | 'discountAmount' | 'extraAmount'
> {
  trackId?: number;
  releaseId?: number;
  discountCodeId: number | undefined;
  licenseTerms: string | null;
}

/** Inserts an order and its items, in one transaction. */
export async function insertOrder(db: Tx, order: NewOrder): Promise<Order> {
  const { rows } = await db.query<Order>(
    `INSERT INTO orders (id, user_id, paypal_order_id, amount, currency, description, invoice_id, approve_url, gift_email, gift_message)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING ${COLUMNS}`,
    [
      order.id,
      order.userId,
      order.paypalOrderId,
      order.amount,
      order.currency,
      order.description,
      order.invoiceId,
      order.approveUrl,
      order.gift?.email ?? null,
      order.gift?.message ?? null,
    ],
  );
  const column = <K extends keyof NewOrderItem>(key: K) => order.items.map((i) => i[key] ?? null);
  await db.query(
    `INSERT INTO order_items (order_id, track_id, release_id, price, license_type, streaming_days, minimum_price, discount_amount,
       extra_amount, discount_code_id, license_terms)
     SELECT $1, t, r, p, l, d, m, o, x, c, lt
     FROM unnest($2::int[], $3::int[], $4::numeric[], $5::varchar[], $6::smallint[], $7::numeric[], $8::numeric[], $9::numeric[], $10::int[],
       $11::text[]) AS i(t, r, p, l, d, m, o, x, c, lt)`,
    [
      order.id,
      column('trackId'),
      column('releaseId'),
      column('price'),
      column('license'),
      column('streamingDays'),
      column('minimumPrice'),
      column('discountAmount'),
      column('extraAmount'),
      column('discountCodeId'),
      column('licenseTerms'),
    ],
  );
  return rows[0]!;
}

/**
 * Serialises order creation per buyer until the transaction ends, so two
 * concurrent checkouts cannot both see "no open order" for the same track.
 */
export async function lockBuyerOrders(tx: Tx, userId: number): Promise<void> {
  await tx.query(`SELECT pg_advisory_xact_lock($1, $2)`, [ORDER_LOCK_SPACE, userId]);
}

/** The buyer's newest open (CREATED or PENDING) order covering any of these tracks (as a track or within a release line). */
export async function findOpenOrderCovering(db: Queryable, userId: number, trackIds: number[]): Promise<Order | undefined> {
  return firstRow<Order>(
    db,
    `SELECT ${COLUMNS} FROM orders o
     WHERE o.user_id = $1 AND o.status IN ('CREATED', 'PENDING')
       AND EXISTS (SELECT 1 FROM order_item_tracks oi WHERE oi.order_id = o.id AND oi.track_id = ANY($2::int[]))
     ORDER BY o.created_at DESC, o.id DESC LIMIT 1`,
    [userId, trackIds],
  );
}

export async function findOrder(db: Queryable, id: number): Promise<Order | undefined> {
  return firstRow<Order>(db, `SELECT ${COLUMNS} FROM orders WHERE id = $1`, [id]);
}

export async function findOrderByPaypalId(db: Queryable, paypalOrderId: string): Promise<Order | undefined> {
  return firstRow<Order>(db, `SELECT ${COLUMNS} FROM orders WHERE paypal_order_id = $1`, [paypalOrderId]);
}

export async function findOrderByCaptureId(db: Queryable, captureId: string): Promise<Order | undefined> {
  return firstRow<Order>(db, `SELECT ${COLUMNS} FROM orders WHERE transaction_id = $1`, [captureId]);
}

/** The order, locked until the transaction ends: status changes happen only under this lock. */
export async function lockOrder(db: Tx, id: number): Promise<Order | undefined> {
  return firstRow<Order>(db, `SELECT ${COLUMNS} FROM orders WHERE id = $1 FOR UPDATE`, [id]);
}

export interface OrderChanges {
  status?: OrderStatus;
  transactionId?: string;
  payerEmail?: string | null;
  completedAt?: Date;
  refundedAt?: Date;
  failureReason?: string;
  approveUrl?: string;
  captureAttempt?: number;
  buyerCountry?: string | null;
}

const CHANGE_COLUMNS: Record<keyof OrderChanges, string> = {
  status: 'status',
  transactionId: 'transaction_id',
  payerEmail: 'paypal_payer_email',
  completedAt: 'completed_at',
  refundedAt: 'refunded_at',
  failureReason: 'failure_reason',
  approveUrl: 'approve_url',
  captureAttempt: 'capture_attempt',
  buyerCountry: 'buyer_country',
};

export async function updateOrder(db: Queryable, id: number, changes: OrderChanges): Promise<Order> {
  const entries = Object.entries(changes).filter(([, v]) => v !== undefined) as [keyof OrderChanges, unknown][];
  const sets = entries.map(([key], i) => `${CHANGE_COLUMNS[key]} = $${i + 2}`);
  const { rows } = await db.query<Order>(`UPDATE orders SET ${sets.join(', ')} WHERE id = $1 RETURNING ${COLUMNS}`, [
    id,
    ...entries.map(([, v]) => v),
  ]);
  return rows[0]!;
}

export async function listOrderItems(db: Queryable, orderIds: number[]): Promise<OrderItem[]> {
  const { rows } = await db.query<OrderItem>(
    `SELECT oi.order_id AS "orderId", oi.track_id AS "trackId", oi.release_id AS "releaseId",
       COALESCE(t.name, r.title) AS title, COALESCE(t.artist, NULLIF(trim(u.display_name), ''), 'Artist #' || u.id, '') AS artist, oi.price,
       oi.license_type AS license, oi.streaming_days AS "streamingDays", oi.minimum_price AS "minimumPrice",
       oi.discount_amount AS "discountAmount", oi.extra_amount AS "extraAmount", dc.code AS "discountCode",
       COALESCE(t.artist_user_id, r.artist_user_id) AS "artistUserId"
     FROM order_items oi
     LEFT JOIN discount_codes dc ON dc.id = oi.discount_code_id
     LEFT JOIN tracks t ON t.id = oi.track_id
     LEFT JOIN releases r ON r.id = oi.release_id LEFT JOIN users u ON u.id = r.artist_user_id
     WHERE oi.order_id = ANY($1::int[]) ORDER BY oi.order_id, oi.id`,
    [orderIds],
  );
  return rows;
}

export interface OrderFilter {
  userId?: number;
  status?: OrderStatus;
  from?: Date;
  to?: Date;
}

/** Orders newest first, with the total matching the filter. */
export async function listOrders(db: Queryable, filter: OrderFilter, page: Page): Promise<{ orders: Order[]; total: number }> {
  const where: string[] = [];
  const values: unknown[] = [];
  const add = (sql: string, value: unknown) => {
    values.push(value);
    where.push(sql.replace('?', `$${values.length}`));
  };
  if (filter.userId !== undefined) add('user_id = ?', filter.userId);
  if (filter.status) add('status = ?', filter.status);
  if (filter.from) add('created_at >= ?', filter.from);
  if (filter.to) add('created_at < ?', filter.to);
  const query = { select: COLUMNS, from: 'orders', where: where.join(' AND ') || undefined, values, orderBy: 'created_at DESC, id DESC' };
  const { rows, total } = await selectPage<Order>(db, query, page);
  return { orders: rows, total };
}

/** Open orders not touched since `before`, oldest first: what reconciliation reads back from PayPal. */
export async function listStaleOpenOrders(db: Queryable, before: Date, limit: number): Promise<Order[]> {
  const { rows } = await db.query<Order>(
    `SELECT ${COLUMNS} FROM orders WHERE status IN ('CREATED', 'PENDING') AND updated_at < $1 ORDER BY updated_at LIMIT $2`,
    [before, limit],
  );
  return rows;
}

export interface CommercialLicense {
  orderId: number;
  trackId: number | null;
  releaseId: number | null;
  title: string;
  artist: string;
  grantedAt: Date;
  terms: string | null;
}

/** The commercial licenses a buyer holds: lines of their completed (not refunded, not gift) orders, newest first. */
export async function listCommercialLicenses(db: Queryable, userId: number): Promise<CommercialLicense[]> {
  const { rows } = await db.query<CommercialLicense>(
    `SELECT oi.order_id AS "orderId", oi.track_id AS "trackId", oi.release_id AS "releaseId", COALESCE(t.name, r.title) AS title,
       COALESCE(t.artist, NULLIF(trim(u.display_name), ''), 'Artist #' || u.id, '') AS artist, o.completed_at AS "grantedAt",
       oi.license_terms AS terms
     FROM order_items oi JOIN orders o ON o.id = oi.order_id
     LEFT JOIN tracks t ON t.id = oi.track_id
     LEFT JOIN releases r ON r.id = oi.release_id LEFT JOIN users u ON u.id = r.artist_user_id
     WHERE o.user_id = $1 AND o.status = 'COMPLETED' AND o.gift_email IS NULL AND oi.license_type = 'commercial'
     ORDER BY o.completed_at DESC, oi.id`,
    [userId],
  );
  return rows;
}
