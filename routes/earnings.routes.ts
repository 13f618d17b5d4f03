import { Router, type Response } from 'express';
import { z } from 'zod';
import type { LedgerEntry } from '../db/repos/ledger.repo';
import type { PayoutBatch } from '../db/repos/payouts.repo';
import { csvLine } from '../lib/csv';
import { parseInput } from '../lib/errors';
import { formatMinorIn } from '../lib/money';
import { earnings, ossReport, salesReport } from '../services/ledger/earnings.service';
import { addTaxRate, mySaleMail, setArtistPlatformFee, setMySaleMail, taxRates } from '../services/ledger/ledger-admin.service';
import { idParam } from './request';
import { payoutBatches, runPayouts } from '../services/ledger/payouts.service';
import { reconciliationReport } from '../services/ledger/reconciliation.service';
import type { RouteDeps } from './deps';
import { doc } from './api-doc';

const rangeQuery = z.object({ from: z.coerce.date().optional(), to: z.coerce.date().optional() }).strict();
const feeBody = z.object({ percent: z.number().min(0).max(100).multipleOf(0.01).nullable() }).strict();
const rateBody = z
  .object({
    country: z.string().regex(/^[A-Z]{2}$/, 'is an ISO country code like DE'),
    ratePercent: z.number().min(0).max(100).multipleOf(0.01),
    validFrom: z.iso.date(),
    note: z.string().trim().max(200).optional(),
  })
  .strict();
const mailBody = z.object({ saleMail: z.enum(['each', 'daily', 'off']) }).strict();
const quarterQuery = z.object({ quarter: z.string().regex(/^\d{4}-Q[1-4]$/, 'looks like 2026-Q4') }).strict();

const percent = (bp: number) => (bp / 100).toFixed(2).replace(/\.?0+$/, '');

export const SALES_CSV_COLUMNS = [
  'date',
  'entry',
  'item_type',
  'item',
  'license',
  'quantity',
  'price',
  'minimum',
  'discount_code',
  'discount',
  'extra_over_minimum',
  'tax',
  'tax_country',
  'tax_rate_percent',
  'paypal_fee',
  'platform_fee',
  'net',
  'currency',
  'buyer_country',
  'order_id',
  'paypal_transaction_id',
];

function salesRow(e: LedgerEntry): string {
  const money = (minor: number) => formatMinorIn(minor, e.currency);
  return csvLine([
    e.occurredAt.toISOString(),
    e.entryKind,
    e.itemKind,
    e.itemTitle,
    e.licenseType,
    e.entryKind === 'sale' ? 1 : -1,
    money(e.grossMinor),
    money(e.minimumMinor),
    e.discountCode,
    money(e.discountMinor),
    money(e.extraMinor),
    money(e.taxMinor),
    e.taxCountry,
    e.taxCountry ? percent(e.taxRateBp) : '',
    money(e.paypalFeeMinor),
    money(e.platformFeeMinor),
    money(e.artistNetMinor),
    e.currency,
    e.buyerCountry,
    e.orderId,
    e.paypalTransactionId,
  ]);
}

const sendCsv = (res: Response, filename: string, header: string[], rows: string[]) =>
  res
    .set('Cache-Control', 'no-store')
    .type('text/csv; charset=utf-8')
    .attachment(filename)
    .send(`${[header.join(','), ...rows].join('\r\n')}\r\n`);

const day = (d: Date) => d.toISOString().slice(0, 10);

/** A payout batch as the admin API shows it; `refusal` is PayPal's reason while it would not take the batch. */
const batchJson = (b: PayoutBatch) => ({
  id: b.id,
  senderBatchId: b.senderBatchId,
  paypalBatchId: b.paypalBatchId,
  createdAt: b.createdAt.toISOString(),
  sentAt: b.sentAt?.toISOString() ?? null,
  refusal: b.refusal,
  refusedAt: b.refusedAt?.toISOString() ?? null,
});

