import type { Express } from 'express';
import { newId, paypalError } from './paypal-errors';
import type { WebhookSender } from './webhooks';

/**
 * The stand-in's Payouts (payments_payouts_batch_v1): create a batch, read
 * it back, read an item. A sender_batch_id is used once: again, it is 400
 * USER_BUSINESS_ERROR with a link to the original batch (so a sender that
 * lost the first answer can find it). Items are paid at once, and what
 * happens to each is told by the receiver's address, the stand-in's
 * negative testing: `…+fail@…` fails (RECEIVER_UNREGISTERED), `…+unclaimed@…`
 * stays unclaimed; every other address succeeds. Each outcome is also sent
 * as a PAYMENT.PAYOUTS-ITEM.* webhook. `POST /standin/payouts-items/:id/return`
 * makes an unclaimed item RETURNED later, as when its receiver never claims
 * it. The bearer token is checked by the stand-in before these routes.
 */

interface PayoutMoney {
  currency: string;
  value: string;
}

interface StoredItem {
  payout_item_id: string;
  transaction_id: string | undefined;
  transaction_status: 'SUCCESS' | 'FAILED' | 'UNCLAIMED' | 'RETURNED';
  payout_batch_id: string;
  sender_batch_id: string;
  payout_item: {
    recipient_type: 'EMAIL';
    amount: PayoutMoney;
    note?: string;
    receiver: string;
    sender_item_id?: string;
    recipient_wallet: 'PAYPAL';
  };
  time_processed: string;
}

interface StoredBatch {
  payout_batch_id: string;
  sender_batch_header: { sender_batch_id: string; email_subject?: string; email_message?: string };
  time_created: string;
  items: StoredItem[];
}

const EVENTS = { SUCCESS: 'SUCCEEDED', FAILED: 'FAILED', UNCLAIMED: 'UNCLAIMED', RETURNED: 'RETURNED' } as const;

