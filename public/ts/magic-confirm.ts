// The magic-link confirm page: opening the link consumes nothing (mail
// scanners follow links); the button POSTs the token, which signs in.
import { api, messageOf } from './lib/api.js';
import { returnPath } from './lib/router.js';
import type { User } from './lib/types.js';

const params = new URLSearchParams(window.location.search);
const token = params.get('token');
const email = params.get('email');
// Only a path of this store (the server made the link with one; this keeps a forged link harmless).
const next = returnPath(params.get('next')) ?? '/';
const form = document.getElementById('confirm') as HTMLFormElement;
const button = document.getElementById('confirm-button') as HTMLButtonElement;
const status = document.getElementById('status')!;
// Keep the token out of the address bar and history once read.
window.history.replaceState(null, '', '/auth/magic');

if (!token || !email) {
  button.disabled = true;
  status.textContent = 'This link is incomplete. Ask for a new sign-in link.';
} else {
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    button.disabled = true;
    status.textContent = 'Signing in…';
    try {
      const { user } = await api<{ user: User }>('POST', '/api/auth/magic-link/verify', { token, email });
      status.textContent = `Signed in as ${user.email}.`;
      window.location.assign(next);
    } catch (err) {
      button.disabled = false;
      status.textContent = messageOf(err);
    }
  });
}