/** Earnings, sales reports and the OSS VAT report: an artist's own, and the store's for admins. */
export function earningsRoutes(deps: RouteDeps): Router {
  const router = Router();

  for (const [path, scope, access] of [
    ['/api/artist/earnings', 'mine', 'artist'],
    ['/api/admin/earnings', 'store', 'admin'],
  ] as const) {
    const summary = scope === 'mine' ? 'My balances: available, pending, paid out; by month' : "The store's balances, by month";
    router.get(path, doc({ summary, access, response: { status: 200 } }), async (req, res) => {
      const result = await earnings(deps, req.actor, scope);
      res.set('Cache-Control', 'no-store').json({
        holdDays: result.holdDays,
        platformFeePercent: percent(result.platformFeeBp),
        balances: result.totals.map((t) => ({
          currency: t.currency,
          available: formatMinorIn(t.availableMinor, t.currency),
          pending: formatMinorIn(t.pendingMinor, t.currency),
          paidOut: formatMinorIn(t.paidOutMinor, t.currency),
          gross: formatMinorIn(t.grossMinor, t.currency),
          tax: formatMinorIn(t.taxMinor, t.currency),
          paypalFee: formatMinorIn(t.paypalFeeMinor, t.currency),
          platformFee: formatMinorIn(t.platformFeeMinor, t.currency),
          net: formatMinorIn(t.netMinor, t.currency),
          sales: t.sales,
          refunds: t.refunds,
        })),
        months: result.months.map((m) => ({ month: m.month, currency: m.currency, net: formatMinorIn(m.netMinor, m.currency) })),
      });
    });
  }

  for (const [path, scope, access] of [
    ['/api/artist/sales.csv', 'mine', 'artist'],
    ['/api/admin/sales.csv', 'store', 'admin'],
  ] as const) {
    const summary = scope === 'mine' ? 'My sales for a period, as CSV' : "The store's sales for a period, as CSV";
    router.get(path, doc({ summary, access, query: rangeQuery, response: { status: 200, contentType: 'text/csv' } }), async (req, res) => {
      const q = parseInput(rangeQuery, req.query, 'query');
      const report = await salesReport(deps, req.actor, scope, q);
      sendCsv(res, `sales-${day(report.from)}-${day(report.to)}.csv`, SALES_CSV_COLUMNS, report.entries.map(salesRow));
    });
  }

  router.get('/api/artist/mail-settings', doc({ summary: 'How I hear of sales', access: 'artist' }), async (req, res) => {
    res.set('Cache-Control', 'no-store').json({ saleMail: await mySaleMail(deps, req.actor) });
  });

  router.put(
    '/api/artist/mail-settings',
    doc({ summary: 'Choose how I hear of sales', access: 'artist', body: mailBody }),
    async (req, res) => {
      const { saleMail } = parseInput(mailBody, req.body, 'body');
      await setMySaleMail(deps, req.actor, saleMail);
      res.status(204).end();
    },
  );

  router.put(
    '/api/admin/artists/:id/platform-fee',
    doc({ summary: "Set an artist's platform fee", access: 'admin', body: feeBody }),
    async (req, res) => {
      const { percent: value } = parseInput(feeBody, req.body, 'body');
      await setArtistPlatformFee(deps, req.actor, idParam(req), value === null ? null : Math.round(value * 100));
      res.status(204).end();
    },
  );

  router.get('/api/admin/tax/rates', doc({ summary: 'VAT rates by country', access: 'admin' }), async (req, res) => {
    const rates = await taxRates(deps, req.actor);
    res.set('Cache-Control', 'no-store').json({
      rates: rates.map((r) => ({ country: r.country, ratePercent: percent(r.rateBp), validFrom: r.validFrom, note: r.note })),
    });
  });

  router.post('/api/admin/tax/rates', doc({ summary: 'Add a VAT rate from a date', access: 'admin', body: rateBody }), async (req, res) => {
    const body = parseInput(rateBody, req.body, 'body');
    await addTaxRate(deps, req.actor, {
      country: body.country,
      rateBp: Math.round(body.ratePercent * 100),
      validFrom: body.validFrom,
      note: body.note ?? null,
    });
    res
      .status(201)
      .json({ rate: { country: body.country, ratePercent: percent(Math.round(body.ratePercent * 100)), validFrom: body.validFrom } });
  });

  router.get('/api/admin/payouts', doc({ summary: 'Payout batches and their items', access: 'admin' }), async (req, res) => {
    const batches = await payoutBatches(deps, req.actor);
    res.set('Cache-Control', 'no-store').json({
      batches: batches.map((b) => ({
        ...batchJson(b),
        items: b.items.map((i) => ({
          artistUserId: i.artistUserId,
          paypalEmail: i.paypalEmail,
          amount: formatMinorIn(i.amountMinor, i.currency),
          currency: i.currency,
          status: i.status,
          transactionId: i.transactionId,
        })),
      })),
    });
  });

  router.post(
    '/api/admin/payouts/run',
    doc({ summary: 'Pay every artist owed at least the minimum', access: 'admin' }),
    async (req, res) => {
      const run = await runPayouts(deps, req.actor);
      res.json({
        created: run.created,
        batch: run.batch && batchJson(run.batch),
        items: run.items,
      });
    },
  );

  router.get(
    '/api/admin/reconciliation',
    doc({ summary: 'The ledger against PayPal, for a period', access: 'admin', query: rangeQuery }),
    async (req, res) => {
      const q = parseInput(rangeQuery, req.query, 'query');
      const report = await reconciliationReport(deps, req.actor, q);
      res.set('Cache-Control', 'no-store').json({ ...report, from: report.from.toISOString(), to: report.to.toISOString() });
    },
  );

  router.get(
    '/api/admin/tax/oss.csv',
    doc({
      summary: 'The OSS VAT report, as CSV',
      access: 'admin',
      query: quarterQuery,
      response: { status: 200, contentType: 'text/csv' },
    }),
    async (req, res) => {
      const { quarter } = parseInput(quarterQuery, req.query, 'query');
      const report = await ossReport(deps, req.actor, quarter);
      sendCsv(
        res,
        `oss-${quarter}.csv`,
        ['country', 'rate_percent', 'currency', 'net', 'tax', 'entries'],
        report.rows.map((r) =>
          csvLine([
            r.country,
            percent(r.rateBp),
            r.currency,
            formatMinorIn(r.netMinor, r.currency),
            formatMinorIn(r.taxMinor, r.currency),
            r.entries,
          ]),
        ),
      );
    },
  );

  return router;
}
