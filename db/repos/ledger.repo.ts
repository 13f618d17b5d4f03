import type { Queryable } from '../pool';

/**
 * The ledger table (append-only: the database refuses UPDATE and DELETE)
 * and what it is made from.
 */

/** An order line as the ledger records it. */
export interface SoldLine {
  orderItemId: number;
  itemKind: 'track' | 'release';
  itemId: number;
  itemTitle: string;
  artistUserId: number | null;
  licenseType: string;
  priceMinor: number;
  minimumMinor: number;
  discountMinor: number;
  extraMinor: number;
  discountCode: string | null;
}

/** One ledger row (amounts in minor units; a refund's negative). */
export interface LedgerEntry {
  entryKind: 'sale' | 'refund';
  orderId: number;
  orderItemId: number;
  artistUserId: number | null;
  itemKind: 'track' | 'release';
  itemId: number;
  itemTitle: string;
  licenseType: string;
  currency: string;
  grossMinor: number;
  taxMinor: number;
  paypalFeeMinor: number;
  platformFeeMinor: number;
  artistNetMinor: number;
  minimumMinor: number;
  discountMinor: number;
  extraMinor: number;
  discountCode: string | null;
  taxCountry: string | null;
  taxRateBp: number;
  buyerCountry: string | null;
  paypalTransactionId: string | null;
  occurredAt: Date;
}

const ENTRY_COLUMNS = `entry_kind AS "entryKind", order_id AS "orderId", order_item_id AS "orderItemId", artist_user_id AS "artistUserId",
  item_kind AS "itemKind", item_id AS "itemId", item_title AS "itemTitle", license_type AS "licenseType", currency,
  gross_minor::float8 AS "grossMinor", tax_minor::float8 AS "taxMinor", paypal_fee_minor::float8 AS "paypalFeeMinor",
  platform_fee_minor::float8 AS "platformFeeMinor", artist_net_minor::float8 AS "artistNetMinor", minimum_minor::float8 AS "minimumMinor",
  discount_minor::float8 AS "discountMinor", extra_minor::float8 AS "extraMinor", discount_code AS "discountCode",
  tax_country AS "taxCountry", tax_rate_bp AS "taxRateBp", buyer_country AS "buyerCountry",
  paypal_transaction_id AS "paypalTransactionId", occurred_at AS "occurredAt"`;

/** An order's lines as the ledger records them: what was sold, by whom, at what price, in minor units (`scale`: 10^decimals). */
export async function soldLinesOf(db: Queryable, orderId: number, scale: number): Promise<SoldLine[]> {
  const { rows } = await db.query<SoldLine>(
    `SELECT oi.id AS "orderItemId",
            CASE WHEN oi.track_id IS NULL THEN 'release' ELSE 'track' END AS "itemKind",
            coalesce(oi.track_id, oi.release_id) AS "itemId",
            left(coalesce(t.name, r.title), 255) AS "itemTitle",
            coalesce(t.artist_user_id, r.artist_user_id) AS "artistUserId",
            oi.license_type AS "licenseType",
            (oi.price * $2)::float8 AS "priceMinor", (oi.minimum_price * $2)::float8 AS "minimumMinor",
            (oi.discount_amount * $2)::float8 AS "discountMinor", (oi.extra_amount * $2)::float8 AS "extraMinor",
            dc.code AS "discountCode"
     FROM order_items oi
     LEFT JOIN tracks t ON t.id = oi.track_id
     LEFT JOIN releases r ON r.id = oi.release_id
     LEFT JOIN discount_codes dc ON dc.id = oi.discount_code_id
     WHERE oi.order_id = $1 ORDER BY oi.id`,
    [orderId, scale],
  );
  return rows;
}

/** Each artist's platform fee override (basis points), for the artists given. */
export async function platformFeeOverrides(db: Queryable, artistIds: number[]): Promise<Map<number, number>> {
  const { rows } = await db.query<{ id: number; bp: number }>(
    'SELECT id, platform_fee_bp AS bp FROM users WHERE id = ANY($1::int[]) AND platform_fee_bp IS NOT NULL',
    [artistIds],
  );
  return new Map(rows.map((r) => [r.id, r.bp]));
}

/** The VAT rate for a country on a day (the latest row from on or before it), or undefined when none is known. */
export async function taxRateOn(db: Queryable, country: string, day: Date): Promise<number | undefined> {
  const { rows } = await db.query<{ rateBp: number }>(
    `SELECT rate_bp AS "rateBp" FROM tax_rates WHERE country = $1 AND valid_from <= $2::date ORDER BY valid_from DESC LIMIT 1`,
    [country, day.toISOString().slice(0, 10)],
  );
  return rows[0]?.rateBp;
}

