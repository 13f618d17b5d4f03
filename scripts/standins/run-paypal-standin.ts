import { loadConfig } from '../../server/config';
import { startPaypalStandin } from './paypal-standin';

/**
 * npm run standin:paypal [-- <port>] — the PayPal stand-in for the offline
 * demo, with PAYPAL_CLIENT_ID / PAYPAL_CLIENT_SECRET as its credentials
 * (defaults "standin" / "standin-secret"). Refuses NODE_ENV=production.
 */
const config = loadConfig();
if (config.isProduction) {
  process.stderr.write('the PayPal stand-in never runs in production\n');
  process.exit(1);
}
const port = Number(process.argv[2] ?? 8787);
void startPaypalStandin(
  { clientId: config.paypal.clientId ?? 'standin', clientSecret: config.paypal.clientSecret ?? 'standin-secret' },
  port,
).then(({ url }) => process.stdout.write(`PayPal stand-in listening on ${url} (set PAYPAL_STANDIN_URL=${url})\n`));
