import { api } from '../lib/api.js';
import { attempt, dataTable, h, page, statusLine } from '../lib/dom.js';
import { currentUser, isAdmin } from '../lib/session.js';
import { navigate, type View } from '../lib/router.js';
import { adminNav } from './admin-theme.js';
import { earningsSection } from './earnings.js';
import { reconciliationSection } from './admin-reconciliation.js';

interface Batch {
  id: number;
  senderBatchId: string;
  paypalBatchId: string | null;
  createdAt: string;
  /** PayPal's reason while it would not take the batch (it is sent again until it does). */
  refusal: string | null;
  items: { paypalEmail: string; amount: string; currency: string; status: string }[];
}

const RETRIED = 'It is sent again automatically until PayPal takes it: add funds to the PayPal account, or settle what PayPal names.';

/** Payout batches with their items, and the button that makes today's (once a day; again, it shows the day's). */
async function payoutsSection(): Promise<HTMLElement> {
  const { batches } = await api<{ batches: Batch[] }>('GET', '/api/admin/payouts');
  const status = statusLine();
  const run = h('button', { type: 'button' }, 'Pay out available balances now');
  run.addEventListener('click', () =>
    attempt(status, async () => {
      const result = await api<{ created: boolean; items: number; batch: Pick<Batch, 'senderBatchId' | 'refusal'> | null }>(
        'POST',
        '/api/admin/payouts/run',
      );
      if (!result.batch) return 'Nobody has a balance at or above the minimum with a confirmed PayPal address.';
      if (result.batch.refusal) return `PayPal did not take batch ${result.batch.senderBatchId} (${result.batch.refusal}). ${RETRIED}`;
      return result.created
        ? `Batch ${result.batch.senderBatchId} sent: ${result.items} payout(s).`
        : `Today's batch ${result.batch.senderBatchId} was sent already.`;
    }),
  );
  const rows = batches.flatMap((b) =>
    b.items.map((i) =>
      h(
        'tr',
        {},
        h('td', {}, b.senderBatchId),
        h('td', {}, i.paypalEmail),
        h('td', { class: 'num' }, `${i.amount} ${i.currency}`),
        h('td', {}, b.refusal ? `not sent: ${b.refusal}` : i.status.toLowerCase()),
      ),
    ),
  );
  return h(
    'section',
    { class: 'card stack' },
    h('h2', {}, 'Payouts'),
    run,
    status,
    rows.length
      ? dataTable('Latest payouts', ['Batch', 'PayPal address', 'Amount', 'Status'], rows)
      : h('p', { class: 'empty' }, 'No payouts yet.'),
  );
}

interface Rate {
  country: string;
  ratePercent: string;
  validFrom: string;
  note: string | null;
}

/** "2026-Q4" for a date. */
const quarterOf = (d: Date) => `${d.getUTCFullYear()}-Q${Math.floor(d.getUTCMonth() / 3) + 1}`;

/** The store's money: earnings across artists, the sales CSV, the OSS VAT report per quarter, and the VAT rates in force. */
export const adminMoneyView: View = async () => {
  if (!isAdmin(currentUser())) {
    navigate('/', { replace: true });
    return { title: 'Admins only', content: h('p', {}, 'Admins only.') };
  }
  const now = new Date();
  const previous = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 3, 1));
  const [earnings, payouts, { rates }] = await Promise.all([
    earningsSection('admin'),
    payoutsSection(),
    api<{ rates: Rate[] }>('GET', '/api/admin/tax/rates'),
  ]);
  const today = now.toISOString().slice(0, 10);
  const current = new Map<string, Rate>();
  for (const r of rates) if (r.validFrom <= today) current.set(r.country, r);
  return page(
    'Money',
    h('h1', {}, 'Money'),
    adminNav(),
    earnings,
    payouts,
    reconciliationSection(),
    h(
      'section',
      { class: 'card stack' },
      h('h2', {}, 'VAT (OSS)'),
      h(
        'p',
        {},
        'Quarterly report per country (net, rate, VAT): ',
        ...[quarterOf(now), quarterOf(previous)].flatMap((q, i) => [
          i ? ', ' : '',
          h('a', { href: `/api/admin/tax/oss.csv?quarter=${q}`, download: '' }, q),
        ]),
        '.',
      ),
      dataTable(
        'Rates in force today',
        ['Country', 'Rate', 'Since', 'Note'],
        [...current.values()].map((r) =>
          h(
            'tr',
            {},
            h('th', { scope: 'row' }, r.country),
            h('td', { class: 'num' }, `${r.ratePercent} %`),
            h('td', {}, r.validFrom),
            h('td', {}, r.note ?? ''),
          ),
        ),
      ),
    ),
  );
};
