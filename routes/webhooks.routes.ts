import express, { Router } from 'express';
import { receivePaypalWebhook } from '../services/checkout/webhooks.service';
import type { RouteDeps } from './deps';
import { fail } from '../lib/errors';
import { doc } from './api-doc';

/**
 * PayPal's webhook deliveries. Mounted before the JSON parser: the body is
 * kept exactly as received, because PayPal's signature covers those bytes.
 */
export function webhookRoutes(deps: RouteDeps): Router {
  const router = Router();

  router.post(
    '/api/webhooks/paypal',
    doc({ summary: "PayPal's webhook deliveries (signature verified with PayPal)", access: 'PayPal' }),
    express.raw({ type: () => true, limit: '512kb' }),
    async (req, res) => {
      if (!Buffer.isBuffer(req.body) || req.body.length === 0) throw fail('invalid_webhook', { message: 'The webhook body is empty.' });
      const headers: Record<string, string | undefined> = {};
      for (const name of [
        'paypal-auth-algo',
        'paypal-cert-url',
        'paypal-transmission-id',
        'paypal-transmission-sig',
        'paypal-transmission-time',
      ]) {
        headers[name] = req.get(name);
      }
      const { duplicate } = await receivePaypalWebhook(deps, { headers, rawBody: req.body.toString('utf8') });
      res.json({ received: true, duplicate });
    },
  );

  return router;
}
