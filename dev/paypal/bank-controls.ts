import type { Express } from 'express';
import { newId } from './paypal-errors';
import type { resourceJson, StoredCapture, StoredOrder } from './resources';
import type { WebhookSender } from './webhooks';

/**
 * What happens later at the bank or at PayPal — not PayPal's API, the
 * stand-in's controls: POST /standin/captures/:id/settle
 * {"outcome":"COMPLETED"|"DECLINED"} settles a pending capture (an eCheck
 * clearing or bouncing), and POST /standin/captures/:id/reverse is a
 * chargeback, each with its webhook; POST /standin/orders/:id/void voids an
 * order nobody captured (PayPal then shows it VOIDED, and refuses to capture
 * it with ORDER_COMPLETED_OR_VOIDED).
 */
export function installBankControls(
  app: Express,
  ctx: {
    orders: Map<string, StoredOrder>;
    captures: Map<string, StoredCapture>;
    webhooks: WebhookSender;
  } & Pick<ReturnType<typeof resourceJson>, 'captureJson' | 'refundJson'>,
) {
  const { orders, captures, webhooks, captureJson, refundJson } = ctx;
  app.post('/standin/captures/:id/settle', (req, res) => {
    const capture = captures.get(String(req.params.id));
    const outcome = req.body?.outcome;
    if (!capture || capture.status !== 'PENDING' || (outcome !== 'COMPLETED' && outcome !== 'DECLINED'))
      return void res.status(409).json({ error: 'not a pending capture, or outcome not COMPLETED|DECLINED' });
    capture.status = outcome;
    const event = webhooks.emit(
      outcome === 'COMPLETED' ? 'PAYMENT.CAPTURE.COMPLETED' : 'PAYMENT.CAPTURE.DENIED',
      'capture',
      captureJson(capture),
      `Payment ${outcome.toLowerCase()}`,
    );
    res.json({ event: event.id });
  });

  app.post('/standin/captures/:id/reverse', (req, res) => {
    const capture = captures.get(String(req.params.id));
    if (!capture || capture.status !== 'COMPLETED') return void res.status(409).json({ error: 'not a completed capture' });
    capture.status = 'REFUNDED';
    const event = webhooks.emit('PAYMENT.CAPTURE.REVERSED', 'refund', refundJson(capture, newId()), 'A payment was reversed');
    res.json({ event: event.id });
  });

  app.post('/standin/orders/:id/void', (req, res) => {
    const order = orders.get(String(req.params.id));
    if (!order || (order.status !== 'CREATED' && order.status !== 'APPROVED'))
      return void res.status(409).json({ error: 'not an order that can still be captured' });
    order.status = 'VOIDED';
    res.json({ status: order.status });
  });
}
