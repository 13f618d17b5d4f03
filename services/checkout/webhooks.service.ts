import { z } from 'zod';
import { findOrderByCaptureId, findOrderByPaypalId, type Order } from '../../db/repos/orders.repo';
import { markPaymentEventProcessed, recordPaymentEvent } from '../../db/repos/payment-events.repo';

import type { ServiceDeps } from '../deps';
import { callProvider } from '../payments/gateway-errors';
import type { WebhookDelivery } from '../payments/payment-gateway';
import { reconcileOrder } from './reconcile.service';
import { settleRefund } from './settlement';
import { fail } from '../../lib/errors';
import { parseMinor } from '../../lib/money';
import { takePayoutItemEvent } from '../ledger/payouts.service';

type Deps = Pick<ServiceDeps, 'db' | 'clock' | 'payments' | 'jobs' | 'config' | 'mailer'>;

const link = z.object({ rel: z.string().optional(), href: z.string().optional() });
const eventSchema = z.object({
  id: z.string().min(1).max(255),
  event_type: z.string().min(1).max(100),
  resource: z
    .object({
      id: z.string().max(255).optional(),
      supplementary_data: z
        .object({ related_ids: z.object({ order_id: z.string().optional(), capture_id: z.string().optional() }).partial() })
        .partial()
        .optional(),
      links: z.array(link).optional(),
      // A refund's: what PayPal gave back of its fee.
      seller_payable_breakdown: z
        .object({ paypal_fee: z.object({ currency_code: z.string(), value: z.string() }).optional() })
        .loose()
        .optional(),
    })
    .loose(),
});
type PaypalEvent = z.infer<typeof eventSchema>;

/** The order an event is about: by PayPal order id where the event names it, else by capture id. */
async function orderOf(deps: Deps, event: PaypalEvent): Promise<Order | undefined> {
  const { resource } = event;
  if (event.event_type.startsWith('CHECKOUT.ORDER.')) return resource.id ? findOrderByPaypalId(deps.db, resource.id) : undefined;
  const related = resource.supplementary_data?.related_ids;
  if (related?.order_id) {
    const order = await findOrderByPaypalId(deps.db, related.order_id);
    if (order) return order;
  }
  const upLink = resource.links?.find((l) => l.rel === 'up')?.href;
  const captureId =
    event.event_type.startsWith('PAYMENT.CAPTURE.') && !['PAYMENT.CAPTURE.REFUNDED', 'PAYMENT.CAPTURE.REVERSED'].includes(event.event_type)
      ? resource.id
      : (related?.capture_id ?? upLink?.split('/').pop());
  return captureId ? findOrderByCaptureId(deps.db, captureId) : undefined;
}

const payoutItem = z
  .object({
    payout_item_id: z.string().max(30),
    transaction_status: z.enum(['SUCCESS', 'FAILED', 'PENDING', 'UNCLAIMED', 'RETURNED', 'ONHOLD', 'BLOCKED', 'REFUNDED', 'REVERSED']),
    transaction_id: z.string().max(30).optional(),
    payout_item: z
      .object({ sender_item_id: z.string().max(63).optional() })
      .loose()
      .optional(),
  })
  .loose();

async function apply(deps: Deps, event: PaypalEvent): Promise<void> {
  if (event.event_type.startsWith('PAYMENT.PAYOUTS-ITEM.')) {
    const item = payoutItem.safeParse(event.resource);
    if (item.success)
      await takePayoutItemEvent(deps, {
        payoutItemId: item.data.payout_item_id,
        senderItemId: item.data.payout_item?.sender_item_id,
        status: item.data.transaction_status,
        transactionId: item.data.transaction_id,
      });
    return;
  }
  const order = await orderOf(deps, event);
  if (!order) return; // not one of ours (another integration on the same PayPal account)
  switch (event.event_type) {
    case 'CHECKOUT.ORDER.APPROVED':
      // The buyer approved but may never come back to /checkout/return. The event may arrive late (after a
      // decline sent the buyer back to PayPal): capture only what PayPal holds approved now.
      if (order.status === 'CREATED') await reconcileOrder(deps, order);
      return;
    case 'PAYMENT.CAPTURE.COMPLETED':
    case 'PAYMENT.CAPTURE.PENDING':
    case 'PAYMENT.CAPTURE.DENIED':
    case 'PAYMENT.CAPTURE.DECLINED':
      // Settle from the order as PayPal holds it now, not from the event alone.
      await reconcileOrder(deps, order);
      return;
    case 'PAYMENT.CAPTURE.REFUNDED': {
      const fee = event.resource.seller_payable_breakdown?.paypal_fee;
      await settleRefund(deps, order.id, {
        by: 'provider',
        refundId: event.resource.id,
        feeReturnedMinor: fee && parseMinor(fee.value, fee.currency_code),
      });
      return;
    }
    case 'PAYMENT.CAPTURE.REVERSED': // a chargeback: PayPal keeps its fee
      await settleRefund(deps, order.id, { by: 'provider', reversal: true });
      return;
  }
}

/**
 * POST /api/webhooks/paypal. The delivery is verified with PayPal's
 * verify-webhook-signature call before anything is read from it, stored once
 * by event id, and applied; a repeat of a handled event changes nothing.
 * When applying fails (PayPal unreachable) the event stays unprocessed and
 * the error makes PayPal deliver it again.
 */
export async function receivePaypalWebhook(deps: Deps, delivery: WebhookDelivery): Promise<{ duplicate: boolean }> {
  let json: unknown;
  try {
    json = JSON.parse(delivery.rawBody);
  } catch {
    throw fail('invalid_json', { message: 'The webhook body is not JSON.' });
  }
  const parsed = eventSchema.safeParse(json);
  if (!parsed.success) throw fail('invalid_webhook', { message: 'The webhook body is not a PayPal event.' });
  if (!(await callProvider(() => deps.payments.verifyWebhook(delivery)))) {
    throw fail('webhook_unverified', { message: 'PayPal did not confirm this webhook delivery.' });
  }
  const event = parsed.data;
  const state = await recordPaymentEvent(deps.db, {
    eventId: event.id,
    eventType: event.event_type,
    resourceId: event.resource.id ?? null,
    payload: json,
  });
  if (state === 'done') return { duplicate: true };
  await apply(deps, event);
  await markPaymentEventProcessed(deps.db, event.id, deps.clock());
  return { duplicate: state === 'pending' };
}
