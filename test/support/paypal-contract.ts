import { z } from 'zod';
import type { Exchange } from '../../dev/paypal/exchanges';
import type { Delivery } from '../../dev/paypal/webhooks';

/**
 * The subset of PayPal's REST API the store uses, written here field by
 * field from PayPal's published OpenAPI documents
 * (github.com/paypal/paypal-rest-api-specifications: openapi/checkout_orders_v2.json,
 * payments_payment_v2.json, notifications_webhooks_v1.json; the OAuth token
 * from "Get an access token" in PayPal's authentication guide). Each schema
 * names its source. Used both ways: every request the store's gateway sends
 * (as the stand-in received it) and every answer the stand-in gives, across
 * every test that runs a stand-in — so neither side can drift from PayPal.
 * Objects are strict where the stand-in emits them: a field PayPal does not
 * define is a deviation too.
 */

// checkout_orders_v2.json components.schemas.money (currency_code: 3 characters; value: pattern, ≤ 32).
const money = z
  .object({
    currency_code: z.string().length(3),
    value: z
      .string()
      .max(32)
      .regex(/^((-?[0-9]+)|(-?([0-9]+)?[.][0-9]+))$/),
  })
  .strict();
// components.schemas.date_time (RFC 3339, seconds required).
const dateTime = z
  .string()
  .min(20)
  .max(64)
  .regex(
    /^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[1-2][0-9]|3[0-1])[T,t]([0-1][0-9]|2[0-3]):[0-5][0-9]:([0-5][0-9]|60)([.][0-9]+)?([Zz]|[+-][0-9]{2}:[0-9]{2})$/,
  );
// components.schemas.account_id (payer_id).
const accountId = z.string().regex(/^[2-9A-HJ-NP-Z]{13}$/);
// components.schemas.link_description.
const link = z
  .object({
    href: z.string(),
    rel: z.string(),
    method: z.enum(['GET', 'POST', 'PUT', 'DELETE', 'HEAD', 'CONNECT', 'OPTIONS', 'PATCH']).optional(),
  })
  .strict();
// payments_payment_v2.json components.schemas.related_ids (order_id, capture_id: ^[A-Z0-9]+$, 1–20).
const relatedId = z
  .string()
  .min(1)
  .max(20)
  .regex(/^[A-Z0-9]+$/);
// components.schemas.item.
const item = z
  .object({
    name: z.string().min(1).max(127),
    unit_amount: money,
    quantity: z
      .string()
      .max(10)
      .regex(/^[1-9][0-9]{0,9}$/),
    description: z.string().max(127).optional(),
    sku: z.string().max(127).optional(),
    category: z.enum(['DIGITAL_GOODS', 'PHYSICAL_GOODS', 'DONATION']).optional(),
  })
  .strict();
// components.schemas.amount_with_breakdown (money + breakdown.item_total).
const amountWithBreakdown = money.extend({ breakdown: z.object({ item_total: money }).strict().optional() });
// components.schemas.purchase_unit_request.
const purchaseUnitRequest = z
  .object({
    reference_id: z.string().min(1).max(256).optional(),
    amount: amountWithBreakdown,
    custom_id: z.string().min(1).max(127).optional(),
    invoice_id: z.string().min(1).max(127).optional(),
    description: z.string().min(1).max(127).optional(),
    soft_descriptor: z.string().min(1).max(22).optional(),
    items: z.array(item).optional(),
  })
  .strict();
