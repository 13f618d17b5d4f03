import { CHECKOUT_RESULTS, type CheckoutResult } from '../contract/checkout.js';
import { ApiError, api, messageOf } from '../lib/api.js';
import { cartIds, clearCart, removeFromCart } from '../lib/cart.js';
import { h, page, rowList, rowsOr, statusLine } from '../lib/dom.js';
import { amount, minor, money, price } from '../lib/format.js';
import { navigate, type View } from '../lib/router.js';
import { currentUser } from '../lib/session.js';
import type { Order, Playable, Purchase, Track } from '../lib/types.js';
import { playTracks } from '../player.js';

/** The cart: each track's price as the catalog has it now; the order's amount is the server's. */
export const cartView: View = async () => {
  const ids = cartIds();
  const found = await Promise.all(
    ids.map((id) =>
      api<{ track: Track }>('GET', `/api/tracks/${id}`).then(
        (r) => r.track,
        () => undefined,
      ),
    ),
  );
  const tracks = found.filter((t): t is Track => !!t && !t.isFree);
  const gone = ids.filter((id) => !tracks.some((t) => t.id === id));
  if (gone.length) removeFromCart(...gone);
  if (!tracks.length) {
    return {
      title: 'Cart — Song-Nexus',
      content: h(
        'section',
        { class: 'card' },
        h('h1', {}, 'Your cart is empty'),
        gone.length ? h('p', {}, 'Tracks no longer for sale were taken out.') : null,
        h('a', { href: '/' }, 'Browse the store'),
      ),
    };
  }
  const status = statusLine();
  const total = tracks.reduce((sum, t) => sum + minor(t.priceEur), 0);
  const pay = h('button', { type: 'button', class: 'pay' }, `Pay ${money(total)} with PayPal`);
  pay.addEventListener('click', async () => {
    if (!currentUser()) return navigate('/signin?next=/cart');
    pay.disabled = true;
    status.say('Creating your order at PayPal…');
    try {
      const { approveUrl } = await api<{ approveUrl: string }>('POST', '/api/checkout/orders', { trackIds: tracks.map((t) => t.id) });
      window.location.assign(approveUrl);
    } catch (err) {
      pay.disabled = false;
      const unavailable = err instanceof ApiError ? (err.details?.trackIds as number[] | undefined) : undefined;
      if (unavailable?.length) removeFromCart(...unavailable);
      status.say(`${messageOf(err)}${unavailable?.length ? ' They were taken out of your cart; check it and pay again.' : ''}`, 'error');
      // Another unfinished order covers these tracks: offer to finish that one instead of paying twice.
      const openOrder = err instanceof ApiError && err.code === 'order_open' ? (err.details?.approveUrl as string | undefined) : undefined;
      if (openOrder) status.append(' ', h('a', { href: openOrder }, 'Finish that order at PayPal'));
    }
  });
  return page(
    'Cart',
    h('h1', {}, 'Your cart'),
    gone.length ? h('p', { class: 'note' }, 'Tracks no longer for sale were taken out.') : null,
    h(
      'table',
      { class: 'table' },
      h('caption', { class: 'visually-hidden' }, 'Tracks in your cart'),
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          h('th', { scope: 'col' }, 'Track'),
          h('th', { scope: 'col' }, 'Artist'),
          h('th', { scope: 'col', class: 'num' }, 'Price'),
          h('th', { scope: 'col' }, h('span', { class: 'visually-hidden' }, 'Remove')),
        ),
      ),
      h(
        'tbody',
        {},
        tracks.map((t) =>
          h(
            'tr',
            {},
            h('td', {}, h('a', { href: `/tracks/${t.id}` }, t.name)),
            h('td', {}, t.artist),
            h('td', { class: 'num' }, price(t)),
            h(
              'td',
              {},
              h(
                'button',
                {
                  type: 'button',
                  class: 'link',
                  'aria-label': `Remove ${t.name}`,
                  onclick: () => (removeFromCart(t.id), navigate('/cart', { replace: true })),
                },
                'Remove',
              ),
            ),
          ),
        ),
      ),
      h(
        'tfoot',
        {},
        h('tr', {}, h('th', { scope: 'row', colspan: 2 }, 'Total'), h('td', { class: 'num total' }, money(total)), h('td', {})),
      ),
    ),
    currentUser() ? null : h('p', {}, h('a', { href: '/signin?next=/cart' }, 'Sign in'), ' to pay.'),
    pay,
    status,
    h('p', { class: 'note' }, 'You approve the payment at PayPal and come back here. The amount is set by the store, not by this page.'),
  );
};

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
    removeFromCart(...order.items.flatMap((i) => (i.trackId === null ? [] : [i.trackId])));
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
  const owned = purchases.filter((p) => !p.revokedAt);
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
      ),
      h('button', { type: 'button', 'aria-label': `Play ${p.title}`, onclick: () => playTracks(tracks, i) }, '▶ Play'),
      h('a', { class: 'button secondary', href: `/api/tracks/${p.trackId}/download`, download: '' }, 'Download'),
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
