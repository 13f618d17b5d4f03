import type { ApiDiscountCode, ApiDownloadCode, ApiOffer, PriceModel } from '../contract/api.js';
import { api } from '../lib/api.js';
import { attempt, field, formOf, h, rowList, statusLine, type StatusLine } from '../lib/dom.js';
import { date, storeCurrency } from '../lib/format.js';

/**
 * The studio's selling controls: an item's price model and license offers,
 * its download codes (make a batch, export CSV, see what was redeemed), and
 * the artist's discount codes.
 */

const MODELS: [PriceModel, string][] = [
  ['fixed', 'Fixed price'],
  ['name_your_price', 'Name your price'],
  ['free', 'Free'],
];

/** The price model fields of a track or release form, and the body they send (the API's names). */
export function pricingFields(item: ApiOffer): { controls: HTMLElement[]; body(): Record<string, unknown> } {
  const currency = storeCurrency().code;
  const money = (name: string, value: string | null | undefined) =>
    h('input', { name, value: value ?? '', inputmode: 'decimal', autocomplete: 'off' });
  const model = h(
    'select',
    { name: 'priceModel' },
    MODELS.map(([v, label]) => h('option', { value: v, selected: v === item.priceModel }, label)),
  );
  const price = money('price', item.priceModel === 'free' ? '' : item.price);
  const suggested = money('suggestedPrice', item.suggestedPrice);
  const commercial = money('commercialPrice', item.licenses.commercial?.price);
  const terms = h('textarea', { name: 'commercialTerms', rows: 2, maxlength: 10000 });
  terms.value = item.licenses.commercial?.terms ?? '';
  const streaming = money('streamingPrice', item.licenses.streaming?.price);
  const days = h('input', { name: 'streamingDays', type: 'number', min: 1, max: 365, value: String(item.licenses.streaming?.days ?? 30) });
  const priceField = field(`Price (${currency})`, price, 'The fixed price, or the least a buyer pays for name your price (0 allowed).');
  const suggestedField = field(`Suggested price (${currency})`, suggested, 'Shown pre-filled to the buyer; leave empty for none.');
  const show = () => {
    priceField.hidden = model.value === 'free';
    suggestedField.hidden = model.value !== 'name_your_price';
  };
  model.addEventListener('change', show);
  show();
  const orNull = (input: HTMLInputElement) => input.value.trim() || null;
  return {
    controls: [
      field('Price model', model),
      priceField,
      suggestedField,
      field(`Commercial license price (${currency})`, commercial, 'Leave empty to offer personal use only.'),
      field('Commercial license terms', terms),
      field(`Streaming pass price (${currency})`, streaming, 'A pass plays in full for its days, without download; empty: none.'),
      field('Streaming pass days', days),
    ],
    body: () => ({
      priceModel: model.value,
      ...(model.value === 'free' ? {} : { price: price.value.trim() || '0' }),
      suggestedPrice: model.value === 'name_your_price' ? orNull(suggested) : null,
      commercialPrice: orNull(commercial),
      commercialTerms: terms.value.trim() || null,
      streamingPrice: orNull(streaming),
      ...(orNull(streaming) ? { streamingDays: Number(days.value) } : {}),
    }),
  };
}

/** "Switch off" for one code: DELETE `url`, then redraw the list and say so. */
function switchOff(code: string, url: string, status: StatusLine, refresh: () => Promise<void>, done: string): HTMLElement {
  return h(
    'button',
    {
      type: 'button',
      class: 'link',
      'aria-label': `Switch off ${code}`,
      onclick: () =>
        void attempt(status, async () => {
          await api('DELETE', url);
          await refresh();
          return done;
        }),
    },
    'Switch off',
  );
}

