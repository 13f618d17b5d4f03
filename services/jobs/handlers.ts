import type { Logger } from '../../lib/logger';
import { deleteExpired } from '../cleanup.service';
import { publishScheduledReleases } from '../catalog/release-publisher';
import { reconcileStaleOrders } from '../checkout/reconcile.service';
import type { ServiceDeps } from '../deps';
import { sendGiftMail } from '../pricing/gifts.service';
import { JOBS, type JobHandlers } from './job-queue';
import { makeRendition } from '../renditions/rendition.service';
import { makeWaveform } from '../catalog/waveform.service';
import { reconcilePayouts } from '../ledger/payouts.service';
import { makeReleaseZip } from '../renditions/release-download.service';
import { sendReceipt, sendRefundNotice, sendSaleNotices, sendSalesDigests } from '../ledger/money-mail.service';
import type { DownloadFormat } from '../../contract/api';

/** What each job does: the store's own services, run by whichever process works the queue. */
export function jobHandlers(deps: ServiceDeps, logger: Logger): JobHandlers {
  return {
    [JOBS.giftMail]: (data) => sendGiftMail(deps, Number(data.orderId)),
    [JOBS.orderMail]: async (data) => {
      const orderId = Number(data.orderId);
      if (data.event === 'refunded') return sendRefundNotice(deps, orderId);
      await sendReceipt(deps, orderId);
      await sendSaleNotices(deps, orderId);
    },
    [JOBS.salesDigest]: () => sendSalesDigests(deps),
    [JOBS.cleanup]: async () => {
      const removed = await deleteExpired(deps);
      logger.info(removed, 'expired sessions, links and challenges removed');
    },
    [JOBS.publishReleases]: async () => {
      const ids = await publishScheduledReleases(deps);
      if (ids.length > 0) logger.info({ releaseIds: ids }, 'scheduled releases published');
    },
    [JOBS.waveform]: (data) => makeWaveform(deps, Number(data.trackId)),
    [JOBS.releaseZip]: (data) => makeReleaseZip(deps, Number(data.releaseId), String(data.format) as DownloadFormat),
    [JOBS.rendition]: (data) => makeRendition(deps, Number(data.trackId), String(data.format) as DownloadFormat),
    [JOBS.reconcilePayments]: async () => {
      const summary = await reconcileStaleOrders(deps, {
        onError: (order, err) => logger.warn({ err, orderId: order.id }, 'reconciling an order failed'),
      });
      if (summary.checked > 0) logger.info(summary, 'payments reconciled');
      // Payout batches a crash left unsent or unread: sent under the same id (paid once) and read back.
      const payouts = await reconcilePayouts(deps, {
        onError: (batch, err) => logger.warn({ err, batch: batch.senderBatchId }, 'reconciling a payout batch failed'),
      });
      for (const batch of payouts.refused)
        logger.warn({ batch: batch.senderBatchId, refusal: batch.refusal }, 'PayPal refused a payout batch; it is sent again later');
      if (payouts.checked > 0) logger.info({ batches: payouts.checked, refused: payouts.refused.length }, 'payout batches reconciled');
    },
  };
}
