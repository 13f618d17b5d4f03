import { CHECKOUT_RESULTS, type CheckoutResult } from '../contract/checkout.js';
import { api } from '../lib/api.js';
import { clearCart, removeFromCart } from '../lib/cart.js';
import { h, page, rowList, rowsOr } from '../lib/dom.js';
import { amount } from '../lib/format.js';
import { navigate, type View } from '../lib/router.js';
import { currentUser } from '../lib/session.js';
import type { Order, Playable, Purchase } from '../lib/types.js';
import { playTracks } from '../player.js';
import { downloadControl } from './downloads.js';

const RESULTS: Record<CheckoutResult, { heading: string; text: string }> = {
  completed: {
    heading: 'Thank you — it’s yours',
    text: 'The payment went through. Your tracks are in your library, to play in full and download.',
  },
  pending: {
    heading: 'Payment pending',
    text: 'PayPal is still processing the payment. The tracks appear in your library as soon as it clears; nothing more to do.',
  },
  declined: {
    heading: 'Payment declined',
    text: 'PayPal declined that payment method. Approve the payment again with another one; you have not been charged.',
  },
  failed: {
    heading: 'Payment failed',
    text: 'This payment could not be completed and you have not been charged. Start a new checkout from your cart.',
  },
  refunded: { heading: 'Order refunded', text: 'This order was refunded.' },
  cancelled: { heading: 'Checkout cancelled', text: 'You cancelled at PayPal; nothing was charged. Your cart is as you left it.' },
  not_approved: { heading: 'Not approved yet', text: 'PayPal has not received your approval. Approve the payment to finish.' },
  unavailable: {
    heading: 'We could not reach PayPal',
    text: 'Your payment may still go through: we check with PayPal within a few minutes and your library updates by itself. You will not be charged twice.',
  },
  signed_out: {
    heading: 'Sign in to finish',
    text: 'Your session ended while you were at PayPal. Sign in; a payment you approved is completed for you.',
  },
  unknown: { heading: 'Order not found', text: 'This checkout does not belong to the account signed in here.' },
};

/** Where PayPal's return and cancel links end up (through /checkout/return and /checkout/cancel). */
export const checkoutResultView: View = async (_params, q) => {
  const asked = q.get('status') ?? 'unknown';
  const status: CheckoutResult = (CHECKOUT_RESULTS as readonly string[]).includes(asked) ? (asked as CheckoutResult) : 'unknown';
  const result = RESULTS[status];
  const orderId = Number(q.get('order'));
  let order: Order | undefined;
  if (orderId > 0 && currentUser()) order = (await api<{ order: Order }>('GET', `/api/me/orders/${orderId}`).catch(() => undefined))?.order;
  if (order && (order.status === 'COMPLETED' || order.status === 'PENDING'))
    removeFromCart(...order.items.map((i) => ({ kind: i.kind, id: (i.releaseId ?? i.trackId)! })));
  if (status === 'completed' && !order) clearCart();
  return {
    title: `${result.heading} — Song-Nexus`,
    content: h(
      'section',
      { class: `card result result-${status}` },
      h('h1', {}, result.heading),
      h('p', {}, result.text),
      order
        ? h(
            'ul',
            {},
            order.items.map((i) => h('li', {}, `${i.title} — ${i.artist} · ${amount(i.price)}`)),
            h('li', { class: 'total' }, `Total ${amount(order.amount)}`),
          )
        : null,
      h(
        'div',
        { class: 'actions' },
        order?.approveUrl && (status === 'declined' || status === 'cancelled' || status === 'not_approved')
          ? h('a', { class: 'button', href: order.approveUrl }, 'Approve at PayPal again')
          : null,
        status === 'signed_out' ? h('a', { class: 'button', href: '/signin?next=/library' }, 'Sign in') : null,
        h('a', { class: 'button', href: '/library' }, 'Go to your library'),
        h('a', { href: '/' }, 'Back to the store'),
      ),
    ),
  };
};

