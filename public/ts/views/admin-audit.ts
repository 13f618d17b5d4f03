import { api, query } from '../lib/api.js';
import { field, h, page } from '../lib/dom.js';
import { navigate, type View } from '../lib/router.js';
import { currentUser, isAdmin } from '../lib/session.js';
import type { AuditEntry } from '../lib/types.js';
import { adminNav } from './admin-theme.js';

const FAMILIES = [
  'user',
  'order',
  'theme',
  'payouts',
  'discount_code',
  'download_codes',
  'download_code',
  'tax_rate',
  'track',
  'release',
  'account',
];

const actorOf = (e: AuditEntry) => (e.actor.kind === 'user' ? `user ${e.actor.userId ?? '(erased)'}` : e.actor.kind);
const changesOf = (e: AuditEntry) =>
  Object.entries(e.changes)
    .map(([k, v]) => `${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join(', ');

/** The audit trail: who did what to whom and when, filtered by actor and action. */
export const auditView: View = async (_params, q) => {
  if (!isAdmin(currentUser())) {
    navigate('/', { replace: true });
    return { title: 'Admins only', content: h('p', {}, 'Admins only.') };
  }
  const actor = q.get('actor') ?? '';
  const action = q.get('action') ?? '';
  const pageNumber = Number(q.get('page') ?? '1') || 1;
  const { entries, total } = await api<{ entries: AuditEntry[]; total: number }>(
    'GET',
    `/api/admin/audit${query({ actor, action, page: pageNumber, pageSize: 50 })}`,
  );
  const actorInput = h('input', { type: 'text', inputmode: 'numeric', pattern: '[0-9]*', value: actor, size: 8 });
  const actionSelect = h(
    'select',
    {},
    h('option', { value: '' }, 'Everything'),
    FAMILIES.map((f) => h('option', { value: f, selected: f === action }, f.replace(/_/g, ' '))),
  );
  const form = h(
    'form',
    { class: 'row', role: 'search' },
    field('Actor (user id)', actorInput),
    field('Action', actionSelect),
    h('button', { type: 'submit' }, 'Filter'),
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    navigate(`/admin/audit${query({ actor: actorInput.value.trim(), action: actionSelect.value })}`);
  });
  const rows = entries.map((e) =>
    h(
      'tr',
      { 'data-audit-id': e.id },
      h('td', {}, new Date(e.at).toLocaleString()),
      h('td', {}, actorOf(e)),
      h('td', {}, e.action),
      h('td', {}, e.target.id === null ? e.target.type : `${e.target.type} ${e.target.id}`),
      h('td', {}, changesOf(e)),
    ),
  );
  const more = total > pageNumber * 50;
  return page(
    'Audit log',
    h('h1', {}, 'Audit log'),
    adminNav(),
    form,
    h('p', {}, `${total} entr${total === 1 ? 'y' : 'ies'}.`),
    h(
      'table',
      { class: 'table' },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          ['When', 'Who', 'What', 'To', 'Change'].map((c) => h('th', { scope: 'col' }, c)),
        ),
      ),
      h('tbody', {}, rows),
    ),
    more ? h('a', { href: `/admin/audit${query({ actor, action, page: pageNumber + 1 })}` }, 'Older entries') : null,
  );
};