/** Appends entries; one already recorded for the same line and kind is kept as it is (so recording twice records once). */
export async function appendLedgerEntries(db: Queryable, entries: LedgerEntry[]): Promise<number> {
  if (entries.length === 0) return 0;
  const columns = [
    'entryKind',
    'orderId',
    'orderItemId',
    'artistUserId',
    'itemKind',
    'itemId',
    'itemTitle',
    'licenseType',
    'currency',
    'grossMinor',
    'taxMinor',
    'paypalFeeMinor',
    'platformFeeMinor',
    'artistNetMinor',
    'minimumMinor',
    'discountMinor',
    'extraMinor',
    'discountCode',
    'taxCountry',
    'taxRateBp',
    'buyerCountry',
    'paypalTransactionId',
    'occurredAt',
  ] as const;
  const { rowCount } = await db.query(
    `INSERT INTO ledger_entries (entry_kind, order_id, order_item_id, artist_user_id, item_kind, item_id, item_title, license_type,
       currency, gross_minor, tax_minor, paypal_fee_minor, platform_fee_minor, artist_net_minor, minimum_minor, discount_minor,
       extra_minor, discount_code, tax_country, tax_rate_bp, buyer_country, paypal_transaction_id, occurred_at)
     SELECT * FROM jsonb_to_recordset($1::jsonb) AS e(entry_kind text, order_id int, order_item_id int, artist_user_id int,
       item_kind text, item_id int, item_title text, license_type text, currency text, gross_minor bigint, tax_minor bigint,
       paypal_fee_minor bigint, platform_fee_minor bigint, artist_net_minor bigint, minimum_minor bigint, discount_minor bigint,
       extra_minor bigint, discount_code text, tax_country text, tax_rate_bp int, buyer_country text, paypal_transaction_id text,
       occurred_at timestamptz)
     ON CONFLICT (order_item_id, entry_kind) DO NOTHING`,
    [JSON.stringify(entries.map((e) => Object.fromEntries(columns.map((c) => [c.replace(/[A-Z]/g, (m) => `_${m.toLowerCase()}`), e[c]]))))],
  );
  return rowCount ?? 0;
}

/** An order's sale entries, in line order. */
export async function saleEntriesOf(db: Queryable, orderId: number): Promise<LedgerEntry[]> {
  const { rows } = await db.query<LedgerEntry>(
    `SELECT ${ENTRY_COLUMNS} FROM ledger_entries WHERE order_id = $1 AND entry_kind = 'sale' ORDER BY order_item_id`,
    [orderId],
  );
  return rows;
}

/** Every entry of a period (optionally one artist's), oldest first: the sales report's rows. */
export async function ledgerEntriesBetween(db: Queryable, range: { from: Date; to: Date; artistUserId?: number }): Promise<LedgerEntry[]> {
  const { rows } = await db.query<LedgerEntry>(
    `SELECT ${ENTRY_COLUMNS} FROM ledger_entries
     WHERE occurred_at >= $1 AND occurred_at < $2 AND ($3::int IS NULL OR artist_user_id = $3)
     ORDER BY occurred_at, id`,
    [range.from, range.to, range.artistUserId ?? null],
  );
  return rows;
}

export interface EarningsTotals {
  currency: string;
  /** Net of entries older than the hold: can be paid out. */
  availableMinor: number;
  /** Net of entries still within the hold (a refund may come). */
  pendingMinor: number;
  grossMinor: number;
  taxMinor: number;
  paypalFeeMinor: number;
  platformFeeMinor: number;
  netMinor: number;
  sales: number;
  refunds: number;
}

/** An artist's (or, with none, the whole store's) ledger totals per currency; entries after `holdSince` are pending. */
export async function earningsTotals(db: Queryable, artistUserId: number | undefined, holdSince: Date): Promise<EarningsTotals[]> {
  const { rows } = await db.query<EarningsTotals>(
    `SELECT currency,
            coalesce(sum(artist_net_minor) FILTER (WHERE occurred_at < $2), 0)::float8 AS "availableMinor",
            coalesce(sum(artist_net_minor) FILTER (WHERE occurred_at >= $2), 0)::float8 AS "pendingMinor",
            sum(gross_minor)::float8 AS "grossMinor", sum(tax_minor)::float8 AS "taxMinor",
            sum(paypal_fee_minor)::float8 AS "paypalFeeMinor", sum(platform_fee_minor)::float8 AS "platformFeeMinor",
            sum(artist_net_minor)::float8 AS "netMinor",
            count(*) FILTER (WHERE entry_kind = 'sale')::int AS sales, count(*) FILTER (WHERE entry_kind = 'refund')::int AS refunds
     FROM ledger_entries WHERE ($1::int IS NULL OR artist_user_id = $1)
     GROUP BY currency ORDER BY currency`,
    [artistUserId ?? null, holdSince],
  );
  return rows;
}

