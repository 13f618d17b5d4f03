import { api, query } from '../lib/api.js';
import { attempt, field, h, page, statusLine } from '../lib/dom.js';
import { amount } from '../lib/format.js';
import { navigate, type View } from '../lib/router.js';
import { currentUser, isAdmin } from '../lib/session.js';
import type { AdminOrder, User } from '../lib/types.js';
import { adminNav } from './admin-theme.js';

function guard(): boolean {
  if (isAdmin(currentUser())) return true;
  navigate('/', { replace: true });
  return false;
}
const denied = { title: 'Admins only', content: h('p', {}, 'Admins only.') };

/** Users: search, change role, deactivate. The server protects the last admin. */
export const usersView: View = async (_params, q) => {
  if (!guard()) return denied;
  const search = q.get('q') ?? '';
  const { users, total } = await api<{ users: User[]; total: number }>('GET', `/api/admin/users${query({ q: search, pageSize: 50 })}`);
  const status = statusLine();
  const input = h('input', { type: 'search', value: search, maxlength: 100 });
  const form = h('form', { class: 'row', role: 'search' }, field('Find users', input), h('button', { type: 'submit' }, 'Search'));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    navigate(`/admin/users${query({ q: input.value.trim() })}`);
  });
  const change = async (user: User, changes: Partial<Pick<User, 'role' | 'isActive'>>) => {
    const changed = await attempt(status, async () => {
      await api('PATCH', `/api/admin/users/${user.id}`, changes);
      return `${user.email} updated.`;
    });
    // Refused (the last admin, say): show the list as it really is.
    if (!changed) setTimeout(() => navigate(window.location.pathname + window.location.search, { replace: true }), 2_000);
  };
  const rows = users.map((u) => {
    if (u.erasedAt) {
      const when = new Date(u.erasedAt).toLocaleDateString();
      return h('tr', { class: 'meta' }, h('td', {}, u.email), h('td', {}, u.username), h('td', { colspan: 3 }, `erased ${when}`));
    }
    const role = h(
      'select',
      { 'aria-label': `Role of ${u.email}` },
      (['user', 'artist', 'admin'] as const).map((r) => h('option', { value: r, selected: r === u.role }, r)),
    );
    role.addEventListener('change', () => void change(u, { role: role.value as User['role'] }));
    const active = h('input', { type: 'checkbox', checked: u.isActive, 'aria-label': `${u.email} may sign in` });
    active.addEventListener('change', () => void change(u, { isActive: active.checked }));
    const erase = h('button', { type: 'button', class: 'danger' }, 'Erase');
    erase.addEventListener('click', async () => {
      const what =
        u.role === 'artist' ? ' Their tracks and releases leave the store (buyers keep them); their earnings stay in the ledger.' : '';
      if (!confirm(`Erase ${u.email} for good? Nothing personal is kept.${what}`)) return;
      if (await attempt(status, async () => (await api('DELETE', `/api/admin/users/${u.id}`), `${u.email} erased.`)))
        navigate(window.location.pathname + window.location.search, { replace: true });
    });
    return h(
      'tr',
      {},
      h('td', {}, u.email),
      h('td', {}, u.displayName ?? u.username),
      h('td', {}, role),
      h('td', {}, active),
      h('td', {}, erase),
    );
  });
  return page(
    'Users',
    h('h1', {}, 'Users'),
    adminNav(),
    form,
    status,
    h('p', {}, `${total} user${total === 1 ? '' : 's'}${total > users.length ? `, first ${users.length} shown` : ''}.`),
    h(
      'table',
      { class: 'table' },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          ['Email', 'Name', 'Role', 'Active', ''].map((c) => h('th', { scope: 'col' }, c)),
        ),
      ),
      h('tbody', {}, rows),
    ),
  );
};

