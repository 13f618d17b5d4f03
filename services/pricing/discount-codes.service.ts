import { withTransaction, type Tx } from '../../db/pool';
import {
  disableDiscountCode,
  findDiscountCodeByCode,
  findDiscountCodeById,
  hasLiveRedemption,
  insertDiscountCode,
  listDiscountCodes,
  lockDiscountCode,
  reserveRedemption,
  type DiscountCode,
} from '../../db/repos/discount-codes.repo';
import { findReleasesByIds } from '../../db/repos/releases.repo';
import { findTracksByIds } from '../../db/repos/tracks.repo';
import { fail } from '../../lib/errors';
import { formatMinor, toMinor } from '../../lib/money';
import type { Page } from '../../lib/page';
import { managementScope, requireRole, requireSignedIn, type Actor } from '../actor';
import { recordAudit } from '../audit.service';
import type { ServiceDeps } from '../deps';
import type { Discount } from './line-price';
import { typedAmount } from './offer';

/**
 * Discount codes. An artist's code applies to their own items (all, or the
 * chosen ones); an admin's to the whole store (all, or the chosen ones).
 * Percent or a fixed amount off each line it applies to; a start and an end;
 * a maximum number of uses; once per buyer. A use is reserved when an order
 * is created with the code, under the code's row lock, so however many
 * checkouts race, no more orders than the maximum can ever hold one; it
 * counts when the order completes and is given back when the order fails.
 * A refunded order's use stays spent.
 */

export interface DiscountCodeInput {
  code: string;
  percentOff?: number;
  amountOff?: string;
  startsAt?: Date | null;
  endsAt?: Date | null;
  maxRedemptions?: number | null;
  items?: { kind: 'track' | 'release'; id: number }[];
}

type Deps = Pick<ServiceDeps, 'db' | 'clock' | 'config'>;

export async function createDiscountCode(deps: Deps, actor: Actor | undefined, input: DiscountCodeInput): Promise<DiscountCode> {
  const me = requireRole(actor, 'artist', 'admin');
  const artistUserId = me.role === 'admin' ? null : me.userId;
  if ((input.percentOff === undefined) === (input.amountOff === undefined))
    throw fail('invalid_value', { message: 'A code takes off either percentOff or amountOff.' });
  let amountOff: string | null = null;
  if (input.amountOff !== undefined) {
    const minor = typedAmount(input.amountOff, 'amountOff', deps.config.currency);
    if (minor === 0) throw fail('invalid_value', { message: 'amountOff must be more than 0.' });
    amountOff = formatMinor(minor, deps.config.currency);
  }
  if (input.startsAt && input.endsAt && input.endsAt <= input.startsAt)
    throw fail('invalid_value', { message: 'endsAt must be after startsAt.' });
  const trackIds = uniq(input.items, 'track');
  const releaseIds = uniq(input.items, 'release');
  // An artist's code can name only their own items; an admin's any that exist.
  const [tracks, releases] = await Promise.all([findTracksByIds(deps.db, trackIds), findReleasesByIds(deps.db, releaseIds)]);
  const mine = (item: { artistUserId: number | null; isDeleted: boolean }) =>
    !item.isDeleted && (artistUserId === null || item.artistUserId === artistUserId);
  const foreign = [
    ...trackIds.filter((id) => !tracks.some((t) => t.id === id && mine(t))).map((id) => ({ kind: 'track', id })),
    ...releaseIds.filter((id) => !releases.some((r) => r.id === id && mine(r))).map((id) => ({ kind: 'release', id })),
  ];
  if (foreign.length) throw fail('invalid_value', { message: 'A code can name only your own items.', details: { items: foreign } });
  try {
    return await withTransaction(deps.db, async (tx) => {
      const created = await insertDiscountCode(tx, {
        code: input.code.toUpperCase(),
        artistUserId,
        createdBy: me.userId,
        percentOff: input.percentOff ?? null,
        amountOff,
        startsAt: input.startsAt ?? null,
        endsAt: input.endsAt ?? null,
        maxRedemptions: input.maxRedemptions ?? null,
        trackIds,
        releaseIds,
      });
      await recordAudit(
        tx,
        me,
        'discount_code.created',
        { type: 'discount_code', id: created.id },
        {
          percentOff: created.percentOff,
          amountOff: created.amountOff,
          tracks: trackIds,
          releases: releaseIds,
        },
      );
      return created;
    });
  } catch (err) {
    if ((err as { code?: string }).code === '23505') throw fail('code_taken');
    throw err;
  }
}

