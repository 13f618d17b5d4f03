import { api } from './api.js';
import type { User } from './types.js';

/**
 * Passkey ceremonies: options from the server (base64url fields) →
 * navigator.credentials → the credential back to the server as JSON.
 */

function toBuffer(b64url: string): ArrayBuffer {
  const b64 = b64url
    .replace(/-/g, '+')
    .replace(/_/g, '/')
    .padEnd(Math.ceil(b64url.length / 4) * 4, '=');
  const bin = atob(b64);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  return bytes.buffer;
}

function toB64url(buffer: ArrayBuffer): string {
  let bin = '';
  for (const byte of new Uint8Array(buffer)) bin += String.fromCharCode(byte);
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

interface Descriptor {
  id: string;
  type: 'public-key';
  transports?: AuthenticatorTransport[];
}
const descriptors = (list: Descriptor[] | undefined) => (list ?? []).map((c) => ({ ...c, id: toBuffer(c.id) }));

/** A credential as the server's JSON schema wants it; `response` holds the ceremony's own fields. */
function credentialJson(cred: PublicKeyCredential, response: Record<string, unknown>) {
  return {
    id: cred.id,
    rawId: toB64url(cred.rawId),
    type: cred.type,
    clientExtensionResults: cred.getClientExtensionResults(),
    authenticatorAttachment: cred.authenticatorAttachment ?? undefined,
    response,
  };
}

export const passkeysSupported = () => typeof window.PublicKeyCredential === 'function';

/** Adds a passkey to the signed-in account; resolves with it as the server stored it. */
export async function registerPasskey(name: string): Promise<{ id: number; name: string }> {
  const o = await api<
    PublicKeyCredentialCreationOptions & {
      challenge: string;
      user: { id: string; name: string; displayName: string };
      excludeCredentials?: Descriptor[];
    }
  >('POST', '/api/auth/passkeys/registration/options');
  const cred = (await navigator.credentials.create({
    publicKey: {
      ...o,
      challenge: toBuffer(o.challenge),
      user: { ...o.user, id: toBuffer(o.user.id) },
      excludeCredentials: descriptors(o.excludeCredentials),
    },
  })) as PublicKeyCredential | null;
  if (!cred) throw new Error('No passkey was created.');
  const response = cred.response as AuthenticatorAttestationResponse;
  const { passkey } = await api<{ passkey: { id: number; name: string } }>('POST', '/api/auth/passkeys/registration/verify', {
    name,
    response: credentialJson(cred, {
      clientDataJSON: toB64url(response.clientDataJSON),
      attestationObject: toB64url(response.attestationObject),
      transports: response.getTransports?.() ?? [],
    }),
  });
  return passkey;
}

/** Signs in with any passkey this browser holds for the store (no address typed). */
export async function signInWithPasskey(): Promise<User> {
  const o = await api<PublicKeyCredentialRequestOptions & { challenge: string; allowCredentials?: Descriptor[] }>(
    'POST',
    '/api/auth/passkeys/authentication/options',
  );
  const cred = (await navigator.credentials.get({
    publicKey: { ...o, challenge: toBuffer(o.challenge), allowCredentials: descriptors(o.allowCredentials) },
  })) as PublicKeyCredential | null;
  if (!cred) throw new Error('No passkey was chosen.');
  const response = cred.response as AuthenticatorAssertionResponse;
  const { user } = await api<{ user: User }>('POST', '/api/auth/passkeys/authentication/verify', {
    response: credentialJson(cred, {
      clientDataJSON: toB64url(response.clientDataJSON),
      authenticatorData: toB64url(response.authenticatorData),
      signature: toB64url(response.signature),
      userHandle: response.userHandle ? toB64url(response.userHandle) : undefined,
    }),
  });
  return user;
}
