import { reconcileStaleOrders } from '../services/checkout/reconcile.service';
import { appDeps } from '../server/compose';
import { runWithDatabase } from './lib/with-database';

// npm run payments:reconcile — reads every CREATED or PENDING order older than
// two minutes back from PayPal and settles it (the server also does this every
// RECONCILE_INTERVAL_S, as a job). With the stand-in it asks the one the
// development server runs (its address recorded under DATA_DIR while it runs),
// or PAYPAL_STANDIN_URL: only that stand-in knows the server's orders. A gift
// completed here is mailed before the script ends.
void runWithDatabase('payments:reconcile', async ({ config, db, logger }) => {
  const deps = appDeps({ config, db, logger });
  const summary = await reconcileStaleOrders(deps, {
    onError: (order, err) =>
      logger.warn({ orderId: order.id, err: err instanceof Error ? err.message : String(err) }, 'could not reconcile'),
  });
  await deps.background.drain();
  await deps.storage.close();
  logger.info(summary, 'payments reconciled');
  if (summary.errors > 0) throw new Error(`${summary.errors} order(s) could not be reconciled`);
});