/** An item's download codes: make a batch, export them, see which were redeemed. */
export function downloadCodesSection(kind: 'track' | 'release', id: number): HTMLElement {
  const status = statusLine();
  const base = `/api/artist/${kind}s/${id}/download-codes`;
  const count = h('input', { type: 'number', min: 1, max: 1000, value: '25' });
  const summary = h('p', {});
  const list = h('div', {});
  const refresh = async () => {
    const { codes } = await api<{ codes: ApiDownloadCode[] }>('GET', base);
    const redeemed = codes.filter((c) => c.redeemedAt).length;
    summary.textContent = codes.length ? `${codes.length} codes made, ${redeemed} redeemed.` : 'No codes yet.';
    list.replaceChildren(
      codes.length
        ? h(
            'details',
            {},
            h('summary', {}, 'Show the codes'),
            rowList(
              'ul',
              codes,
              (c) => [
                h('code', { class: 'grow' }, c.code),
                h('span', {}, c.redeemedAt ? `redeemed ${date(c.redeemedAt)}` : c.disabledAt ? 'switched off' : 'unused'),
                c.redeemedAt || c.disabledAt
                  ? null
                  : switchOff(c.code, `/api/artist/download-codes/${c.id}`, status, refresh, `${c.code} no longer works.`),
              ],
              '',
            ),
          )
        : '',
    );
  };
  void refresh().catch(() => undefined);
  const form = formOf({ class: 'inline' }, [field('How many codes', count), h('button', { type: 'submit' }, 'Make codes'), status], () => {
    void attempt(status, async () => {
      const { codes } = await api<{ codes: ApiDownloadCode[] }>('POST', base, { count: Number(count.value) });
      await refresh();
      return `${codes.length} new codes. Export them as CSV to hand out.`;
    });
  });
  return h(
    'section',
    { class: 'card stack' },
    h('h2', {}, 'Download codes'),
    h('p', { class: 'note' }, 'Single-use codes that give this away (press, merch tables); fans redeem them at /redeem.'),
    summary,
    form,
    h('a', { href: `${base}.csv`, download: '' }, 'Export all codes (CSV)'),
    list,
  );
}

/** The artist's discount codes: create, list, switch off. */
export async function discountCodesSection(): Promise<HTMLElement> {
  const status = statusLine();
  const list = h('div', {});
  const refresh = async () => {
    const { codes } = await api<{ codes: ApiDiscountCode[] }>('GET', '/api/artist/codes?pageSize=50');
    list.replaceChildren(
      rowList(
        'ul',
        codes,
        (c) => [
          h('strong', { class: 'grow' }, c.code),
          h('span', {}, c.percentOff !== null ? `${c.percentOff} % off` : `${c.amountOff} ${storeCurrency().code} off`),
          h('span', {}, `${c.redemptions}${c.maxRedemptions ? ` / ${c.maxRedemptions}` : ''} used`),
          h('span', {}, c.endsAt ? `until ${date(c.endsAt)}` : 'no end'),
          c.disabledAt ? h('span', {}, 'off') : switchOff(c.code, `/api/artist/codes/${c.id}`, status, refresh, `${c.code} is off.`),
        ],
        'No discount codes yet.',
      ),
    );
  };
  await refresh();
  const code = h('input', { maxlength: 40, autocomplete: 'off', required: true });
  const percent = h('input', { type: 'number', min: 1, max: 100, value: '20' });
  const max = h('input', { type: 'number', min: 1 });
  const ends = h('input', { type: 'date' });
  const form = formOf(
    { class: 'card stack', 'aria-label': 'New discount code' },
    [
      field('Code', code, 'Letters, digits, hyphens; buyers type it in any case.'),
      field('Percent off', percent),
      field('Most uses (empty: no limit)', max),
      field('Last day (empty: no end)', ends),
      h('button', { type: 'submit' }, 'Create code'),
      status,
    ],
    () => {
      void attempt(status, async () => {
        await api('POST', '/api/artist/codes', {
          code: code.value.trim(),
          percentOff: Number(percent.value),
          ...(max.value ? { maxRedemptions: Number(max.value) } : {}),
          ...(ends.value ? { endsAt: new Date(`${ends.value}T23:59:59`).toISOString() } : {}),
        });
        await refresh();
        return `Code ${code.value.trim().toUpperCase()} created: it applies to all your releases and tracks.`;
      });
    },
  );
  return h('section', { class: 'stack' }, h('h2', {}, 'Discount codes'), form, list);
}