const LICENSE_NOTES: Record<Purchase['licenseType'], string> = {
  personal: 'personal license',
  commercial: 'commercial license',
  streaming: 'streaming pass',
};

interface HistoryEntry {
  trackId: number;
  name: string;
  artist: string;
  playedAt: string;
  durationPlayedSeconds: number;
}

/** Purchases (full playback and download), orders and listening history. */
export const libraryView: View = async () => {
  if (!currentUser()) {
    navigate('/signin?next=/library', { replace: true });
    return { title: 'Sign in', content: h('p', {}, 'Sign in first.') };
  }
  const [{ purchases }, { orders }, { history }] = await Promise.all([
    api<{ purchases: Purchase[] }>('GET', '/api/me/purchases?pageSize=100'),
    api<{ orders: Order[] }>('GET', '/api/me/orders?pageSize=20'),
    api<{ history: HistoryEntry[] }>('GET', '/api/me/history?pageSize=20'),
  ]);
  const owned = purchases.filter((p) => !p.revokedAt && (!p.expiresAt || new Date(p.expiresAt) > new Date()));
  // Played from the purchases themselves: an owned track plays even after it left the catalog.
  const tracks: Playable[] = owned.map((p) => ({ id: p.trackId, name: p.title, artist: p.artist }));
  const rows = owned.map((p, i) =>
    h(
      'li',
      { class: 'row', 'data-track-id': p.trackId },
      h(
        'span',
        { class: 'grow' },
        h('strong', {}, p.title),
        ` — ${p.artist}`,
        p.trackDeleted ? h('small', {}, ' (no longer in the store; still yours)') : null,
        p.releaseId ? h('small', {}, ' · ', h('a', { href: `/releases/${p.releaseId}` }, `from ${p.releaseTitle ?? 'a release'}`)) : null,
        h(
          'small',
          { class: 'license' },
          ` · ${LICENSE_NOTES[p.licenseType]}${p.expiresAt ? ` until ${new Date(p.expiresAt).toLocaleString()}` : ''}`,
        ),
      ),
      h('button', { type: 'button', 'aria-label': `Play ${p.title}`, onclick: () => playTracks(tracks, i) }, '▶ Play'),
      p.licenseType === 'streaming' ? null : downloadControl(p.trackId, p.title),
    ),
  );
  const orderStatus: Record<Order['status'], string> = {
    CREATED: 'awaiting payment',
    PENDING: 'payment pending',
    COMPLETED: 'paid',
    FAILED: 'failed',
    REFUNDED: 'refunded',
  };
  return page(
    'Your library',
    h('h1', {}, 'Your library'),
    h('h2', {}, 'Tracks you own'),
    rowsOr('ul', rows, 'Nothing bought yet. Tracks you buy appear here to play in full and download.', 'rows library'),
    h(
      'p',
      {},
      h('a', { href: '/library/licenses' }, 'Your commercial licenses'),
      ' · ',
      h('a', { href: '/redeem' }, 'Redeem a download or gift code'),
    ),
    h('h2', {}, 'Orders'),
    rowList(
      'ul',
      orders,
      (o) => [
        h('span', { class: 'grow' }, `#${o.id} · ${o.items.map((i) => i.title).join(', ')}`),
        h('span', {}, `${amount(o.amount)} · ${orderStatus[o.status]}`),
        o.approveUrl ? h('a', { href: o.approveUrl }, 'Pay') : null,
      ],
      'No orders yet.',
    ),
    h('h2', {}, 'Recently played'),
    rowList(
      'ol',
      history,
      (e) => [
        h('a', { class: 'grow', href: `/tracks/${e.trackId}` }, `${e.name} — ${e.artist}`),
        h('small', {}, new Date(e.playedAt).toLocaleString()),
      ],
      'Nothing played yet while signed in.',
    ),
  );
};
