import { withTransaction } from '../../db/pool';
import {
  batchItems,
  findBatchBySenderId,
  insertBatch,
  listBatches,
  lockPayouts,
  markBatchRefused,
  markBatchSent,
  payableBalances,
  unsettledBatches,
  updateItemStatus,
  findPayoutItem,
  type PayoutBatch,
  type PayoutItem,
} from '../../db/repos/payouts.repo';
import { addDays } from '../../lib/clock';
import { requireRole, type Actor } from '../actor';
import { recordAudit } from '../audit.service';
import type { ServiceDeps } from '../deps';
import { callProvider } from '../payments/gateway-errors';
import { sendPayoutNotice } from './money-mail.service';

/**
 * Payouts: one PayPal batch per run paying every artist whose available
 * balance (ledger net past the hold, less what earlier payouts hold) reached
 * PAYOUT_MINIMUM and who confirmed a PayPal address. The run is recorded
 * first — batch and items, under a lock, in one transaction — then sent
 * under its sender_batch_id (`payouts-<day>`: a second run that day finds
 * the first), then read back. A crash anywhere in between leaves a batch
 * that the next run, or the reconciliation job, sends again under the same
 * id (PayPal answers with the batch it already has) and reads back: paid
 * once. Items that fail or come back stop counting as paid, so the balance
 * has them again.
 */

type Deps = Pick<ServiceDeps, 'db' | 'clock' | 'config' | 'payments' | 'mailer'>;

export interface PayoutRun {
  batch: PayoutBatch | null;
  items: number;
  /** Whether this run made the batch (false: the day's batch existed). */
  created: boolean;
}

/** The run's sender_batch_id: one batch a day (UTC), whoever starts the run. */
export const senderBatchIdOn = (day: Date) => `payouts-${day.toISOString().slice(0, 10)}`;

/** POST /api/admin/payouts/run and `npm run payouts:run` (actor undefined: the operator's cron). */
export async function runPayouts(deps: Deps, actor: Actor | undefined, options: { system?: boolean } = {}): Promise<PayoutRun> {
  const me = options.system ? undefined : requireRole(actor, 'admin');
  const now = deps.clock();
  const senderBatchId = senderBatchIdOn(now);
  const { currency, ledger } = deps.config;
  const recorded = await withTransaction(deps.db, async (tx) => {
    await lockPayouts(tx);
    const existing = await findBatchBySenderId(tx, senderBatchId);
    if (existing) return { batch: existing, created: false };
    const payable = (await payableBalances(tx, addDays(now, -ledger.payoutHoldDays), currency.code)).filter(
      (b) => b.paypalEmail !== null && b.availableMinor >= ledger.payoutMinimumMinor,
    );
    if (payable.length === 0) return { batch: null, created: false };
    const items = payable.map((b) => ({ artistUserId: b.artistUserId, paypalEmail: b.paypalEmail!, amountMinor: b.availableMinor }));
    const batch = await insertBatch(tx, { senderBatchId, currency: currency.code, createdBy: me?.userId ?? null }, items);
    await recordAudit(
      tx,
      me ?? 'cli',
      'payouts.batch_created',
      { type: 'payout_batch', id: batch.id },
      {
        senderBatchId,
        items: items.length,
        totalMinor: items.reduce((sum, i) => sum + i.amountMinor, 0),
        currency: currency.code,
      },
    );
    return { batch, created: true };
  });
  if (!recorded.batch) return { batch: null, items: 0, created: false };
  await sendAndRead(deps, recorded.batch);
  return {
    batch: (await findBatchBySenderId(deps.db, senderBatchId))!,
    items: (await batchItems(deps.db, recorded.batch.id)).length,
    created: recorded.created,
  };
}

/**
 * Sends a recorded batch (again, if need be: PayPal pays a sender_batch_id once) and takes each item's state.
 * A batch PayPal refuses keeps its reason and stays unsent, holding its items, for the next reconciliation.
 */
async function sendAndRead(deps: Deps, batch: PayoutBatch): Promise<'read' | 'refused'> {
  let paypalBatchId = batch.paypalBatchId;
  if (!paypalBatchId) {
    const items = await batchItems(deps.db, batch.id);
    const sent = await callProvider(() =>
      deps.payments.createPayoutBatch({
        senderBatchId: batch.senderBatchId,
        subject: 'You have a payout from Song-Nexus',
        items: items.map((i) => ({
          senderItemId: i.senderItemId,
          email: i.paypalEmail,
          amountMinor: i.amountMinor,
          currency: i.currency,
          note: 'Your earnings from sales on Song-Nexus',
        })),
      }),
    );
    if (sent.outcome === 'refused') {
      await markBatchRefused(deps.db, batch.id, sent.reason, deps.clock());
      return 'refused';
    }
    paypalBatchId = sent.batchId;
    await markBatchSent(deps.db, batch.id, paypalBatchId, deps.clock());
  }
  const held = await callProvider(() => deps.payments.getPayoutBatch(paypalBatchId));
  for (const item of held.items) {
    await updateItemStatus(deps.db, {
      senderItemId: item.senderItemId,
      paypalItemId: item.itemId,
      status: item.status,
      transactionId: item.transactionId,
    });
  }
  await noticeItems(deps, await batchItems(deps.db, batch.id));
  return 'read';
}

/** Each item's notice to its artist (once per item and state; a mail server that is down is tried on the next read). */
async function noticeItems(deps: Deps, items: PayoutItem[]): Promise<void> {
  for (const item of items) await sendPayoutNotice(deps, item).catch(() => undefined);
}

export interface PayoutsReconciled {
  /** Batches a crash left unsent or unread, or PayPal refused earlier. */
  checked: number;
  /** Of those, the ones PayPal refused again (each with its reason in `refusal`). */
  refused: PayoutBatch[];
  errors: number;
}

/** The reconciliation of payouts: every batch left unsent (a crash, a refusal) or unread is sent (once) and read back. */
export async function reconcilePayouts(
  deps: Deps,
  options: { onError?: (batch: PayoutBatch, err: unknown) => void } = {},
): Promise<PayoutsReconciled> {
  const open = await unsettledBatches(deps.db);
  const summary: PayoutsReconciled = { checked: open.length, refused: [], errors: 0 };
  for (const batch of open) {
    try {
      if ((await sendAndRead(deps, batch)) === 'refused') summary.refused.push((await findBatchBySenderId(deps.db, batch.senderBatchId))!);
    } catch (err) {
      summary.errors++;
      options.onError?.(batch, err);
    }
  }
  return summary;
}

/** A PAYMENT.PAYOUTS-ITEM.* webhook's item: its state as PayPal tells it now. */
export async function takePayoutItemEvent(
  deps: Pick<ServiceDeps, 'db' | 'mailer' | 'config' | 'clock'>,
  item: { payoutItemId: string; senderItemId: string | undefined; status: string; transactionId: string | undefined },
): Promise<void> {
  await updateItemStatus(deps.db, {
    senderItemId: item.senderItemId,
    paypalItemId: item.payoutItemId,
    status: item.status,
    transactionId: item.transactionId,
  });
  const ours = await findPayoutItem(deps.db, item.payoutItemId);
  if (ours) await sendPayoutNotice(deps, ours);
}

/** GET /api/admin/payouts. */
export async function payoutBatches(deps: Pick<ServiceDeps, 'db'>, actor: Actor | undefined) {
  requireRole(actor, 'admin');
  return listBatches(deps.db);
}
