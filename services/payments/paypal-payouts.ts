import { currencyNamed, formatMinor } from '../../lib/money';
import { GatewayUnavailable, type GatewayPayoutBatch, type PaymentGateway, type PayoutItemStatus } from './payment-gateway';

/**
 * PayPal's Payouts API (payments_payouts_batch_v1) over fetch with the
 * gateway's OAuth token — PayPal's server SDK has no payouts. A batch is
 * sent under our sender_batch_id; PayPal refuses a second batch with the
 * same id (400 USER_BUSINESS_ERROR) and links the first, which is then the
 * answer: so a retry after a lost answer never pays twice.
 */

interface PayoutsSettings {
  apiBase: string;
  timeoutMs: number;
  accessToken: () => Promise<string>;
}

interface PaypalItem {
  payout_item_id?: string;
  transaction_id?: string;
  transaction_status?: PayoutItemStatus;
  payout_item?: { sender_item_id?: string };
}

export function paypalPayouts(settings: PayoutsSettings): Pick<PaymentGateway, 'createPayoutBatch' | 'getPayoutBatch'> {
  async function call(method: 'GET' | 'POST', path: string, body?: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
    let res: Response;
    try {
      res = await fetch(`${settings.apiBase}${path}`, {
        method,
        headers: { Authorization: `Bearer ${await settings.accessToken()}`, 'Content-Type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(settings.timeoutMs),
      });
    } catch (err) {
      throw new GatewayUnavailable(`PayPal payouts ${method} ${path} failed: ${err instanceof Error ? err.message : String(err)}`, {
        cause: err,
      });
    }
    const json = (await res.json().catch(() => ({}))) as Record<string, unknown>;
    if (res.status >= 500 || res.status === 429) throw new GatewayUnavailable(`PayPal payouts ${method} ${path} answered ${res.status}`);
    return { status: res.status, json };
  }

  return {
    async createPayoutBatch(batch) {
      const body = {
        sender_batch_header: { sender_batch_id: batch.senderBatchId, email_subject: batch.subject, recipient_type: 'EMAIL' },
        items: batch.items.map((item) => {
          const currency = currencyNamed(item.currency);
          if (!currency) throw new RangeError(`not a PayPal currency: ${item.currency}`);
          return {
            recipient_type: 'EMAIL',
            amount: { currency: currency.code, value: formatMinor(item.amountMinor, currency) },
            receiver: item.email,
            note: item.note,
            sender_item_id: item.senderItemId,
            recipient_wallet: 'PAYPAL',
          };
        }),
      };
      const { status, json } = await call('POST', '/v1/payments/payouts', body);
      const header = json.batch_header as { payout_batch_id?: string } | undefined;
      if (status === 201 && header?.payout_batch_id) return { outcome: 'sent', batchId: header.payout_batch_id };
      // The same sender_batch_id again: the batch PayPal already has is ours.
      const links = (json.links as { href?: string; rel?: string }[] | undefined) ?? [];
      const original = links.map((l) => /\/v1\/payments\/payouts\/([A-Z0-9]+)$/.exec(l.href ?? '')?.[1]).find(Boolean);
      if (status === 400 && json.name === 'USER_BUSINESS_ERROR' && original) return { outcome: 'sent', batchId: original };
      // Any other 4xx: PayPal took nothing (short of funds, a restricted account, a malformed item).
      return { outcome: 'refused', reason: `${status} ${String(json.name ?? 'refused')}: ${String(json.message ?? '')}`.trim() };
    },

    async getPayoutBatch(batchId) {
      const { status, json } = await call('GET', `/v1/payments/payouts/${encodeURIComponent(batchId)}`);
      if (status !== 200) throw new GatewayUnavailable(`PayPal payout batch ${batchId} answered ${status}`);
      const items = ((json.items as PaypalItem[] | undefined) ?? []).flatMap((i): GatewayPayoutBatch['items'] =>
        i.payout_item_id && i.transaction_status
          ? [
              {
                itemId: i.payout_item_id,
                senderItemId: i.payout_item?.sender_item_id,
                status: i.transaction_status,
                transactionId: i.transaction_id,
              },
            ]
          : [],
      );
      return { batchId, items };
    },
  };
}
