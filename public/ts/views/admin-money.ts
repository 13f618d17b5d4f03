import { api } from '../lib/api.js';
import { h, page } from '../lib/dom.js';
import { currentUser, isAdmin } from '../lib/session.js';
import { navigate, type View } from '../lib/router.js';
import { adminNav } from './admin-theme.js';
import { earningsSection } from './earnings.js';

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
  const [earnings, { rates }] = await Promise.all([earningsSection('admin'), api<{ rates: Rate[] }>('GET', '/api/admin/tax/rates')]);
  const today = now.toISOString().slice(0, 10);
  const current = new Map<string, Rate>();
  for (const r of rates) if (r.validFrom <= today) current.set(r.country, r);
  return page(
    'Money',
    h('h1', {}, 'Money'),
    adminNav(),
    earnings,
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
      h(
        'table',
        { class: 'table' },
        h('caption', {}, 'Rates in force today'),
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            ['Country', 'Rate', 'Since', 'Note'].map((c) => h('th', { scope: 'col' }, c)),
          ),
        ),
        h(
          'tbody',
          {},
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
    ),
  );
};
