import { api, messageOf } from '../lib/api.js';
import { field, formOf, h, page, statusLine } from '../lib/dom.js';
import { date } from '../lib/format.js';
import { navigate, type View } from '../lib/router.js';
import { currentUser } from '../lib/session.js';

/** Redeeming a download code or a gift's claim link (/redeem?code=…): signed in, once. */
export const redeemView: View = async (_params, query) => {
  const given = query.get('code') ?? '';
  if (!currentUser()) {
    const next = `/redeem${given ? `?code=${encodeURIComponent(given)}` : ''}`;
    return page(
      'Redeem a code',
      h('h1', {}, 'Redeem a code'),
      h('p', {}, 'Sign in (or make an account with your email address) to add the music to your library.'),
      // The sign-in page returns to a path without a query: the code waits in this browser meanwhile.
      h('a', { class: 'button', href: '/signin?next=/redeem', onclick: () => sessionStorage.setItem('redeem-code', given) }, 'Sign in'),
      h('p', { class: 'note' }, `Your code: ${given || '—'}`, h('span', { hidden: true }, next)),
    );
  }
  const code = h('input', {
    type: 'text',
    autocomplete: 'off',
    autocapitalize: 'characters',
    spellcheck: false,
    maxlength: 40,
    value: given || sessionStorage.getItem('redeem-code') || '',
    placeholder: 'XXXX-XXXX-XXXX',
  });
  sessionStorage.removeItem('redeem-code');
  const status = statusLine();
  const form = formOf(
    { class: 'card redeem' },
    [
      field('Download or gift code', code, 'Twelve letters and digits; case and hyphens do not matter.'),
      h('button', { type: 'submit' }, 'Redeem'),
      status,
    ],
    async () => {
      try {
        const { redeemed } = await api<{ redeemed: { kind: 'track' | 'release'; id: number; gift: boolean } }>('POST', '/api/redeem', {
          code: code.value.trim(),
        });
        status.say(redeemed.gift ? 'Your gift is in your library.' : 'Redeemed: it is in your library.', 'ok');
        status.append(
          ' ',
          h('a', { href: `/${redeemed.kind}s/${redeemed.id}` }, 'Open it'),
          ' · ',
          h('a', { href: '/library' }, 'Go to your library'),
        );
      } catch (err) {
        status.say(messageOf(err), 'error');
      }
    },
  );
  return page('Redeem a code', h('h1', {}, 'Redeem a code'), form);
};

interface License {
  orderId: number;
  kind: 'track' | 'release';
  trackId: number | null;
  releaseId: number | null;
  title: string;
  artist: string;
  grantedAt: string;
  terms: string | null;
}

/** The commercial licenses the listener holds, each made out to them with the artist's terms (printable). */
export const licensesView: View = async () => {
  if (!currentUser()) {
    navigate('/signin?next=/library/licenses', { replace: true });
    return { title: 'Sign in', content: h('p', {}, 'Sign in first.') };
  }
  const { licensee, licenses } = await api<{ licensee: string; licenses: License[] }>('GET', '/api/me/licenses');
  return page(
    'Your licenses',
    h('h1', {}, 'Your licenses'),
    licenses.length
      ? licenses.map((l) =>
          h(
            'article',
            { class: 'card license', 'data-order-id': l.orderId },
            h('h2', {}, `Commercial license: ${l.title}`),
            h(
              'dl',
              {},
              h('dt', {}, 'Licensee'),
              h('dd', {}, licensee),
              h('dt', {}, 'Work'),
              h('dd', {}, `${l.title} by ${l.artist} (${l.kind})`),
              h('dt', {}, 'Granted'),
              h('dd', {}, date(l.grantedAt)),
              h('dt', {}, 'Order'),
              h('dd', {}, `#${l.orderId}`),
            ),
            h('h3', {}, 'Terms'),
            h('p', { class: 'terms' }, l.terms ?? 'Commercial use as the artist allows; ask them for details.'),
          ),
        )
      : h('p', {}, 'No commercial licenses yet. A commercial license bought with a track or release appears here.'),
  );
};