/** Net per month (UTC) for the earnings chart. */
export async function monthlyNet(
  db: Queryable,
  artistUserId: number | undefined,
): Promise<{ month: string; currency: string; netMinor: number }[]> {
  const { rows } = await db.query<{ month: string; currency: string; netMinor: number }>(
    `SELECT to_char(date_trunc('month', occurred_at AT TIME ZONE 'UTC'), 'YYYY-MM') AS month, currency,
            sum(artist_net_minor)::float8 AS "netMinor"
     FROM ledger_entries WHERE ($1::int IS NULL OR artist_user_id = $1)
     GROUP BY 1, 2 ORDER BY 1, 2`,
    [artistUserId ?? null],
  );
  return rows;
}

/** The OSS report: per country and rate, the net and the tax of the sales (refunds deducted) in a period. */
export async function ossSummary(db: Queryable, range: { from: Date; to: Date }) {
  const { rows } = await db.query<{
    country: string;
    rateBp: number;
    currency: string;
    netMinor: number;
    taxMinor: number;
    entries: number;
  }>(
    `SELECT tax_country AS country, tax_rate_bp AS "rateBp", currency,
            sum(gross_minor - tax_minor)::float8 AS "netMinor", sum(tax_minor)::float8 AS "taxMinor", count(*)::int AS entries
     FROM ledger_entries WHERE tax_country IS NOT NULL AND occurred_at >= $1 AND occurred_at < $2
     GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`,
    [range.from, range.to],
  );
  return rows;
}

/** Sets (or, with null, clears) an artist's platform fee override; false when there is no such artist. */
export async function setPlatformFeeBp(db: Queryable, artistUserId: number, bp: number | null): Promise<boolean> {
  const { rowCount } = await db.query(`UPDATE users SET platform_fee_bp = $2 WHERE id = $1 AND role IN ('artist', 'admin')`, [
    artistUserId,
    bp,
  ]);
  return (rowCount ?? 0) > 0;
}

export interface TaxRate {
  country: string;
  rateBp: number;
  validFrom: string;
  note: string | null;
  createdAt: Date;
}

/** Every VAT rate row, by country and date (the history: the latest from on or before a day applies to it). */
export async function listTaxRates(db: Queryable): Promise<TaxRate[]> {
  const { rows } = await db.query<TaxRate>(
    `SELECT country, rate_bp AS "rateBp", to_char(valid_from, 'YYYY-MM-DD') AS "validFrom", note, created_at AS "createdAt"
     FROM tax_rates ORDER BY country, valid_from`,
  );
  return rows;
}

/** Adds a rate from a date; false when the country has a row for that date already (rows are never changed). */
export async function insertTaxRate(
  db: Queryable,
  rate: { country: string; rateBp: number; validFrom: string; note: string | null; createdBy: number },
): Promise<boolean> {
  const { rowCount } = await db.query(
    `INSERT INTO tax_rates (country, rate_bp, valid_from, note, created_by) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (country, valid_from) DO NOTHING`,
    [rate.country, rate.rateBp, rate.validFrom, rate.note, rate.createdBy],
  );
  return (rowCount ?? 0) > 0;
}

/** The orders settled (completed, and perhaps refunded since) in a period, for the reconciliation report. */
export async function ordersSettledBetween(
  db: Queryable,
  range: { from: Date; to: Date },
): Promise<{ id: number; paypalOrderId: string; status: string; currency: string }[]> {
  const { rows } = await db.query<{ id: number; paypalOrderId: string; status: string; currency: string }>(
    `SELECT id, paypal_order_id AS "paypalOrderId", status, currency FROM orders
     WHERE status IN ('COMPLETED', 'REFUNDED') AND completed_at >= $1 AND completed_at < $2 ORDER BY id`,
    [range.from, range.to],
  );
  return rows;
}

/** What the ledger holds of one order: its sales' gross and PayPal fee, and its refunds' gross. */
export async function orderLedgerSums(
  db: Queryable,
  orderId: number,
): Promise<{ saleGross: number; saleFee: number; refundGross: number }> {
  const { rows } = await db.query<{ saleGross: number; saleFee: number; refundGross: number }>(
    `SELECT coalesce(sum(gross_minor) FILTER (WHERE entry_kind = 'sale'), 0)::float8 AS "saleGross",
            coalesce(sum(paypal_fee_minor) FILTER (WHERE entry_kind = 'sale'), 0)::float8 AS "saleFee",
            coalesce(sum(gross_minor) FILTER (WHERE entry_kind = 'refund'), 0)::float8 AS "refundGross"
     FROM ledger_entries WHERE order_id = $1`,
    [orderId],
  );
  return rows[0]!;
}
