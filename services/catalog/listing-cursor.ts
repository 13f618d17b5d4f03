import crypto from 'node:crypto';
import { z } from 'zod';
import type { Queryable } from '../../db/pool';
import { serverSecret } from '../../db/repos/server-secrets.repo';
import { fail } from '../../lib/errors';

/**
 * The opaque cursor of a keyset page (`?after=`): where the page starts (the
 * last row's sort value and id), which page number that is, and which
 * listing it belongs to (the list, its filter and its sort, as a digest).
 * Signed with the servers' shared key (HMAC-SHA-256, 128 bits kept), so a
 * client can neither forge a position nor carry a cursor over to another
 * filter: anything but a cursor this store made for this listing is
 * 400 invalid_cursor, before any query runs.
 */

/** Where a cursor points. */
export interface CursorPosition {
  after: { value: string; id: number };
  /** The page number of the page it starts (shown as "page N of M"). */
  page: number;
}

const payload = z
  .object({
    l: z.string().length(16),
    v: z.string().min(1).max(64),
    i: z.number().int().min(1).max(2_147_483_647),
    p: z.number().int().min(2).max(10_000_000),
  })
  .strict();

const SECRET = 'listing_cursor';
const MAC_BYTES = 16;

/** A short digest of what a listing is: a cursor is good for that listing only. */
export const listingScope = (scope: unknown): string =>
  crypto.createHash('sha256').update(JSON.stringify(scope)).digest('base64url').slice(0, 16);

const mac = (key: Buffer, body: string) => crypto.createHmac('sha256', key).update(body).digest().subarray(0, MAC_BYTES);

export async function encodeCursor(db: Queryable, scope: string, position: CursorPosition): Promise<string> {
  const body = Buffer.from(JSON.stringify({ l: scope, v: position.after.value, i: position.after.id, p: position.page })).toString(
    'base64url',
  );
  return `${body}.${mac(await serverSecret(db, SECRET), body).toString('base64url')}`;
}

/** @throws AppError 400 invalid_cursor for a cursor this store did not make for this listing. */
export async function decodeCursor(db: Queryable, scope: string, cursor: string): Promise<CursorPosition> {
  const [body, signature, ...rest] = cursor.split('.');
  const refused = () => fail('invalid_cursor');
  if (!body || !signature || rest.length > 0) throw refused();
  const given = Buffer.from(signature, 'base64url');
  const expected = mac(await serverSecret(db, SECRET), body);
  if (given.length !== MAC_BYTES || !crypto.timingSafeEqual(given, expected)) throw refused();
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
  } catch {
    throw refused();
  }
  const fields = payload.safeParse(parsed);
  if (!fields.success || fields.data.l !== scope) throw refused();
  return { after: { value: fields.data.v, id: fields.data.i }, page: fields.data.p };
}
