import type { ApiOffer, LicenseType } from '../contract/api.js';
import { ApiError, api, messageOf } from '../lib/api.js';
import type { CartItem } from '../lib/cart.js';
import { field, h, statusLine } from '../lib/dom.js';
import { amount, minor, money, storeCurrency } from '../lib/format.js';
import { navigate } from '../lib/router.js';
import { currentUser } from '../lib/session.js';
import { cartButton } from './track-card.js';

const LICENSES: Record<LicenseType, string> = { personal: 'Personal use', commercial: 'Commercial use', streaming: 'Streaming pass' };

/**
 * How a track or release page sells it: the license (when more than personal
 * is offered, each at its price, a commercial license's terms shown), the
 * buyer's amount for name-your-price (pre-filled with the suggestion, at
 * least the minimum), "Buy now" through PayPal, "Add to cart", and "Add to
 * library" for what costs nothing.
 */
export function offerControls(
  item: ApiOffer & { id: number; isFree?: boolean; priceEur: string },
  kind: CartItem['kind'],
  name: string,
): HTMLElement {
  const status = statusLine();
  const { commercial, streaming } = item.licenses;
  const offered: { license: LicenseType; label: string }[] = [
    {
      license: 'personal',
      label: `${LICENSES.personal} · ${item.priceModel === 'name_your_price' ? `${amount(item.price)} or more` : item.priceModel === 'free' ? 'free' : amount(item.price)}`,
    },
    ...(commercial ? [{ license: 'commercial' as const, label: `${LICENSES.commercial} · ${amount(commercial.price)}` }] : []),
    ...(streaming
      ? [{ license: 'streaming' as const, label: `${LICENSES.streaming}, ${streaming.days} days · ${amount(streaming.price)}` }]
      : []),
  ];
  const licenseSelect = h(
    'select',
    {},
    offered.map((o) => h('option', { value: o.license }, o.label)),
  );
  const terms = h(
    'p',
    { class: 'note terms', hidden: true },
    commercial?.terms ? `Commercial terms: ${commercial.terms}` : 'Commercial use as the artist allows.',
  );
  const amountInput = h('input', {
    type: 'number',
    inputmode: 'decimal',
    min: item.price,
    step: storeCurrency().decimals === 0 ? '1' : '0.01',
    value: item.suggestedPrice ?? item.price,
    class: 'amount',
  });
  const amountRow = field(
    `Your price (${storeCurrency().code})`,
    amountInput,
    `At least ${amount(item.price)}${item.suggestedPrice ? `; suggested ${amount(item.suggestedPrice)}` : ''}.`,
  );
  const license = () => licenseSelect.value as LicenseType;
  const nameYourPrice = () => item.priceModel === 'name_your_price' && license() === 'personal';
  const typed = () =>
    storeCurrency().decimals === 0 ? String(Math.trunc(Number(amountInput.value))) : Number(amountInput.value || 0).toFixed(2);
  const choice = (): Partial<CartItem> => ({
    ...(license() !== 'personal' ? { license: license() } : {}),
    ...(nameYourPrice() ? { amount: typed() } : {}),
  });
  const costsNothing = () => license() === 'personal' && (item.priceModel === 'free' || (nameYourPrice() && minor(typed()) === 0));

  const buy = h('button', { type: 'button' });
  const library = h('button', { type: 'button', class: 'secondary' }, 'Add to library');
  const show = () => {
    amountRow.hidden = !nameYourPrice();
    terms.hidden = license() !== 'commercial';
    const cost =
      license() === 'personal'
        ? nameYourPrice()
          ? minor(typed() || '0')
          : minor(item.price)
        : minor((license() === 'commercial' ? commercial : streaming)!.price);
    buy.textContent = `Buy ${name} · ${money(cost)}`;
    buy.hidden = costsNothing();
    library.hidden =
      !(item.priceModel === 'free' || (item.priceModel === 'name_your_price' && minor(item.price) === 0)) || license() !== 'personal';
  };
  licenseSelect.addEventListener('change', show);
  amountInput.addEventListener('input', show);

  buy.addEventListener('click', async () => {
    if (!currentUser()) return navigate(`/signin?next=${encodeURIComponent(window.location.pathname)}`);
    buy.disabled = true;
    status.say('Creating your order at PayPal…');
    try {
      const { approveUrl } = await api<{ approveUrl: string }>('POST', '/api/checkout/orders', {
        items: [{ kind, id: item.id, ...choice() }],
      });
      window.location.assign(approveUrl);
    } catch (err) {
      buy.disabled = false;
      status.say(messageOf(err), 'error');
      const open = err instanceof ApiError && err.code === 'order_open' ? (err.details?.approveUrl as string | undefined) : undefined;
      if (open) status.append(' ', h('a', { href: open }, 'Finish that order at PayPal'));
    }
  });
  library.addEventListener('click', async () => {
    if (!currentUser()) return navigate(`/signin?next=${encodeURIComponent(window.location.pathname)}`);
    try {
      await api('POST', '/api/library', { kind, id: item.id });
      status.say('Added to your library.', 'ok');
      library.disabled = true;
    } catch (err) {
      status.say(messageOf(err), 'error');
    }
  });
  show();
  return h(
    'div',
    { class: 'buy' },
    offered.length > 1 ? field('License', licenseSelect) : null,
    terms,
    amountRow,
    h('div', { class: 'actions' }, buy, library, item.priceModel === 'free' ? null : cartButton(item, kind, choice)),
    status,
  );
}
