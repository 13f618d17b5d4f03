import { api } from '../lib/api.js';
import { attempt, dataTable, field, formOf, h, replace, statusLine } from '../lib/dom.js';

interface Report {
  checked: { orders: number; payoutBatches: number };
  differences: { subject: string; what: string; ours: string; paypal: string }[];
}

const DAY_MS = 86_400_000;
const dayOf = (d: Date) => d.toISOString().slice(0, 10);

/**
 * The ledger and the payouts checked against what PayPal says now, for a
 * period of days (at most 31): every difference listed, none expected.
 */
export function reconciliationSection(): HTMLElement {
  const today = new Date();
  const from = h('input', { type: 'date', required: true, value: dayOf(new Date(today.getTime() - 6 * DAY_MS)) });
  const to = h('input', { type: 'date', required: true, value: dayOf(today) });
  const status = statusLine();
  const result = h('div', {});
  const form = formOf(
    { class: 'inline' },
    [field('From', from), field('To (the whole day)', to), h('button', {}, 'Check against PayPal')],
    () =>
      attempt(status, async () => {
        const query = new URLSearchParams({ from: from.value, to: dayOf(new Date(new Date(to.value).getTime() + DAY_MS)) });
        const report = await api<Report>('GET', `/api/admin/reconciliation?${query}`);
        const checked = `${report.checked.orders} order(s) and ${report.checked.payoutBatches} payout batch(es)`;
        replace(result, report.differences.length ? differencesTable(report.differences) : []);
        return report.differences.length
          ? `Checked ${checked}: ${report.differences.length} difference(s), listed below.`
          : `Checked ${checked}: no differences.`;
      }),
  );
  return h(
    'section',
    { class: 'card stack' },
    h('h2', {}, 'Reconciliation'),
    h('p', {}, 'Compares the ledger and the payouts of a period with the captures, refunds and payouts PayPal holds.'),
    form,
    status,
    result,
  );
}

function differencesTable(rows: Report['differences']): HTMLElement {
  return dataTable(
    'Differences from PayPal',
    ['What', 'Check', 'Ledger', 'PayPal'],
    rows.map((d) => h('tr', {}, h('td', {}, d.subject), h('td', {}, d.what), h('td', {}, d.ours), h('td', {}, d.paypal))),
  );
}
