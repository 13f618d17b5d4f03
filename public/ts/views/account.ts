import { api, messageOf } from '../lib/api.js';
import { attempt, field, h, page, replace, statusLine, type StatusLine } from '../lib/dom.js';
import { date } from '../lib/format.js';
import { navigate, returnPath, type View } from '../lib/router.js';
import { currentUser, setUser, signOut } from '../lib/session.js';
import type { User } from '../lib/types.js';
import { passkeysSupported, registerPasskey, signInWithPasskey } from '../lib/webauthn.js';
import { accountLifecycleSections } from './account-lifecycle.js';

/** Sign in by magic link ("check your mail") or with a passkey. */
export const signInView: View = async (_params, q) => {
  if (currentUser()) {
    navigate('/account', { replace: true });
    return { title: 'Account', content: h('p', {}, 'Already signed in.') };
  }
  const email = h('input', { type: 'email', name: 'email', required: true, autocomplete: 'email webauthn', maxlength: 254 });
  const status = statusLine();
  const send = h('button', { type: 'submit' }, 'Email me a sign-in link');
  const form = h(
    'form',
    { class: 'stack' },
    field('Email address', email, 'We send a link that signs you in; no password needed.'),
    send,
    status,
  );
  const panel = h('div', { class: 'card' }, h('h1', {}, 'Sign in'), form);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    send.disabled = true;
    status.say('Sending…');
    try {
      await api('POST', '/api/auth/magic-link', { email: email.value.trim(), next: returnPath(q.get('next')) });
      replace(
        panel,
        h('h1', {}, 'Check your mail'),
        h(
          'p',
          { class: 'check-mail' },
          'If ',
          h('strong', {}, email.value.trim()),
          ' can receive mail, a sign-in link is on its way. It works for 15 minutes, once.',
        ),
        h('p', {}, 'Open it on this device, then press “Sign in” on the page it opens.'),
        h('button', { type: 'button', class: 'secondary', onclick: () => navigate('/signin') }, 'Use another address'),
      );
    } catch (err) {
      send.disabled = false;
      status.say(messageOf(err), 'error');
    }
  });

  const passkeyStatus = statusLine();
  const passkey = h('button', { type: 'button', class: 'secondary' }, 'Sign in with a passkey');
  passkey.addEventListener('click', async () => {
    passkeyStatus.say('Waiting for your passkey…');
    try {
      setUser(await signInWithPasskey());
      navigate(returnPath(q.get('next')) ?? '/');
    } catch (err) {
      passkeyStatus.say(err instanceof DOMException ? 'No passkey was used. Try again or use the email link.' : messageOf(err), 'error');
    }
  });
  if (passkeysSupported()) panel.append(h('div', { class: 'or' }, h('span', {}, 'or')), passkey, passkeyStatus);
  return { title: 'Sign in — Song-Nexus', content: panel };
};

interface Passkey {
  id: number;
  name: string;
  createdAt: string;
  lastUsed: string | null;
  backedUp: boolean;
}

function passkeyRow(key: Passkey, refresh: () => void, status: StatusLine): HTMLElement {
  const name = h('input', { type: 'text', value: key.name, maxlength: 100, 'aria-label': `Name of passkey ${key.name}` });
  const rename = h('button', { type: 'button', class: 'secondary' }, 'Rename');
  rename.addEventListener('click', () =>
    attempt(status, async () => {
      await api('PATCH', `/api/me/passkeys/${key.id}`, { name: name.value.trim() });
      return 'Passkey renamed.';
    }),
  );
  const remove = h('button', { type: 'button', class: 'danger' }, 'Remove');
  remove.addEventListener('click', async () => {
    if (!confirm(`Remove the passkey “${key.name}”? It will no longer sign you in.`)) return;
    const removed = await attempt(status, async () => {
      await api('DELETE', `/api/me/passkeys/${key.id}`);
      return 'Passkey removed.';
    });
    if (removed) refresh();
  });
  return h(
    'li',
    { class: 'row' },
    name,
    h(
      'small',
      {},
      `added ${date(key.createdAt)}`,
      key.lastUsed ? ` · last used ${date(key.lastUsed)}` : ' · never used',
      key.backedUp ? ' · synced' : '',
    ),
    rename,
    remove,
  );
}

/** The account: passkeys (add, rename, remove), becoming an artist, signing out. */
export const accountView: View = async () => {
  const user = currentUser();
  if (!user) {
    navigate('/signin?next=/account', { replace: true });
    return { title: 'Sign in', content: h('p', {}, 'Sign in first.') };
  }
  const status = statusLine();
  const list = h('ul', { class: 'rows', 'aria-label': 'Your passkeys' });
  const refresh = async () => {
    const { passkeys } = await api<{ passkeys: Passkey[] }>('GET', '/api/me/passkeys');
    replace(
      list,
      passkeys.length
        ? passkeys.map((k) => passkeyRow(k, () => void refresh(), status))
        : h('li', { class: 'empty' }, 'No passkeys yet. Add one to sign in without email.'),
    );
  };
  await refresh();

  const newName = h('input', { type: 'text', value: 'This device', maxlength: 100 });
  const add = h('button', { type: 'button' }, 'Add a passkey');
  add.addEventListener('click', async () => {
    status.say('Follow your browser’s prompt…');
    try {
      await registerPasskey(newName.value.trim() || 'Passkey');
      status.say('Passkey added. You can now sign in with it.', 'ok');
      await refresh();
    } catch (err) {
      status.say(err instanceof DOMException ? 'No passkey was created.' : messageOf(err), 'error');
    }
  });

  const artistSection = user.role === 'user' ? becomeArtist(user, status) : null;
  const out = h('button', { type: 'button', class: 'secondary' }, 'Sign out');
  out.addEventListener('click', async () => {
    await signOut();
    navigate('/');
  });
  const everywhere = h('button', { type: 'button', class: 'danger' }, 'Sign out everywhere');
  everywhere.addEventListener('click', async () => {
    if (!confirm('Sign out on every device, this one included?')) return;
    await signOut(true);
    navigate('/');
  });

  return page(
    'Your account',
    h('h1', {}, 'Your account'),
    h('p', {}, 'Signed in as ', h('strong', {}, user.email), ` (${user.role}).`),
    status,
    h('h2', {}, 'Passkeys'),
    list,
    passkeysSupported()
      ? h('div', { class: 'row' }, field('Name for the new passkey', newName), add)
      : h('p', {}, 'This browser cannot use passkeys.'),
    artistSection,
    h('h2', {}, 'Sessions'),
    h('div', { class: 'actions' }, out, everywhere),
    accountLifecycleSections(user, status),
  );
};

function becomeArtist(user: User, status: StatusLine): HTMLElement {
  const name = h('input', { type: 'text', required: true, maxlength: 100, value: user.displayName ?? '' });
  const form = h('form', { class: 'row' }, field('Artist name', name), h('button', { type: 'submit' }, 'Become an artist'));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    try {
      const { user: updated } = await api<{ user: User }>('POST', '/api/me/artist', { displayName: name.value.trim() });
      setUser(updated);
      navigate('/studio');
    } catch (err) {
      status.say(messageOf(err), 'error');
    }
  });
  return h(
    'section',
    {},
    h('h2', {}, 'Sell your music'),
    h('p', {}, 'Artists upload tracks, set prices and see their plays and revenue.'),
    form,
  );
}
