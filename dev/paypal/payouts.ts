import type { Express, Request } from 'express';
import { currencyOf, formatMinor, toMinor, type CurrencyCode } from '../../contract/money';
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
 * it. A batch is paid from the merchant's balance (captures' net, less
 * refunds, less earlier payouts, moved by `POST /standin/funds` as the
 * operator's bank transfers): more than that is 422 INSUFFICIENT_FUNDS.
 * A whole batch fails on request as PayPal's negative testing makes it
 * fail: `PayPal-Mock-Response: {"mock_application_codes":"SENDER_RESTRICTED"}`
 * (or another of the batch errors below), or the sandbox's test values in
 * the first item's note (`ERRPYO005` is INSUFFICIENT_FUNDS). The bearer
 * token is checked by the stand-in before these routes.
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

/** An amount in minor units, or undefined when PayPal would refuse it ("12.50" yen, not a number). */
function minorOf(amount: PayoutMoney | undefined): number | undefined {
  try {
    return toMinor(String(amount?.value), currencyOf(String(amount?.currency) as CurrencyCode));
  } catch {
    return undefined;
  }
}

const EVENTS = { SUCCESS: 'SUCCEEDED', FAILED: 'FAILED', UNCLAIMED: 'UNCLAIMED', RETURNED: 'RETURNED' } as const;

/** The batch errors of payments_payouts_batch_v1 the stand-in can be asked for: status and message. */
const BATCH_ERRORS: Record<string, [number, string]> = {
  SENDER_RESTRICTED: [403, 'Sender is restricted from making payments.'],
  SENDER_EMAIL_UNCONFIRMED: [403, 'Sender email is unconfirmed.'],
  AUTHORIZATION_ERROR: [403, 'Authorization error occurred.'],
  INSUFFICIENT_FUNDS: [422, 'Sender does not have sufficient funds. Please add funds and retry.'],
  INTERNAL_ERROR: [500, 'An internal service error has occurred.'],
  VALIDATION_ERROR: [400, 'Invalid request - see details.'],
  SENDER_LOCKED: [403, 'Sender account is locked.'],
  USER_BUSINESS_ERROR: [422, 'User business error.'],
  RATE_LIMIT_REACHED: [429, 'Too many requests. Blocked due to rate limiting.'],
};
/** The sandbox's test values for the first item's note, and the error each one stands for. */
const NOTE_TEST_VALUES: Record<string, string> = {
  ERRPYO001: 'SENDER_RESTRICTED',
  ERRPYO002: 'SENDER_EMAIL_UNCONFIRMED',
  ERRPYO003: 'AUTHORIZATION_ERROR',
  ERRPYO005: 'INSUFFICIENT_FUNDS',
  ERRPYO006: 'INTERNAL_ERROR',
  ERRPYO010: 'VALIDATION_ERROR',
  ERRPYO012: 'SENDER_LOCKED',
  ERRPYO014: 'USER_BUSINESS_ERROR',
};
/** Items whose money left the merchant's balance (a failed or returned item's came back). */
const PAID_OUT = new Set<StoredItem['transaction_status']>(['SUCCESS', 'UNCLAIMED']);

interface PayoutsContext {
  baseUrl: () => string;
  webhooks: WebhookSender;
  /** The merchant's balance in a currency from captures and refunds, in minor units (before payouts). */
  takings: (currency: string) => number;
  /** The request's PayPal-Mock-Response code, if any. */
  mockCode: (req: Request) => string | undefined;
}

export function installPayouts(app: Express, ctx: PayoutsContext) {
  const batches = new Map<string, StoredBatch>();
  const bySenderId = new Map<string, string>();
  const items = new Map<string, StoredItem>();

  const paidOut = (currency: string) =>
    [...items.values()]
      .filter((i) => i.payout_item.amount.currency === currency && PAID_OUT.has(i.transaction_status))
      .reduce((sum, i) => sum + (minorOf(i.payout_item.amount) ?? 0), 0);
  /** The operator's own transfers between PayPal and their bank (POST /standin/funds), per currency. */
  const transfers = new Map<string, number>();
  const funds = (currency: string) => ctx.takings(currency) + (transfers.get(currency) ?? 0) - paidOut(currency);
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
    const sum = batch.items.reduce((a, i) => a + (minorOf(i.payout_item.amount) ?? 0), 0);
    return { currency, value: formatMinor(sum, currencyOf(currency as CurrencyCode)) };
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
          !/^[A-Z]{3}$/.test(String(i.amount?.currency)) ||
          minorOf(i.amount) === undefined ||
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
    const mocked = ctx.mockCode(req) ?? NOTE_TEST_VALUES[list[0]?.note ?? ''];
    const refusal = mocked && BATCH_ERRORS[mocked];
    if (mocked && refusal) return paypalError(res, refusal[0], mocked, refusal[1]);
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
    const currency = list[0]!.amount.currency;
    const asked = list.reduce((sum, i) => sum + (i.amount.currency === currency ? minorOf(i.amount)! : Infinity), 0);
    if (asked > funds(currency)) return paypalError(res, 422, 'INSUFFICIENT_FUNDS', BATCH_ERRORS.INSUFFICIENT_FUNDS![1]);
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

  // The operator moves money to their bank ("-5.00") or back ("5.00"): the balance payouts are paid from.
  app.post('/standin/funds', (req, res) => {
    const currency = String(req.body?.currency ?? '');
    const value = String(req.body?.value ?? '');
    const minor = minorOf({ currency, value: value.replace(/^-/, '') });
    if (!/^[A-Z]{3}$/.test(currency) || minor === undefined)
      return void res.status(400).json({ error: 'currency and value ("-5.00") expected' });
    transfers.set(currency, (transfers.get(currency) ?? 0) + (value.startsWith('-') ? -minor : minor));
    const available = funds(currency);
    const shown = formatMinor(Math.abs(available), currencyOf(currency as CurrencyCode));
    res.json({ currency, available: available < 0 ? `-${shown}` : shown });
  });

  app.post('/standin/payouts-items/:id/return', (req, res) => {
    const item = items.get(String(req.params.id));
    if (!item || item.transaction_status !== 'UNCLAIMED') return void res.status(409).json({ error: 'not an unclaimed payout item' });
    item.transaction_status = 'RETURNED';
    emit(item);
    res.json({ returned: item.payout_item_id });
  });
}
