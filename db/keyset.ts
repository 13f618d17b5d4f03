import crypto from 'node:crypto';
import type { Queryable } from './pool';

/**
 * Keyset pages: a listing ordered by one sort value and the id (so the order
 * is unique), continued after the last row a client saw instead of skipping
 * OFFSET rows, so a deep page costs what the first one costs. Each order has
 * an index on exactly its two columns (the migrations' idx_*_newest and
 * kin), and the row comparison `(value, id) < (…)` reads straight off it.
 */

/** How a listing is ordered: fixed SQL (the client only picks which). */
export interface SortKey {
  /** The sort value's SQL expression (an indexed column or expression). */
  value: string;
  /** Its type, to read a cursor's text back (`$n::type`). */
  type: 'timestamptz' | 'integer' | 'numeric' | 'date';
  direction: 'ASC' | 'DESC';
  /** The unique tie-breaker's SQL (the table's id). */
  id: string;
}

/** Where a page starts: after a row (keyset) or, for the first pages, at an offset. */
export interface PagePosition {
  limit: number;
  offset: number;
  /** The sort value (as PostgreSQL's text) and id of the last row before the page. */
  after?: { value: string; id: number };
}

/**
 * One page of rows in `order`, each with its sort value as text (`sortValue`),
 * from `select … from … where …` with `values` ($1, $2, … in `where`).
 */
export function keysetStatement(
  query: { select: string; from: string; where: string; values: unknown[] },
  order: SortKey,
  position: PagePosition,
): { text: string; values: unknown[] } {
  const values = [...query.values];
  const at = (value: unknown) => (values.push(value), `$${values.length}`);
  const clauses = [query.where];
  if (position.after) {
    const comparison = order.direction === 'DESC' ? '<' : '>';
    clauses.push(`(${order.value}, ${order.id}) ${comparison} (${at(position.after.value)}::${order.type}, ${at(position.after.id)}::int)`);
  }
  const limit = at(position.limit);
  const offset = position.after ? '' : ` OFFSET ${at(position.offset)}`;
  return {
    text:
      `SELECT ${query.select}, (${order.value})::text AS "sortValue" FROM ${query.from} WHERE ${clauses.join(' AND ')} ` +
      `ORDER BY ${order.value} ${order.direction}, ${order.id} ${order.direction} LIMIT ${limit}${offset}`,
    values,
  };
}

/** A page of rows, and where the next page starts (absent on the last page). */
export interface KeysetPage<Row> {
  rows: Row[];
  next?: { value: string; id: number };
}

/** Prepared statements' names by text: the texts are few (fixed SQL per sort and filter), and each is hashed once. */
const names = new Map<string, string>();
function statementName(text: string): string {
  let name = names.get(text);
  if (!name) names.set(text, (name = `keyset-${crypto.createHash('sha256').update(text).digest('base64url').slice(0, 20)}`));
  return name;
}

/**
 * Runs a keyset page: one row more than the page is read, to know whether a
 * next page exists without counting.
 */
export async function selectKeysetPage<Row extends { id: number }>(
  db: Queryable,
  query: { select: string; from: string; where: string; values: unknown[]; prepare?: boolean },
  order: SortKey,
  position: PagePosition,
): Promise<KeysetPage<Row>> {
  const statement = keysetStatement(query, order, { ...position, limit: position.limit + 1 });
  // Prepared once per connection (named by its text): the plan of a listing does not depend on its values.
  const name = query.prepare ? statementName(statement.text) : undefined;
  // Rows keep their sortValue (callers read the fields they know); copying 25 rows of 45 fields costs more than it saves.
  const { rows } = await db.query<Row & { sortValue: string }>({ ...statement, name });
  const last = rows.length > position.limit ? rows[position.limit - 1] : undefined;
  return { rows: rows.slice(0, position.limit), next: last && { value: last.sortValue, id: last.id } };
}