export function installPayouts(app: Express, ctx: { baseUrl: () => string; webhooks: WebhookSender }) {
  const batches = new Map<string, StoredBatch>();
  const bySenderId = new Map<string, string>();
  const items = new Map<string, StoredItem>();

  const batchLink = (id: string) => ({ href: `${ctx.baseUrl()}/v1/payments/payouts/${id}`, rel: 'self', method: 'GET' });
  const itemJson = (item: StoredItem) => ({
    ...item,
    ...(item.transaction_status === 'FAILED'
      ? { errors: { name: 'RECEIVER_UNREGISTERED', message: 'Receiver is unregistered', debug_id: newId(13).toLowerCase() } }
      : {}),
    links: [{ href: `${ctx.baseUrl()}/v1/payments/payouts-item/${item.payout_item_id}`, rel: 'item', method: 'GET' }],
  });
  const total = (batch: StoredBatch): PayoutMoney => {
    const currency = batch.items[0]?.payout_item.amount.currency ?? 'EUR';
    const sum = batch.items.reduce((a, i) => a + Math.round(Number(i.payout_item.amount.value) * 100), 0);
    return { currency, value: (sum / 100).toFixed(2) };
  };
  const batchJson = (batch: StoredBatch) => ({
    batch_header: {
      payout_batch_id: batch.payout_batch_id,
      batch_status: 'SUCCESS',
      time_created: batch.time_created,
      time_completed: batch.time_created,
      sender_batch_header: batch.sender_batch_header,
      amount: total(batch),
      fees: { currency: total(batch).currency, value: '0.00' },
    },
    items: batch.items.map((item) => {
      const { sender_batch_id: _senderBatchId, ...inBatch } = itemJson(item); // a batch's items do not repeat its sender_batch_id
      return inBatch;
    }),
    links: [batchLink(batch.payout_batch_id)],
  });
  const emit = (item: StoredItem) =>
    ctx.webhooks.emit(
      `PAYMENT.PAYOUTS-ITEM.${EVENTS[item.transaction_status]}`,
      'payouts_item',
      itemJson(item),
      `A payout item ${item.transaction_status.toLowerCase()}`,
    );

  app.post('/v1/payments/payouts', (req, res) => {
    const body = req.body as {
      sender_batch_header?: { sender_batch_id?: unknown; email_subject?: string; email_message?: string };
      items?: unknown[];
    };
    const senderBatchId = body.sender_batch_header?.sender_batch_id;
    const list = Array.isArray(body.items) ? (body.items as StoredItem['payout_item'][]) : [];
    const malformed =
      typeof senderBatchId !== 'string' ||
      senderBatchId.length === 0 ||
      senderBatchId.length > 256 ||
      list.length === 0 ||
      list.length > 15_000 ||
      list.some(
        (i) =>
          typeof i?.receiver !== 'string' ||
          i.receiver.length > 127 ||
          !/^\d+(\.\d{1,2})?$/.test(String(i.amount?.value)) ||
          !/^[A-Z]{3}$/.test(String(i.amount?.currency)) ||
          (i.sender_item_id ?? '').length > 63,
      );
    if (malformed)
      return paypalError(
        res,
        400,
        'VALIDATION_ERROR',
        'Invalid request - see details',
        'INVALID_REQUEST',
        'The batch or one of its items is malformed.',
      );
    const existing = bySenderId.get(senderBatchId);
    if (existing)
      return paypalError(
        res,
        400,
        'USER_BUSINESS_ERROR',
        'User business error.',
        'DUPLICATE_SENDER_BATCH_ID',
        `Batch with given sender_batch_id already exists`,
        [batchLink(existing)],
      );
    const batch: StoredBatch = {
      payout_batch_id: newId(13),
      sender_batch_header: {
        sender_batch_id: senderBatchId,
        email_subject: body.sender_batch_header?.email_subject,
        email_message: body.sender_batch_header?.email_message,
      },
      time_created: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
      items: [],
    };
    for (const request of list) {
      const outcome = /\+fail@/.test(request.receiver) ? 'FAILED' : /\+unclaimed@/.test(request.receiver) ? 'UNCLAIMED' : 'SUCCESS';
      const item: StoredItem = {
        payout_item_id: newId(13),
        transaction_id: outcome === 'FAILED' ? undefined : newId(17),
        transaction_status: outcome,
        payout_batch_id: batch.payout_batch_id,
        sender_batch_id: senderBatchId,
        payout_item: {
          recipient_type: 'EMAIL',
          amount: request.amount,
          note: request.note,
          receiver: request.receiver,
          sender_item_id: request.sender_item_id,
          recipient_wallet: 'PAYPAL',
        },
        time_processed: batch.time_created,
      };
      batch.items.push(item);
      items.set(item.payout_item_id, item);
    }
    batches.set(batch.payout_batch_id, batch);
    bySenderId.set(senderBatchId, batch.payout_batch_id);
    batch.items.forEach(emit);
    res.status(201).json({
      batch_header: { payout_batch_id: batch.payout_batch_id, batch_status: 'PENDING', sender_batch_header: batch.sender_batch_header },
      links: [batchLink(batch.payout_batch_id)],
    });
  });

  app.get('/v1/payments/payouts/:id', (req, res) => {
    const batch = batches.get(String(req.params.id));
    if (!batch) return paypalError(res, 404, 'INVALID_RESOURCE_ID', 'Requested resource ID was not found.', 'INVALID_RESOURCE_ID');
    res.json(batchJson(batch));
  });

  app.get('/v1/payments/payouts-item/:id', (req, res) => {
    const item = items.get(String(req.params.id));
    if (!item) return paypalError(res, 404, 'INVALID_RESOURCE_ID', 'Requested resource ID was not found.', 'INVALID_RESOURCE_ID');
    res.json(itemJson(item));
  });

  app.post('/standin/payouts-items/:id/return', (req, res) => {
    const item = items.get(String(req.params.id));
    if (!item || item.transaction_status !== 'UNCLAIMED') return void res.status(409).json({ error: 'not an unclaimed payout item' });
    item.transaction_status = 'RETURNED';
    emit(item);
    res.json({ returned: item.payout_item_id });
  });
}