/** Orders with a status filter and refunds. */
export const ordersView: View = async (_params, q) => {
  if (!guard()) return denied;
  const statusFilter = q.get('status') ?? '';
  const { orders, total } = await api<{ orders: AdminOrder[]; total: number }>(
    'GET',
    `/api/admin/orders${query({ status: statusFilter, pageSize: 50 })}`,
  );
  const status = statusLine();
  const select = h(
    'select',
    {},
    h('option', { value: '' }, 'All'),
    ['CREATED', 'PENDING', 'COMPLETED', 'FAILED', 'REFUNDED'].map((s) =>
      h('option', { value: s, selected: s === statusFilter }, s.toLowerCase()),
    ),
  );
  select.addEventListener('change', () => navigate(`/admin/orders${query({ status: select.value })}`));
  const rows = orders.map((o) => {
    const refund =
      o.status === 'COMPLETED'
        ? h(
            'button',
            {
              type: 'button',
              class: 'danger',
              onclick: async () => {
                if (!confirm(`Refund order #${o.id} (${amount(o.amount)}) in full? The buyer loses access to its tracks.`)) return;
                const { refund: result } = await api<{ refund: string }>('POST', `/api/admin/orders/${o.id}/refund`).catch((err: Error) => {
                  status.say(err.message, 'error');
                  return { refund: 'failed' };
                });
                if (result !== 'failed')
                  navigate(
                    `${window.location.pathname}${query({ status: statusFilter, refunded: o.id, pending: result === 'pending' ? 1 : undefined })}`,
                    { replace: true },
                  );
              },
            },
            'Refund',
          )
        : null;
    return h(
      'tr',
      { 'data-order-id': o.id },
      h('td', {}, `#${o.id}`),
      h('td', {}, new Date(o.createdAt).toLocaleString()),
      h('td', {}, o.payerEmail ?? `user ${o.userId}`),
      h('td', {}, o.items.map((i) => i.title).join(', ')),
      h('td', { class: 'num' }, amount(o.amount)),
      h('td', {}, o.status.toLowerCase()),
      h('td', {}, refund),
    );
  });
  const refunded = q.get('refunded');
  if (refunded)
    status.say(
      q.get('pending')
        ? `The refund of #${refunded} is pending at PayPal.`
        : `Order #${refunded} refunded; the buyer no longer has its tracks.`,
      'ok',
    );
  return page(
    'Orders',
    h('h1', {}, 'Orders'),
    adminNav(),
    field('Status', select),
    status,
    h('p', {}, `${total} order${total === 1 ? '' : 's'}.`),
    orders.length
      ? h(
          'table',
          { class: 'table' },
          h(
            'thead',
            {},
            h(
              'tr',
              {},
              ['Order', 'Created', 'Buyer', 'Tracks', 'Amount', 'Status', ''].map((c) => h('th', { scope: 'col' }, c)),
            ),
          ),
          h('tbody', {}, rows),
        )
      : h('p', { class: 'empty' }, 'No orders match.'),
    await jobsTable(),
  );
};

/** The background jobs (gift mail, reconciliation, publication) by queue and state: what waits, runs, retries or failed. */
async function jobsTable(): Promise<HTMLElement> {
  const { jobs } = await api<{ jobs: { queue: string; state: string; count: number }[] }>('GET', '/api/admin/jobs');
  const states = ['created', 'retry', 'active', 'completed', 'failed', 'cancelled'];
  const queues = [...new Set(jobs.map((j) => j.queue))];
  const count = (queue: string, state: string) => String(jobs.find((j) => j.queue === queue && j.state === state)?.count ?? 0);
  return h(
    'section',
    {},
    h('h2', {}, 'Background jobs'),
    queues.length
      ? h(
          'table',
          { class: 'table jobs' },
          h(
            'thead',
            {},
            h(
              'tr',
              {},
              ['Queue', ...states].map((c) => h('th', { scope: 'col' }, c)),
            ),
          ),
          h(
            'tbody',
            {},
            queues.map((queue) =>
              h(
                'tr',
                {},
                h('th', { scope: 'row' }, queue),
                states.map((state) => h('td', { class: 'num' }, count(queue, state))),
              ),
            ),
          ),
        )
      : h('p', { class: 'empty' }, 'No jobs yet.'),
  );
}
