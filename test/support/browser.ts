import { chromium, type Browser } from 'playwright-core';
import { toolAvailable } from './require-tool';

export const CHROMIUM = '/usr/bin/chromium';

/** Whether Debian's Chromium is here; in CI its absence fails instead (see toolAvailable). */
export const haveChromium = () => toolAvailable(CHROMIUM, 'apt-get install chromium');

/**
 * Headless Debian Chromium. The network flags keep it from calling out (the
 * machines have no network beyond the package registries); `localhost` is
 * pinned to 127.0.0.1, where the test servers listen.
 */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--host-resolver-rules=MAP localhost 127.0.0.1',
      '--autoplay-policy=no-user-gesture-required',
    ],
  });
}

/**
 * Browser-side helpers installed into test pages: the WebAuthn ceremonies as
 * the front end performs them (options from the API → navigator.credentials
 * → response to the API), with base64url conversions.
 */
export const WEBAUTHN_PAGE_HELPERS = `
(() => {
  const toBuf = (s) => {
    s = s.replace(/-/g, '+').replace(/_/g, '/');
    while (s.length % 4) s += '=';
    const bin = atob(s);
    const out = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
    return out.buffer;
  };
  const toB64url = (buf) => {
    const bytes = new Uint8Array(buf);
    let s = '';
    for (const b of bytes) s += String.fromCharCode(b);
    return btoa(s).replace(/\\+/g, '-').replace(/\\//g, '_').replace(/=+$/, '');
  };
  const post = async (url, body) => {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  };
  window.registerPasskey = async (name) => {
    const options = await post('/api/auth/passkeys/registration/options');
    if (options.status !== 200) return options;
    const o = options.body;
    let cred;
    try {
      cred = await navigator.credentials.create({
        publicKey: {
          ...o,
          challenge: toBuf(o.challenge),
          user: { ...o.user, id: toBuf(o.user.id) },
          excludeCredentials: (o.excludeCredentials || []).map((c) => ({ ...c, id: toBuf(c.id) })),
        },
      });
    } catch (e) {
      return { status: 0, error: e.name };
    }
    return post('/api/auth/passkeys/registration/verify', {
      name,
      response: {
        id: cred.id,
        rawId: toB64url(cred.rawId),
        type: cred.type,
        clientExtensionResults: cred.getClientExtensionResults(),
        authenticatorAttachment: cred.authenticatorAttachment || undefined,
        response: {
          clientDataJSON: toB64url(cred.response.clientDataJSON),
          attestationObject: toB64url(cred.response.attestationObject),
          transports: cred.response.getTransports ? cred.response.getTransports() : [],
        },
      },
    });
  };
  window.signInWithPasskey = async () => {
    const options = await post('/api/auth/passkeys/authentication/options');
    if (options.status !== 200) return options;
    const o = options.body;
    let cred;
    try {
      cred = await navigator.credentials.get({
        publicKey: { ...o, challenge: toBuf(o.challenge), allowCredentials: (o.allowCredentials || []).map((c) => ({ ...c, id: toBuf(c.id) })) },
      });
    } catch (e) {
      return { status: 0, error: e.name };
    }
    return post('/api/auth/passkeys/authentication/verify', {
      response: {
        id: cred.id,
        rawId: toB64url(cred.rawId),
        type: cred.type,
        clientExtensionResults: cred.getClientExtensionResults(),
        authenticatorAttachment: cred.authenticatorAttachment || undefined,
        response: {
          clientDataJSON: toB64url(cred.response.clientDataJSON),
          authenticatorData: toB64url(cred.response.authenticatorData),
          signature: toB64url(cred.response.signature),
          userHandle: cred.response.userHandle ? toB64url(cred.response.userHandle) : undefined,
        },
      },
    });
  };
  window.api = async (method, url, body) => {
    const res = await fetch(url, { method, headers: body ? { 'Content-Type': 'application/json' } : {}, body: body ? JSON.stringify(body) : undefined });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  };
})();
`;