// components.schemas.order_request (intent, purchase_units 1–10, payment_source.paypal.experience_context).
const orderRequest = z
  .object({
    intent: z.enum(['CAPTURE', 'AUTHORIZE']),
    purchase_units: z.array(purchaseUnitRequest).min(1).max(10),
    payment_source: z
      .object({
        paypal: z
          .object({
            experience_context: z
              .object({
                return_url: z.url().max(4000).optional(),
                cancel_url: z.url().max(4000).optional(),
                user_action: z.enum(['CONTINUE', 'PAY_NOW']).optional(),
                shipping_preference: z.enum(['GET_FROM_FILE', 'NO_SHIPPING', 'SET_PROVIDED_ADDRESS']).optional(),
                brand_name: z.string().min(1).max(127).optional(),
                landing_page: z.enum(['LOGIN', 'GUEST_CHECKOUT', 'NO_PREFERENCE']).optional(),
              })
              .strict(),
          })
          .strict(),
      })
      .strict()
      .optional(),
  })
  .strict();
// payments_payment_v2.json components.schemas.capture (+ capture_status, capture_status_details.reason enum, seller_protection).
const capture = z
  .object({
    id: relatedId,
    status: z.enum(['COMPLETED', 'DECLINED', 'PARTIALLY_REFUNDED', 'PENDING', 'REFUNDED', 'FAILED']),
    status_details: z
      .object({
        reason: z.enum([
          'BUYER_COMPLAINT',
          'CHARGEBACK',
          'ECHECK',
          'INTERNATIONAL_WITHDRAWAL',
          'OTHER',
          'PENDING_REVIEW',
          'RECEIVING_PREFERENCE_MANDATES_MANUAL_ACTION',
          'REFUNDED',
          'TRANSACTION_APPROVED_AWAITING_FUNDING',
          'UNILATERAL',
          'VERIFICATION_REQUIRED',
        ]),
      })
      .strict()
      .optional(),
    amount: money,
    final_capture: z.boolean(),
    seller_protection: z
      .object({
        status: z.enum(['ELIGIBLE', 'PARTIALLY_ELIGIBLE', 'NOT_ELIGIBLE']),
        dispute_categories: z.array(z.enum(['ITEM_NOT_RECEIVED', 'UNAUTHORIZED_TRANSACTION'])),
      })
      .strict(),
    // components.schemas.seller_receivable_breakdown (gross_amount required; the fee and net as the stand-in sends them).
    seller_receivable_breakdown: z
      .object({ gross_amount: money, paypal_fee: money.optional(), net_amount: money.optional() })
      .strict()
      .optional(),
    supplementary_data: z.object({ related_ids: z.object({ order_id: relatedId }).strict() }).strict(),
    create_time: dateTime,
    update_time: dateTime,
    links: z.array(link),
  })
  .strict();
// checkout_orders_v2.json components.schemas.order (+ payer: payer_base, name; purchase_unit; order_status).
const order = z
  .object({
    id: relatedId,
    intent: z.enum(['CAPTURE', 'AUTHORIZE']),
    status: z.enum(['CREATED', 'SAVED', 'APPROVED', 'VOIDED', 'COMPLETED', 'PAYER_ACTION_REQUIRED']),
    create_time: dateTime,
    update_time: dateTime.optional(),
    payer: z
      .object({
        email_address: z.email().min(3).max(254),
        payer_id: accountId,
        name: z.object({ given_name: z.string().max(140), surname: z.string().max(140) }).strict(),
        // components.schemas.address_portable: country_code (2 letters) required.
        address: z
          .object({ country_code: z.string().regex(/^([A-Z]{2}|C2)$/) })
          .strict()
          .optional(),
      })
      .strict()
      .optional(),
    purchase_units: z
      .array(
        purchaseUnitRequest.extend({
          payments: z
            .object({ captures: z.array(capture) })
            .strict()
            .optional(),
        }),
      )
      .min(1)
      .max(10),
    links: z.array(link),
  })
  .strict();
// payments_payment_v2.json components.schemas.refund_request (a full refund: an empty body).
const refundRequest = z
  .object({
    amount: money.optional(),
    invoice_id: z.string().min(1).max(127).optional(),
    note_to_payer: z.string().min(1).max(255).optional(),
  })
  .strict();