const uniq = (items: DiscountCodeInput['items'], kind: 'track' | 'release') =>
  [...new Set((items ?? []).filter((i) => i.kind === kind).map((i) => i.id))].sort((a, b) => a - b);

/** The actor's codes (an admin: every code), newest first. */
export function listMyDiscountCodes(deps: Deps, actor: Actor | undefined, page: Page) {
  return listDiscountCodes(deps.db, managementScope(actor), page);
}

/** Switches a code off for good (orders already holding it keep their discount). */
export async function disableMyDiscountCode(deps: Deps, actor: Actor | undefined, id: number): Promise<DiscountCode> {
  const scope = managementScope(actor);
  const me = requireSignedIn(actor);
  const code = await findDiscountCodeById(deps.db, id);
  if (!code || (scope !== undefined && code.artistUserId !== scope)) throw fail('discount_code_invalid');
  await withTransaction(deps.db, async (tx) => {
    await disableDiscountCode(tx, id, deps.clock());
    await recordAudit(tx, me, 'discount_code.disabled', { type: 'discount_code', id });
  });
  return (await findDiscountCodeById(deps.db, id))!;
}

/** A code a buyer typed, checked for use now: 422 unknown, expired or not started, 409 used up or used by them. */
export async function usableDiscountCode(deps: Deps, code: string, userId: number): Promise<DiscountCode> {
  const found = await findDiscountCodeByCode(deps.db, code);
  if (!found) throw fail('discount_code_invalid');
  checkUsable(found, deps.clock());
  if (await hasLiveRedemption(deps.db, found.id, userId)) throw fail('discount_code_used');
  return found;
}

function checkUsable(code: DiscountCode, now: Date): void {
  if (code.disabledAt !== null || (code.startsAt !== null && code.startsAt > now) || (code.endsAt !== null && code.endsAt <= now))
    throw fail('discount_code_expired');
  if (code.maxRedemptions !== null && code.redemptionCount + code.reservedCount >= code.maxRedemptions)
    throw fail('discount_code_exhausted');
}

/** The discount a code gives an item, or undefined when it does not apply to it. */
export function discountFor(
  code: DiscountCode,
  item: { kind: 'track' | 'release'; id: number; artistUserId: number | null },
  currency: ServiceDeps['config']['currency'],
): Discount | undefined {
  if (code.artistUserId !== null && item.artistUserId !== code.artistUserId) return undefined;
  const chosen = code.trackIds.length + code.releaseIds.length > 0;
  if (chosen && !(item.kind === 'track' ? code.trackIds : code.releaseIds).includes(item.id)) return undefined;
  return { percentOff: code.percentOff, amountOffMinor: code.amountOff === null ? null : toMinor(code.amountOff, currency) };
}

/**
 * Checks a code for a new order under the code's lock, inside the
 * transaction that stores the order — before the order's rows are written
 * (their foreign keys share-lock the code), so concurrent checkouts queue
 * here instead of deadlocking. Then `reserve` records the use: however many
 * race, no more orders than the maximum hold one, nor one buyer two.
 */
export async function holdDiscountCode(
  tx: Tx,
  codeId: number,
  userId: number,
  now: Date,
): Promise<{ reserve: (orderId: number) => Promise<void> }> {
  const code = await lockDiscountCode(tx, codeId);
  if (!code) throw fail('discount_code_invalid');
  checkUsable(code, now);
  if (await hasLiveRedemption(tx, codeId, userId)) throw fail('discount_code_used');
  return { reserve: (orderId) => reserveRedemption(tx, { codeId, userId, orderId }) };
}
