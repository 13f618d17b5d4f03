import { api } from '../lib/api.js';
import { attempt, field, formOf, h, page, replace, statusLine } from '../lib/dom.js';
import type { View } from '../lib/router.js';

interface PayoutSettings {
  paypalEmail: string | null;
  confirmedAt: string | null;
  pendingEmail: string | null;
  pendingUntil: string | null;
}

const describe = (s: PayoutSettings) =>
  [
    s.paypalEmail ? `Payouts go to ${s.paypalEmail} (confirmed ${s.confirmedAt!.slice(0, 10)}).` : 'No PayPal address for payouts yet.',
    s.pendingEmail ? ` Waiting for ${s.pendingEmail} to be confirmed: open the link mailed to it.` : '',
  ].join('');

/** The studio's payout address: the confirmed one, a pending one, and a form to ask for another (a link is mailed to it). */
export async function payoutSettingsSection(): Promise<HTMLElement> {
  const summary = h('p', {});
  const show = (s: PayoutSettings) => replace(summary, describe(s));
  show(await api<PayoutSettings>('GET', '/api/artist/payout-settings'));
  const email = h('input', { type: 'email', name: 'paypalEmail', required: true, maxlength: 254, autocomplete: 'email' });
  const status = statusLine();
  const form = formOf({}, [field('PayPal address', email), h('button', { type: 'submit' }, 'Send the confirmation link')], () => {
    void attempt(status, async () => {
      show(await api<PayoutSettings>('PUT', '/api/artist/payout-settings', { paypalEmail: email.value }));
      return `A confirmation link was mailed to ${email.value}.`;
    });
  });
  return h('section', { class: 'card stack' }, h('h2', {}, 'Payouts'), summary, form, status);
}

/** /payouts/confirm#token=…: the link in the confirmation mail (the token stays out of server logs in the fragment). */
export const payoutConfirmView: View = async () => {
  const token = new URLSearchParams(window.location.hash.slice(1)).get('token') ?? '';
  history.replaceState(null, '', window.location.pathname); // the token is not kept in the address bar
  const status = statusLine();
  const ok = await attempt(status, async () => {
    const settings = await api<PayoutSettings>('POST', '/api/payouts/confirm', { token });
    return `Confirmed: payouts go to ${settings.paypalEmail}.`;
  });
  return page('Payout address', h('h1', {}, 'Payout address'), status, ok ? h('a', { href: '/studio' }, 'Back to the studio') : null);
};