// components.schemas.refund (+ refund_status).
const refund = z
  .object({
    id: relatedId,
    status: z.enum(['CANCELLED', 'FAILED', 'PENDING', 'COMPLETED']),
    amount: money,
    // The refund's seller_payable_breakdown ("Merchant Payable Breakdown"): every field optional.
    seller_payable_breakdown: z
      .object({ gross_amount: money, paypal_fee: money, net_amount: money, total_refunded_amount: money })
      .partial()
      .strict()
      .optional(),
    supplementary_data: z.object({ related_ids: z.object({ order_id: relatedId, capture_id: relatedId }).strict() }).strict(),
    create_time: dateTime,
    update_time: dateTime.optional(),
    links: z.array(link),
  })
  .strict();
// notifications_webhooks_v1.json components.schemas.event: as the stand-in delivers them (every field PayPal sends).
const event = z
  .object({
    id: z.string().min(1),
    create_time: z.iso.datetime({ offset: true }),
    resource_type: z.string(),
    event_version: z.string().regex(/^([0-9]+.[0-9]+)$/),
    event_type: z.string(),
    summary: z.string(),
    resource_version: z
      .string()
      .regex(/^([0-9]+.[0-9]+)$/)
      .optional(),
    resource: z.record(z.string(), z.unknown()),
    links: z.array(link),
  })
  .strict();
// The same schema as verify-webhook-signature takes it: the reference requires none of its fields (the store relays what it got).
const relayedEvent = event.partial().loose();
// components.schemas.verify_webhook_signature.
const verifyRequest = z
  .object({
    auth_algo: z
      .string()
      .max(100)
      .regex(/^[a-zA-Z0-9]+$/),
    cert_url: z.url().max(500),
    transmission_id: z
      .string()
      .max(50)
      .regex(/^(?!\d+$)\w+\S+/),
    transmission_sig: z
      .string()
      .max(500)
      .regex(/^(?!\d+$)\w+\S+/),
    transmission_time: z.iso.datetime({ offset: true }).max(100),
    webhook_id: z
      .string()
      .max(50)
      .regex(/^[a-zA-Z0-9]+$/),
    webhook_event: relayedEvent,
  })
  .strict();
// components.schemas.verify_webhook_signature_response.
const verifyResponse = z.object({ verification_status: z.enum(['SUCCESS', 'FAILURE']) }).strict();
// "Get an access token" (authentication guide): the client-credentials answer.
const token = z
  .object({
    scope: z.string(),
    access_token: z.string().min(1),
    token_type: z.literal('Bearer'),
    app_id: z.string(),
    expires_in: z.number().int().positive(),
    nonce: z.string(),
  })
  .strict();
// checkout_orders_v2.json components.schemas.error_400 … error_503 (name and message fixed per status) and error_details.
const ERROR_NAMES: Record<number, [string, string | undefined]> = {
  400: ['INVALID_REQUEST', 'Request is not well-formed, syntactically incorrect, or violates schema.'],
  401: ['AUTHENTICATION_FAILURE', undefined],
  404: ['RESOURCE_NOT_FOUND', 'The specified resource does not exist.'],
  422: ['UNPROCESSABLE_ENTITY', 'The requested action could not be performed, semantically incorrect, or failed business validation.'],
};
const errorEnvelope = (status: number) =>
  z
    .object({
      name: ERROR_NAMES[status] ? z.literal(ERROR_NAMES[status]![0]) : z.string(),
      message: ERROR_NAMES[status]?.[1] ? z.literal(ERROR_NAMES[status]![1]!) : z.string(),
      debug_id: z.string().min(1),
      details: z.array(
        z
          .object({
            field: z.string().optional(),
            value: z.string().optional(),
            location: z.enum(['body', 'path', 'query']).optional(),
            issue: z.string(),
            description: z.string().optional(),
          })
          .strict(),
      ),
      links: z.array(link.extend({ encType: z.string().optional() })).max(10000),
    })
    .strict();
