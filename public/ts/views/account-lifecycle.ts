import { api } from '../lib/api.js';
import { attempt, field, formOf, h, page, statusLine, type StatusLine } from '../lib/dom.js';
import { navigate, type View } from '../lib/router.js';
import { setUser } from '../lib/session.js';
import type { User } from '../lib/types.js';

/** The account page's sections about the account itself: its address, a copy of its data, its erasure. */
export function accountLifecycleSections(user: User, status: StatusLine): HTMLElement[] {
  const email = h('input', { type: 'email', required: true, maxlength: 254, autocomplete: 'email' });
  const change = formOf({ class: 'row' }, [field('New address', email), h('button', { type: 'submit' }, 'Change address')], () => {
    void attempt(status, async () => {
      await api('POST', '/api/me/email', { email: email.value.trim() });
      return `A link to confirm went to ${email.value.trim()}; your address changes when it is opened.`;
    });
  });

  const confirmEmail = h('input', { type: 'email', required: true, maxlength: 254, autocomplete: 'off' });
  const erase = formOf(
    { class: 'row' },
    [field('Type your address to confirm', confirmEmail), h('button', { type: 'submit', class: 'danger' }, 'Delete my account')],
    () => {
      if (!confirm('Delete your account for good? You lose what you bought; this cannot be undone.')) return;
      void attempt(status, async () => {
        await api('DELETE', '/api/me', { confirmEmail: confirmEmail.value.trim() });
        setUser(null);
        navigate('/');
        return 'Your account is deleted.';
      });
    },
  );
  const deletion =
    user.role === 'artist'
      ? h('p', {}, 'An artist account holds a catalogue and earnings: ask the store’s admin to delete it.')
      : h(
          'div',
          {},
          h(
            'p',
            {},
            'Your sessions, passkeys, history and personal details are erased; orders stay, without your name or address, for the accounts.',
          ),
          erase,
        );

  return [
    h('section', {}, h('h2', {}, 'Address'), h('p', {}, 'You sign in with ', h('strong', {}, user.email), '.'), change),
    h(
      'section',
      {},
      h('h2', {}, 'Your data'),
      h('p', {}, 'Everything the store holds about you — profile, passkeys, orders, purchases, plays, codes — as one JSON file.'),
      h('a', { href: '/api/me/export', download: '', class: 'button secondary' }, 'Download my data'),
    ),
    h('section', {}, h('h2', {}, 'Delete account'), deletion),
  ];
}

/** /account/email#token=…: the link in the mail to a new address (the token stays out of server logs in the fragment). */
export const emailConfirmView: View = async () => {
  const token = new URLSearchParams(window.location.hash.slice(1)).get('token') ?? '';
  history.replaceState(null, '', window.location.pathname);
  const status = statusLine();
  const ok = await attempt(status, async () => {
    const { email } = await api<{ email: string }>('POST', '/api/auth/email-change/confirm', { token });
    return `Done: your account signs in with ${email} from now on.`;
  });
  return page('New address', h('h1', {}, 'New address'), status, ok ? h('a', { href: '/account' }, 'Your account') : null);
};
