import type { ApiEarnings } from '../contract/api.js';
import { api } from '../lib/api.js';
import { barChart } from '../lib/chart.js';
import { h } from '../lib/dom.js';

/**
 * Earnings from the ledger: balances (pending during the refund hold, then
 * available), where the money went, net per month as a chart, and the sales
 * CSV for any period. An artist's own in the studio; the store's for admins.
 */
export async function earningsSection(scope: 'artist' | 'admin'): Promise<HTMLElement> {
  const earnings = await api<ApiEarnings>('GET', `/api/${scope}/earnings`);
  const item = (label: string, value: string) => h('div', { class: 'stat' }, h('dt', {}, label), h('dd', {}, value));
  const balances = earnings.balances.length
    ? earnings.balances.map((b) =>
        h(
          'dl',
          { class: 'stats' },
          item(`Available (${b.currency})`, b.available),
          item(`Pending, ${earnings.holdDays}-day hold`, b.pending),
          item('Sales / refunds', `${b.sales} / ${b.refunds}`),
          item('Gross', b.gross),
          item('VAT', b.tax),
          item('PayPal fees', b.paypalFee),
          item(`Platform fee (${earnings.platformFeePercent} %)`, b.platformFee),
          item(scope === 'artist' ? 'Your net' : 'Artists’ net', b.net),
        ),
      )
    : [h('p', { class: 'muted' }, 'No sales yet.')];
  const months = earnings.months.map((m) => ({ label: m.month, value: Number(m.net), title: `${m.month}: ${m.net} ${m.currency}` }));
  const from = h('input', { type: 'date', 'aria-label': 'Report from' });
  const to = h('input', { type: 'date', 'aria-label': 'Report to' });
  const csv = h('a', { href: `/api/${scope}/sales.csv`, download: '' }, 'Download the sales CSV');
  const setLink = () => {
    const query = new URLSearchParams();
    if (from.value) query.set('from', from.value);
    if (to.value) query.set('to', to.value);
    csv.href = `/api/${scope}/sales.csv${query.size ? `?${query}` : ''}`;
  };
  from.addEventListener('change', setLink);
  to.addEventListener('change', setLink);
  return h(
    'section',
    { class: 'card stack earnings' },
    h('h2', {}, scope === 'artist' ? 'Earnings' : 'Store earnings'),
    ...balances,
    months.length
      ? barChart(months, {
          ariaLabel: `Net per month: ${earnings.months.map((m) => `${m.month} ${m.net} ${m.currency}`).join(', ')}`,
          caption: 'Net per month',
        })
      : null,
    h('p', {}, 'Sales report: ', from, ' to ', to, ' ', csv, ' (this month when no dates are chosen).'),
  );
}