// payments_payouts_batch_v1.json: the Payouts calls the store makes (money there is { currency, value }).
const payoutMoney = z.object({ currency: z.string().regex(/^[A-Z]{3}$/), value: z.string().regex(/^\d{1,10}(\.\d{1,2})?$/) }).strict();
// components.schemas.sender_batch_header / payout_sender_batch_header.
const senderBatchHeader = z
  .object({
    sender_batch_id: z.string().min(1).max(256),
    recipient_type: z.enum(['EMAIL', 'PHONE', 'PAYPAL_ID']).optional(),
    email_subject: z.string().max(255).optional(),
    email_message: z.string().max(1000).optional(),
  })
  .strict();
// components.schemas.payout_item (request) and payout_item_detail (answer).
const payoutItem = z
  .object({
    recipient_type: z.enum(['EMAIL', 'PHONE', 'PAYPAL_ID']).optional(),
    amount: payoutMoney,
    note: z.string().max(4000).optional(),
    receiver: z.string().min(1).max(127),
    sender_item_id: z.string().max(63).optional(),
    recipient_wallet: z.enum(['PAYPAL', 'VENMO', 'RECIPIENT_SELECTED']).optional(),
  })
  .strict();
const createPayoutRequest = z.object({ sender_batch_header: senderBatchHeader, items: z.array(payoutItem).min(1).max(15000) }).strict();
const batchStatus = z.enum(['DENIED', 'PENDING', 'PROCESSING', 'SUCCESS', 'CANCELED']);
const transactionStatus = z.enum(['SUCCESS', 'FAILED', 'PENDING', 'UNCLAIMED', 'RETURNED', 'ONHOLD', 'BLOCKED', 'REFUNDED', 'REVERSED']);
const payoutId = z.string().min(1).max(30);
// components.schemas.error (the Payouts API's own envelope).
const payoutsError = z
  .object({
    name: z.string(),
    message: z.string(),
    debug_id: z.string(),
    information_link: z.string().optional(),
    details: z
      .array(
        z
          .object({ field: z.string().optional(), location: z.string().optional(), issue: z.string(), description: z.string().optional() })
          .strict(),
      )
      .optional(),
    links: z.array(link).optional(),
  })
  .strict();
// components.schemas.payout (the create answer).
const payoutCreated = z
  .object({
    batch_header: z
      .object({
        payout_batch_id: payoutId,
        batch_status: batchStatus,
        time_created: z.string().max(100).optional(),
        sender_batch_header: senderBatchHeader,
      })
      .strict(),
    links: z.array(link),
  })
  .strict();
// components.schemas.payout_batch_items, and payout_item-2 (GET payouts-item: with sender_batch_id).
const payoutBatchItem = z
  .object({
    payout_item_id: payoutId,
    transaction_id: payoutId.optional(),
    transaction_status: transactionStatus.optional(),
    payout_batch_id: payoutId,
    payout_item: payoutItem,
    time_processed: z.string().max(100).optional(),
    errors: payoutsError.optional(),
    links: z.array(link),
  })
  .strict();
// components.schemas.payout_batch.
const payoutBatch = z
  .object({
    batch_header: z
      .object({
        payout_batch_id: payoutId,
        batch_status: batchStatus,
        time_created: z.string().max(100).optional(),
        time_completed: z.string().max(100).optional(),
        sender_batch_header: senderBatchHeader,
        amount: payoutMoney.optional(),
        fees: payoutMoney.optional(),
      })
      .strict(),
    items: z.array(payoutBatchItem),
    links: z.array(link),
  })
  .strict();

// The PayPal-Request-Id header (components.parameters.paypal_request_id: 1–108 characters).
const requestId = z.string().min(1).max(108);

