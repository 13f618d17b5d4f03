import type { ApiOffer, LicenseType } from '../contract/api.js';
import { ApiError, api, messageOf } from '../lib/api.js';
import { cartItems, removeFromCart, updateCartItem, type CartItem } from '../lib/cart.js';
import { field, h, page, statusLine } from '../lib/dom.js';
import { amount, minor, money, storeCurrency } from '../lib/format.js';
import { navigate, type View } from '../lib/router.js';
import { currentUser } from '../lib/session.js';
import type { Release, Track } from '../lib/types.js';

/** One cart line: the item as the catalog has it now, and what the buyer chose. */
interface Line {
  item: CartItem;
  title: string;
  artist: string;
  href: string;
  offer: ApiOffer;
}

interface Quote {
  items: { kind: CartItem['kind']; id: number; minimumPrice: string; discountAmount: string; price: string }[];
  amount: string;
}

const LICENSE_LABELS: Record<LicenseType, string> = { personal: 'Personal', commercial: 'Commercial', streaming: 'Streaming pass' };

async function lineOf(item: CartItem): Promise<Line | undefined> {
  try {
    if (item.kind === 'release') {
      const { release } = await api<{ release: Release }>('GET', `/api/releases/${item.id}`);
      return { item, title: release.title, artist: release.artist.name ?? '', href: `/releases/${item.id}`, offer: release };
    }
    const { track } = await api<{ track: Track }>('GET', `/api/tracks/${item.id}`);
    return { item, title: track.name, artist: track.artist, href: `/tracks/${item.id}`, offer: track };
  } catch {
    return undefined;
  }
}

/** The licenses an item offers, and what each costs at least. */
function licensesOf(offer: ApiOffer): { license: LicenseType; least: string; label: string }[] {
  const { commercial, streaming } = offer.licenses;
  return [
    { license: 'personal' as const, least: offer.price, label: LICENSE_LABELS.personal },
    ...(commercial ? [{ license: 'commercial' as const, least: commercial.price, label: LICENSE_LABELS.commercial }] : []),
    ...(streaming
      ? [{ license: 'streaming' as const, least: streaming.price, label: `${LICENSE_LABELS.streaming} (${streaming.days} days)` }]
      : []),
  ];
}

/** What a line costs before any code, in minor units (the server decides in the end). */
function localPrice(line: Line): number {
  const license = line.item.license ?? 'personal';
  const chosen = licensesOf(line.offer).find((l) => l.license === license) ?? licensesOf(line.offer)[0]!;
  if (license === 'personal' && line.offer.priceModel === 'name_your_price')
    return minor(line.item.amount ?? line.offer.suggestedPrice ?? line.offer.price);
  return line.offer.priceModel === 'free' && license === 'personal' ? 0 : minor(chosen.least);
}

/** The amount field of a name-your-price line: at least the minimum, pre-filled with the suggestion. */
function amountField(line: Line, changed: () => void): HTMLElement {
  const step = storeCurrency().decimals === 0 ? '1' : '0.01';
  const input = h('input', {
    type: 'number',
    inputmode: 'decimal',
    min: line.offer.price,
    step,
    value: line.item.amount ?? line.offer.suggestedPrice ?? line.offer.price,
    'aria-label': `Your price for ${line.title}`,
    class: 'amount',
  });
  input.addEventListener('change', () => {
    const value = input.value.trim();
    line.item = {
      ...line.item,
      amount: value === '' ? undefined : storeCurrency().decimals === 0 ? String(Math.trunc(Number(value))) : Number(value).toFixed(2),
    };
    updateCartItem(line.item);
    changed();
  });
  return h('span', { class: 'nyp' }, input, h('small', {}, ` at least ${amount(line.offer.price)}`));
}

