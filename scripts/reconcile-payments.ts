import { reconcileStaleOrders } from '../services/checkout/reconcile.service';
import { systemClock } from '../lib/clock';
import { createPaypalGateway } from '../services/payments/paypal-gateway';
import { runWithDatabase } from './lib/with-database';
import { configuredMailer } from '../server/compose';
import { Background } from '../services/background';

// npm run payments:reconcile — reads every CREATED or PENDING order older than
// two minutes back from PayPal and settles it (the server also does this every
// RECONCILE_INTERVAL_S). With the stand-in it needs PAYPAL_STANDIN_URL: the
// stand-in `npm start` runs in-process keeps its orders to itself.
void runWithDatabase('payments:reconcile', async ({ config, db, logger }) => {
  const payments = createPaypalGateway(config.paypal);
  // A gift completed here mails its recipient before the script ends.
  const background = new Background(logger);
  const summary = await reconcileStaleOrders(
    { db, clock: systemClock, payments, config, mailer: configuredMailer(config, logger), background },
    {
      onError: (order, err) =>
        logger.warn({ orderId: order.id, err: err instanceof Error ? err.message : String(err) }, 'could not reconcile'),
    },
  );
  await background.drain();
  logger.info(summary, 'payments reconciled');
  if (summary.errors > 0) throw new Error(`${summary.errors} order(s) could not be reconciled`);
});