/** What each call of the API must send and may answer, by method and path. */
const CALLS: {
  method: string;
  path: RegExp;
  request?: z.ZodType;
  response: z.ZodType;
  requestBodyless?: boolean;
  /** A call that moves money: the store always sends a PayPal-Request-Id, so a retry is the same call. */
  idempotent?: true;
}[] = [
  { method: 'POST', path: /^\/v1\/oauth2\/token$/, response: token },
  { method: 'POST', path: /^\/v2\/checkout\/orders$/, request: orderRequest, response: order, idempotent: true },
  { method: 'GET', path: /^\/v2\/checkout\/orders\/[^/]+$/, response: order },
  { method: 'POST', path: /^\/v2\/checkout\/orders\/[^/]+\/capture$/, request: z.object({}).strict(), response: order, idempotent: true },
  { method: 'POST', path: /^\/v2\/payments\/captures\/[^/]+\/refund$/, request: refundRequest, response: refund, idempotent: true },
  { method: 'POST', path: /^\/v1\/notifications\/verify-webhook-signature$/, request: verifyRequest, response: verifyResponse },
  { method: 'POST', path: /^\/v1\/payments\/payouts$/, request: createPayoutRequest, response: payoutCreated },
  { method: 'GET', path: /^\/v1\/payments\/payouts\/[^/]+$/, response: payoutBatch },
  {
    method: 'GET',
    path: /^\/v1\/payments\/payouts-item\/[^/]+$/,
    response: payoutBatchItem.extend({ sender_batch_id: z.string().max(256) }),
  },
];

const issues = (where: string, result: { success: boolean; error?: z.ZodError }) =>
  result.success ? [] : result.error!.issues.map((i) => `${where}: ${i.path.join('.') || '(root)'} ${i.message}`);

/**
 * Every way the recorded exchanges and webhook deliveries differ from
 * PayPal's reference; empty when none do. `requests: false` checks answers
 * only (for tests that send the stand-in malformed requests on purpose).
 */
export function contractViolations(exchanges: Exchange[], deliveries: Delivery[] = [], { requests = true } = {}): string[] {
  const found: string[] = [];
  for (const x of exchanges) {
    const where = `${x.method} ${x.path.split('?')[0]} → ${x.status}`;
    const call = CALLS.find((c) => c.method === x.method && c.path.test(x.path.split('?')[0]!));
    if (!call) {
      found.push(`${where}: a call the contract does not describe`);
      continue;
    }
    const header = x.headers['paypal-request-id'];
    if (header !== undefined && requests) found.push(...issues(`${where} PayPal-Request-Id`, requestId.safeParse(header)));
    if (header === undefined && requests && call.idempotent) found.push(`${where}: no PayPal-Request-Id (a retry could move money twice)`);
    if (call.request && requests) found.push(...issues(`${where} request`, call.request.safeParse(x.body ?? {})));
    const answer =
      x.status < 400
        ? call.response
        : call.path.source.includes('oauth2')
          ? z.object({ error: z.string(), error_description: z.string() }).strict()
          : call.path.source.includes('payouts')
            ? payoutsError
            : errorEnvelope(x.status);
    found.push(...issues(`${where} response`, answer.safeParse(x.response)));
  }
  for (const d of deliveries) {
    const where = `webhook ${d.event.event_type}`;
    found.push(...issues(where, event.safeParse(JSON.parse(d.body))));
    // The headers verify-webhook-signature is fed from, each to its field's pattern.
    const header = (name: string) => d.headers[name] ?? d.headers[name.toUpperCase()];
    const signed = verifyRequest.omit({ webhook_id: true, webhook_event: true }).safeParse({
      auth_algo: header('paypal-auth-algo'),
      cert_url: header('paypal-cert-url'),
      transmission_id: header('paypal-transmission-id'),
      transmission_sig: header('paypal-transmission-sig'),
      transmission_time: header('paypal-transmission-time'),
    });
    found.push(...issues(`${where} headers`, signed));
  }
  return found;
}

/** The schemas on their own, for tests that check a single value (and show the two deviations the stand-in once had). */
export const paypalSchemas = { accountId, order, verifyRequest, orderRequest, item, money, capture, refund, event };