function licenseField(line: Line, changed: () => void): HTMLElement | string {
  const offered = licensesOf(line.offer);
  if (offered.length === 1) return LICENSE_LABELS.personal;
  const select = h(
    'select',
    { 'aria-label': `License for ${line.title}` },
    offered.map((l) =>
      h('option', { value: l.license, selected: (line.item.license ?? 'personal') === l.license }, `${l.label} · ${amount(l.least)}`),
    ),
  );
  select.addEventListener('change', () => {
    line.item = { ...line.item, license: select.value as LicenseType };
    updateCartItem(line.item);
    changed();
  });
  return select;
}

/** The order's body: items as chosen, the code, and the gift's recipient. */
function orderBody(lines: Line[], code: string, gift: { email: string; message: string } | undefined) {
  return {
    items: lines.map(({ item }) => ({
      kind: item.kind,
      id: item.id,
      ...(item.license && item.license !== 'personal' ? { license: item.license } : {}),
      ...((item.license ?? 'personal') === 'personal' && item.amount !== undefined ? { amount: item.amount } : {}),
    })),
    ...(code ? { discountCode: code } : {}),
    ...(gift ? { gift: gift.message ? gift : { email: gift.email } } : {}),
  };
}

/** The cart: each item's price as the catalog has it now, an amount for name-your-price, a license, a code, a gift; the order's amount is the server's. */
export const cartView: View = async () => {
  const items = cartItems();
  const found = await Promise.all(items.map(lineOf));
  const lines = found.filter((l): l is Line => !!l);
  const gone = items.filter((i) => !lines.some((l) => l.item.kind === i.kind && l.item.id === i.id));
  if (gone.length) removeFromCart(...gone);
  if (!lines.length) {
    return page(
      'Cart',
      h('h1', {}, 'Your cart is empty'),
      gone.length ? h('p', {}, 'Items no longer for sale were taken out.') : null,
      h('a', { href: '/' }, 'Browse the store'),
    );
  }

  const status = statusLine();
  const body = h('tbody', {});
  const totalCell = h('td', { class: 'num total' });
  const codeInput = h('input', { type: 'text', autocomplete: 'off', maxlength: 40, class: 'code' });
  const giftBox = h('input', { type: 'checkbox' });
  const giftEmail = h('input', { type: 'email', autocomplete: 'off', maxlength: 255 });
  const giftMessage = h('input', { type: 'text', maxlength: 500 });
  const giftFields = h(
    'div',
    { class: 'gift-fields', hidden: true },
    field('Recipient’s email address', giftEmail),
    field('Message (optional)', giftMessage),
  );
  giftBox.addEventListener('change', () => (giftFields.hidden = !giftBox.checked));
  const pay = h('button', { type: 'button', class: 'pay' });
  let quote: Quote | undefined;
  const gift = () => (giftBox.checked ? { email: giftEmail.value.trim(), message: giftMessage.value.trim() } : undefined);
  const paid = () => lines.filter((l) => localPrice(l) > 0 || (l.item.license ?? 'personal') !== 'personal');

  const render = () => {
    const total = quote ? minor(quote.amount) : paid().reduce((sum, l) => sum + localPrice(l), 0);
    body.replaceChildren(
      ...lines.map((line) => {
        const quoted = quote?.items.find((q) => q.kind === line.item.kind && q.id === line.item.id);
        const nameYourPrice = line.offer.priceModel === 'name_your_price' && (line.item.license ?? 'personal') === 'personal';
        return h(
          'tr',
          { 'data-kind': line.item.kind, 'data-id': line.item.id },
          h('td', {}, h('a', { href: line.href }, line.title), line.item.kind === 'release' ? h('small', {}, ' (release)') : null),
          h('td', {}, line.artist),
          h('td', {}, licenseField(line, changed)),
          h(
            'td',
            { class: 'num' },
            nameYourPrice ? amountField(line, changed) : money(localPrice(line)),
            quoted && minor(quoted.discountAmount) > 0
              ? h(
                  'div',
                  { class: 'discount' },
                  nameYourPrice
                    ? `Code: the minimum is now ${money(minor(quoted.minimumPrice) - minor(quoted.discountAmount))}`
                    : `− ${amount(quoted.discountAmount)} code → ${amount(quoted.price)}`,
                )
              : null,
          ),
          h(
            'td',
            {},
            h(
              'button',
              {
                type: 'button',
                class: 'link',
                'aria-label': `Remove ${line.title}`,
                onclick: () => (removeFromCart(line.item), navigate('/cart', { replace: true })),
              },
              'Remove',
            ),
          ),
        );
      }),
    );
    totalCell.textContent = money(total);
    pay.textContent = paid().length ? `Pay ${money(total)} with PayPal` : 'Add to your library';
  };
  const changed = () => {
    quote = undefined;
    render();
  };

  const applyCode = h('button', { type: 'button', class: 'secondary' }, 'Apply code');
  applyCode.addEventListener('click', async () => {
    if (!currentUser()) return navigate('/signin?next=/cart');
    const code = codeInput.value.trim();
    try {
      quote = await api<Quote>('POST', '/api/checkout/quote', orderBody(paid(), code, gift()));
      status.say(code ? `Code ${code.toUpperCase()} applied.` : 'Prices checked.', 'ok');
    } catch (err) {
      quote = undefined;
      status.say(messageOf(err), 'error');
    }
    render();
  });

  pay.addEventListener('click', async () => {
    if (!currentUser()) return navigate('/signin?next=/cart');
    pay.disabled = true;
    try {
      // Free lines (nothing to pay) go straight to the library; the rest to PayPal.
      for (const line of lines.filter((l) => !paid().includes(l))) {
        await api('POST', '/api/library', { kind: line.item.kind, id: line.item.id }).catch((err: unknown) => {
          if (!(err instanceof ApiError && err.code === 'already_owned')) throw err;
        });
        removeFromCart(line.item);
      }
      if (!paid().length) return navigate('/library');
      status.say('Creating your order at PayPal…');
      const { approveUrl } = await api<{ approveUrl: string }>(
        'POST',
        '/api/checkout/orders',
        orderBody(paid(), codeInput.value.trim(), gift()),
      );
      window.location.assign(approveUrl);
    } catch (err) {
      pay.disabled = false;
      status.say(messageOf(err), 'error');
      // Another unfinished order covers these items: offer to finish that one instead of paying twice.
      const openOrder = err instanceof ApiError && err.code === 'order_open' ? (err.details?.approveUrl as string | undefined) : undefined;
      if (openOrder) status.append(' ', h('a', { href: openOrder }, 'Finish that order at PayPal'));
    }
  });
  render();

  return page(
    'Cart',
    h('h1', {}, 'Your cart'),
    gone.length ? h('p', { class: 'note' }, 'Items no longer for sale were taken out.') : null,
    h(
      'table',
      { class: 'table cart' },
      h('caption', { class: 'visually-hidden' }, 'Items in your cart'),
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          h('th', { scope: 'col' }, 'Item'),
          h('th', { scope: 'col' }, 'Artist'),
          h('th', { scope: 'col' }, 'License'),
          h('th', { scope: 'col', class: 'num' }, 'Price'),
          h('th', { scope: 'col' }, h('span', { class: 'visually-hidden' }, 'Remove')),
        ),
      ),
      body,
      h('tfoot', {}, h('tr', {}, h('th', { scope: 'row', colspan: 3 }, 'Total'), totalCell, h('td', {}))),
    ),
    h('div', { class: 'code-row' }, field('Discount code', codeInput), applyCode),
    h('label', { class: 'check' }, giftBox, ' This is a gift (the recipient gets a link by mail)'),
    giftFields,
    currentUser() ? null : h('p', {}, h('a', { href: '/signin?next=/cart' }, 'Sign in'), ' to pay.'),
    pay,
    status,
    h('p', { class: 'note' }, 'You approve the payment at PayPal and come back here. The amount is set by the store, not by this page.'),
  );
};
