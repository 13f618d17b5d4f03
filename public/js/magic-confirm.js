// The magic-link confirm page: opening the link consumes nothing (mail
// scanners follow links); this button POSTs the token, which signs in.
(function () {
  'use strict';
  var params = new URLSearchParams(window.location.search);
  var token = params.get('token');
  var email = params.get('email');
  var form = document.getElementById('confirm');
  var button = document.getElementById('confirm-button');
  var status = document.getElementById('status');
  // Keep the token out of the address bar and history once read.
  window.history.replaceState(null, '', '/auth/magic');

  if (!token || !email) {
    button.disabled = true;
    status.textContent = 'This link is incomplete. Ask for a new sign-in link.';
    return;
  }

  form.addEventListener('submit', function (event) {
    event.preventDefault();
    button.disabled = true;
    status.textContent = 'Signing in…';
    fetch('/api/auth/magic-link/verify', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      credentials: 'same-origin',
      body: JSON.stringify({ token: token, email: email }),
    })
      .then(function (res) {
        return res.json().then(function (body) {
          return { ok: res.ok, body: body };
        });
      })
      .then(function (result) {
        if (result.ok) {
          status.textContent = 'Signed in as ' + result.body.user.email + '.';
          window.location.assign('/');
        } else {
          status.textContent = result.body.error ? result.body.error.message : 'Sign-in failed.';
        }
      })
      .catch(function () {
        button.disabled = false;
        status.textContent = 'The store could not be reached. Try again.';
      });
  });
})();
