import { appDeps } from '../server/compose';
import { reconcilePayouts, runPayouts } from '../services/ledger/payouts.service';
import { runWithDatabase } from './lib/with-database';

// npm run payouts:run — (cron, e.g. daily) first sends and reads back any
// payout batch a crash left unfinished, then makes the day's batch: every
// artist whose available balance reached PAYOUT_MINIMUM and who confirmed a
// PayPal address. Run again the same day, it finds that day's batch and pays
// nothing twice. With the stand-in: the development server's own (recorded under
// DATA_DIR while it runs) or PAYPAL_STANDIN_URL.
void runWithDatabase('payouts:run', async ({ config, db, logger }) => {
  const deps = appDeps({ config, db, logger });
  const repaired = await reconcilePayouts(deps, {
    onError: (batch, err) => logger.warn({ err, batch: batch.senderBatchId }, 'sending an earlier payout batch failed'),
  });
  const run = await runPayouts(deps, undefined, { system: true });
  await deps.storage.close();
  const refusal = run.batch?.refusal;
  const facts = {
    repaired: repaired.checked,
    batch: run.batch?.senderBatchId ?? null,
    paypalBatchId: run.batch?.paypalBatchId ?? null,
    items: run.items,
    created: run.created,
  };
  if (refusal) logger.warn({ ...facts, refusal }, 'PayPal refused the payout batch; the reconciliation job sends it again');
  else logger.info(facts, run.batch ? 'payout batch sent' : 'nobody to pay');
  if (refusal) process.exitCode = 1;
});
