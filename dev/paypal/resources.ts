import type { Funding } from './approval-page';
import { captureBreakdown, refundBreakdown } from './fees';

/** The stand-in's state (in memory) and how PayPal's API shows it: orders, captures and refunds. */

export interface Money {
  currency_code: string;
  value: string;
}

export interface StoredOrder {
  id: string;
  intent: string;
  status: 'CREATED' | 'APPROVED' | 'COMPLETED' | 'VOIDED';
  purchase_units: Record<string, unknown>[];
  amount: Money;
  returnUrl: string | undefined;
  cancelUrl: string | undefined;
  payer?: {
    email_address: string;
    payer_id: string;
    name: { given_name: string; surname: string };
    address?: { country_code: string };
  };
  funding: Funding;
  captures: StoredCapture[];
  create_time: string;
}

export interface StoredCapture {
  id: string;
  orderId: string;
  status: 'COMPLETED' | 'PENDING' | 'DECLINED' | 'REFUNDED';
  amount: Money;
  create_time: string;
}

/** The JSON PayPal answers for each resource, with links under the stand-in's base URL. */
export function resourceJson(baseUrl: () => string) {
  const captureJson = (capture: StoredCapture) => ({
    id: capture.id,
    status: capture.status,
    ...(capture.status === 'PENDING' ? { status_details: { reason: 'ECHECK' } } : {}),
    amount: capture.amount,
    final_capture: true,
    ...(capture.status === 'COMPLETED' || capture.status === 'REFUNDED'
      ? { seller_receivable_breakdown: captureBreakdown(capture.amount) }
      : {}),
    seller_protection: { status: 'ELIGIBLE', dispute_categories: ['ITEM_NOT_RECEIVED', 'UNAUTHORIZED_TRANSACTION'] },
    supplementary_data: { related_ids: { order_id: capture.orderId } },
    create_time: capture.create_time,
    update_time: capture.create_time,
    links: [
      { href: `${baseUrl()}/v2/payments/captures/${capture.id}`, rel: 'self', method: 'GET' },
      { href: `${baseUrl()}/v2/payments/captures/${capture.id}/refund`, rel: 'refund', method: 'POST' },
      { href: `${baseUrl()}/v2/checkout/orders/${capture.orderId}`, rel: 'up', method: 'GET' },
    ],
  });

  const orderJson = (order: StoredOrder) => ({
    id: order.id,
    intent: order.intent,
    status: order.status,
    create_time: order.create_time,
    ...(order.payer ? { payer: order.payer } : {}),
    purchase_units: order.purchase_units.map((unit) => ({
      ...unit,
      ...(order.captures.length ? { payments: { captures: order.captures.map(captureJson) } } : {}),
    })),
    links: [
      { href: `${baseUrl()}/v2/checkout/orders/${order.id}`, rel: 'self', method: 'GET' },
      ...(order.status === 'CREATED' || order.status === 'APPROVED'
        ? [{ href: `${baseUrl()}/checkoutnow?token=${order.id}`, rel: 'approve', method: 'GET' }]
        : []),
      ...(order.status === 'APPROVED'
        ? [{ href: `${baseUrl()}/v2/checkout/orders/${order.id}/capture`, rel: 'capture', method: 'POST' }]
        : []),
    ],
  });

  const refundJson = (capture: StoredCapture, id: string) => ({
    id,
    status: 'COMPLETED',
    amount: capture.amount,
    seller_payable_breakdown: refundBreakdown(capture.amount),
    supplementary_data: { related_ids: { order_id: capture.orderId, capture_id: capture.id } },
    create_time: new Date().toISOString(),
    links: [
      { href: `${baseUrl()}/v2/payments/refunds/${id}`, rel: 'self', method: 'GET' },
      { href: `${baseUrl()}/v2/payments/captures/${capture.id}`, rel: 'up', method: 'GET' },
    ],
  });

  return { captureJson, orderJson, refundJson };
}
