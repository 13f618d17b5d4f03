import { withTransaction, type Tx } from '../../db/pool';
import {
  disableDownloadCode,
  findDownloadCode,
  insertDownloadCodes,
  listItemDownloadCodes,
  lockDownloadCodeByHash,
  markDownloadCodeRedeemed,
  type DownloadCode,
} from '../../db/repos/download-codes.repo';
import { grantWithoutPayment, ownedTrackIds } from '../../db/repos/purchases.repo';
import { findReleaseById, findTracksOfReleases } from '../../db/repos/releases.repo';
import { findTrackById } from '../../db/repos/tracks.repo';
import { fail, releaseNotFound, trackNotFound } from '../../lib/errors';
import { mayManageTrack, requireRole, requireSignedIn, type Actor } from '../actor';
import { recordAudit } from '../audit.service';
import type { ServiceDeps } from '../deps';
import { codeHash, newCode, normaliseCode, sealerFor } from './code-words';

/**
 * Download codes: an artist hands out single-use codes for a release or a
 * track (press, merch tables); a signed-in listener redeems one and owns the
 * item (a personal license, no money). Gift claims are the same codes,
 * made when a gift order completes (gifts.service.ts).
 */

export const MAX_CODES_PER_BATCH = 1000;

export type CodeItem = { kind: 'track' | 'release'; id: number };

type Deps = Pick<ServiceDeps, 'db' | 'clock'>;

export interface IssuedCode {
  id: number;
  code: string;
  createdAt: Date;
  redeemedAt: Date | null;
  disabledAt: Date | null;
}

/** The item if the actor may hand out codes for it: its artist or an admin; 404 otherwise (deleted items too). */
async function managedItem(deps: Deps, actor: Actor, item: CodeItem): Promise<{ artistUserId: number | null }> {
  const found = item.kind === 'release' ? await findReleaseById(deps.db, item.id) : await findTrackById(deps.db, item.id);
  if (!found || found.isDeleted || !mayManageTrack(actor, found)) throw item.kind === 'release' ? releaseNotFound() : trackNotFound();
  return found;
}

const itemColumns = (item: CodeItem) => ({
  trackId: item.kind === 'track' ? item.id : null,
  releaseId: item.kind === 'release' ? item.id : null,
});

/** Makes `count` new codes (1–1000) for one of the actor's items. */
export async function createDownloadCodes(deps: Deps, actor: Actor | undefined, item: CodeItem, count: number): Promise<IssuedCode[]> {
  const me = requireRole(actor, 'artist', 'admin');
  if (!Number.isInteger(count) || count < 1 || count > MAX_CODES_PER_BATCH)
    throw fail('invalid_value', { message: `count must be 1 to ${MAX_CODES_PER_BATCH}.` });
  const owner = await managedItem(deps, me, item);
  const codes = Array.from({ length: count }, newCode);
  const sealer = sealerFor(deps.db);
  const sealed = await Promise.all(
    codes.map(async (code) => ({
      codeHash: codeHash(normaliseCode(code)!),
      codeSealed: await sealer.seal(code),
      artistUserId: owner.artistUserId,
      ...itemColumns(item),
    })),
  );
  const rows = await withTransaction(deps.db, async (tx) => {
    const inserted = await insertDownloadCodes(tx, sealed);
    await recordAudit(tx, me, 'download_codes.created', { type: item.kind, id: item.id }, { count, firstCodeId: inserted[0]!.id });
    return inserted;
  });
  return rows.map((row, i) => ({ ...issued(row), code: codes[i]! }));
}

const issued = (row: DownloadCode) => ({ id: row.id, createdAt: row.createdAt, redeemedAt: row.redeemedAt, disabledAt: row.disabledAt });

/** Every code made for one of the actor's items, oldest first, opened for export. */
export async function listDownloadCodes(deps: Deps, actor: Actor | undefined, item: CodeItem): Promise<IssuedCode[]> {
  const me = requireRole(actor, 'artist', 'admin');
  await managedItem(deps, me, item);
  const sealer = sealerFor(deps.db);
  const rows = await listItemDownloadCodes(deps.db, item);
  return Promise.all(rows.map(async (row) => ({ ...issued(row), code: await sealer.open(row.codeSealed) })));
}

/** Switches one unredeemed code off; a redeemed one stays as it was (its grant is not taken back). */
export async function disableMyDownloadCode(deps: Deps, actor: Actor | undefined, id: number): Promise<void> {
  const me = requireRole(actor, 'artist', 'admin');
  const code = await findDownloadCode(deps.db, id);
  if (!code || code.orderId !== null || !mayManageTrack(me, code)) throw fail('download_code_invalid');
  if (code.redeemedAt !== null) return;
  await withTransaction(deps.db, async (tx) => {
    await disableDownloadCode(tx, id, deps.clock());
    await recordAudit(tx, me, 'download_code.disabled', { type: 'download_code', id });
  });
}

export interface Redemption {
  kind: 'track' | 'release';
  id: number;
  /** Whether it came as a gift. */
  gift: boolean;
}

/**
 * Redeems a download or gift code for the signed-in listener: under the
 * code's row lock, once. A code that does not exist, was switched off (a
 * refunded gift) or whose item is gone is 404 download_code_invalid; one
 * already redeemed 409; an item the listener already owns whole is 409
 * already_owned and leaves the code unused (for someone else).
 */
export async function redeemCode(deps: Deps, actor: Actor | undefined, typed: string): Promise<Redemption> {
  const me = requireSignedIn(actor);
  const canonical = normaliseCode(typed);
  if (!canonical) throw fail('download_code_invalid');
  return withTransaction(deps.db, async (tx) => {
    const code = await lockDownloadCodeByHash(tx, codeHash(canonical));
    if (!code || code.disabledAt !== null) throw fail('download_code_invalid');
    if (code.redeemedAt !== null) throw fail('download_code_redeemed');
    const item: CodeItem = code.releaseId !== null ? { kind: 'release', id: code.releaseId } : { kind: 'track', id: code.trackId! };
    const now = deps.clock();
    await refuseOwnedWhole(tx, me.userId, item, now);
    const granted = await grantWithoutPayment(tx, {
      userId: me.userId,
      trackId: code.trackId ?? undefined,
      releaseId: code.releaseId ?? undefined,
      downloadCodeId: code.id,
      now,
    });
    if (granted === 0 && item.kind === 'track') throw fail('download_code_invalid');
    await markDownloadCodeRedeemed(tx, code.id, me.userId, now);
    return { ...item, gift: code.orderId !== null };
  });
}

/** 409 already_owned when the user owns every track of the item (personally or more); 404 when the item is gone. */
export async function refuseOwnedWhole(tx: Tx | Deps['db'], userId: number, item: CodeItem, now: Date): Promise<void> {
  const trackIds =
    item.kind === 'release'
      ? (await findTracksOfReleases(tx, [item.id])).map((t) => t.id)
      : [await findTrackById(tx, item.id)].filter((t) => t && !t.isDeleted).map((t) => t!.id);
  if (trackIds.length === 0) throw fail('download_code_invalid');
  const owned = await ownedTrackIds(tx, userId, trackIds, now, ['personal', 'commercial']);
  if (owned.length === trackIds.length) throw fail('already_owned');
}
