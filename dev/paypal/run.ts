import { loadConfig } from '../../server/config';
import { startPaypalStandin } from './standin';

/**
 * npm run standin:paypal [-- <port>] — the PayPal stand-in on its own, for a
 * store started with PAYPAL_STANDIN_URL pointing at it. It uses the store's
 * PAYPAL_CLIENT_ID / PAYPAL_CLIENT_SECRET / PAYPAL_WEBHOOK_ID (the stand-in
 * defaults when unset) and sends webhooks to APP_ORIGIN/api/webhooks/paypal.
 * Refuses NODE_ENV=production.
 */
const config = loadConfig();
if (config.isProduction) {
  process.stderr.write('the PayPal stand-in never runs in production\n');
  process.exit(1);
}
const port = Number(process.argv[2] ?? 8787);
const { clientId, clientSecret, webhookId } = config.paypal;
void startPaypalStandin({ clientId, clientSecret, webhookId, webhookUrl: `${config.appOrigin}/api/webhooks/paypal` }, port).then(
  ({ url }) => process.stdout.write(`PayPal stand-in listening on ${url} (start the store with PAYPAL_STANDIN_URL=${url})\n`),
);
