import crypto from 'node:crypto';
import {
  generateAuthenticationOptions,
  generateRegistrationOptions,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
  type AuthenticationResponseJSON,
  type PublicKeyCredentialCreationOptionsJSON,
  type PublicKeyCredentialRequestOptionsJSON,
  type RegistrationResponseJSON,
} from '@simplewebauthn/server';
import { withTransaction } from '../../db/pool';
import { consumeChallenge, insertChallenge, type ChallengeFlow } from '../../db/repos/webauthn-challenges.repo';
import {
  deletePasskey,
  findPasskeyByCredentialId,
  insertPasskey,
  listPasskeysOfUser,
  recordPasskeyUse,
  renamePasskey,
  type Passkey,
} from '../../db/repos/webauthn-credentials.repo';
import { ensureWebauthnUserId, findUserById, recordLogin, type User } from '../../db/repos/users.repo';
import { accountDisabled, fail, userNotFound } from '../../lib/errors';
import { requireSignedIn, type Actor } from '../actor';
import { addMinutes } from '../../lib/clock';
import type { RequestMeta, ServiceDeps } from '../deps';
import { startSession, type NewSession } from './sessions.service';

/**
 * Passkeys (WebAuthn) with @simplewebauthn/server. Challenges are kept in
 * PostgreSQL, single use, five minutes, bound to their flow (and, for
 * registration, to the user who asked). User verification is required, and
 * a signature counter that does not increase is refused. The relying party
 * is APP_ORIGIN: its hostname is the RP ID, the origin itself the only
 * accepted origin.
 */

const CHALLENGE_MINUTES = 5;
const RP_NAME = 'Song-Nexus';

const relyingParty = (deps: ServiceDeps) => ({ rpID: new URL(deps.config.appOrigin).hostname, origin: deps.config.appOrigin });

const verificationFailed = () => fail('passkey_verification_failed');

/** What a response must have been made for: this challenge, this store's origin and relying party. */
const expected = (deps: ServiceDeps, challenge: string) => {
  const { rpID, origin } = relyingParty(deps);
  return { expectedChallenge: challenge, expectedOrigin: origin, expectedRPID: rpID };
};

/** The challenge a browser signed, read from its clientDataJSON. */
function signedChallenge(clientDataJSON: string): string {
  try {
    const data = JSON.parse(Buffer.from(clientDataJSON, 'base64url').toString('utf8')) as { challenge?: unknown };
    if (typeof data.challenge === 'string' && data.challenge.length > 0 && data.challenge.length <= 128) return data.challenge;
  } catch {
    // fall through
  }
  throw fail('passkey_invalid_response');
}

async function takeChallenge(deps: ServiceDeps, clientDataJSON: string, flow: ChallengeFlow, userId: number | null) {
  const challenge = signedChallenge(clientDataJSON);
  const ok = await consumeChallenge(deps.db, { challenge, flow, userId, now: deps.clock() });
  if (!ok) throw fail('passkey_challenge_invalid', { message: 'This passkey request has expired or was already used. Try again.' });
  return challenge;
}

/** Options for registering a new passkey on the signed-in account. */
export async function registrationOptions(deps: ServiceDeps, actor: Actor | undefined): Promise<PublicKeyCredentialCreationOptionsJSON> {
  const me = requireSignedIn(actor);
  const user = await findUserById(deps.db, me.userId);
  if (!user) throw userNotFound();
  const handle = await ensureWebauthnUserId(deps.db, user.id, crypto.randomBytes(32).toString('base64url'));
  const existing = await listPasskeysOfUser(deps.db, user.id);
  const options = await generateRegistrationOptions({
    rpName: RP_NAME,
    rpID: relyingParty(deps).rpID,
    userName: user.email,
    userDisplayName: user.displayName ?? user.username,
    userID: new Uint8Array(Buffer.from(handle, 'base64url')),
    attestationType: 'none',
    excludeCredentials: existing.map((p) => ({ id: p.credentialId, transports: p.transports })),
    authenticatorSelection: { residentKey: 'required', requireResidentKey: true, userVerification: 'required' },
    timeout: CHALLENGE_MINUTES * 60_000,
  });
  await insertChallenge(deps.db, {
    challenge: options.challenge,
    flow: 'registration',
    userId: user.id,
    expiresAt: addMinutes(deps.clock(), CHALLENGE_MINUTES),
  });
  return options;
}

/** Verifies a registration and stores the passkey. */
export async function verifyRegistration(
  deps: ServiceDeps,
  actor: Actor | undefined,
  input: { response: RegistrationResponseJSON; name?: string },
): Promise<Passkey> {
  const me = requireSignedIn(actor);
  const challenge = await takeChallenge(deps, input.response.response.clientDataJSON, 'registration', me.userId);
  let verification;
  try {
    verification = await verifyRegistrationResponse({
      response: input.response,
      ...expected(deps, challenge),
      requireUserVerification: true,
    });
  } catch {
    throw verificationFailed();
  }
  if (!verification.verified) throw verificationFailed();
  const info = verification.registrationInfo;
  const count = (await listPasskeysOfUser(deps.db, me.userId)).length;
  return insertPasskey(deps.db, {
    userId: me.userId,
    credentialId: info.credential.id,
    publicKey: Buffer.from(info.credential.publicKey),
    counter: info.credential.counter,
    transports: info.credential.transports ?? input.response.response.transports ?? [],
    deviceType: info.credentialDeviceType,
    backedUp: info.credentialBackedUp,
    name: input.name ?? `Passkey ${count + 1}`,
  });
}

/** Options for signing in with a discoverable passkey (no email typed). */
export async function authenticationOptions(deps: ServiceDeps): Promise<PublicKeyCredentialRequestOptionsJSON> {
  const options = await generateAuthenticationOptions({
    rpID: relyingParty(deps).rpID,
    userVerification: 'required',
    timeout: CHALLENGE_MINUTES * 60_000,
  });
  await insertChallenge(deps.db, {
    challenge: options.challenge,
    flow: 'authentication',
    userId: null,
    expiresAt: addMinutes(deps.clock(), CHALLENGE_MINUTES),
  });
  return options;
}

/** Verifies a passkey sign-in and starts a session. */
export async function verifyAuthentication(
  deps: ServiceDeps,
  input: { response: AuthenticationResponseJSON },
  meta: RequestMeta,
): Promise<{ user: User; session: NewSession }> {
  const challenge = await takeChallenge(deps, input.response.response.clientDataJSON, 'authentication', null);
  const passkey = await findPasskeyByCredentialId(deps.db, input.response.id);
  if (!passkey) throw fail('passkey_unknown', { message: 'This passkey is not registered here (it may have been removed).' });
  const owner = await findUserById(deps.db, passkey.userId);
  if (!owner) throw verificationFailed();
  const handle = input.response.response.userHandle;
  if (handle !== undefined && handle !== owner.webauthnUserId) throw verificationFailed();
  if (!owner.isActive) throw accountDisabled();
  let verification;
  try {
    verification = await verifyAuthenticationResponse({
      response: input.response,
      ...expected(deps, challenge),
      credential: {
        id: passkey.credentialId,
        publicKey: new Uint8Array(passkey.publicKey),
        counter: passkey.counter,
        transports: passkey.transports,
      },
      requireUserVerification: true,
    });
  } catch {
    // Includes a signature counter that did not increase: a possibly cloned authenticator.
    throw verificationFailed();
  }
  if (!verification.verified) throw verificationFailed();
  const now = deps.clock();
  return withTransaction(deps.db, async (tx) => {
    const recorded = await recordPasskeyUse(tx, passkey.id, passkey.counter, verification.authenticationInfo.newCounter, now);
    if (!recorded) throw verificationFailed(); // another sign-in used this counter value meanwhile
    const user = await recordLogin(tx, owner.id, now);
    return { user, session: await startSession(deps, tx, user.id, meta) };
  });
}

export async function listMyPasskeys(deps: ServiceDeps, actor: Actor | undefined): Promise<Passkey[]> {
  return listPasskeysOfUser(deps.db, requireSignedIn(actor).userId);
}

/** Renames one of the actor's passkeys; another user's is "not found". */
export async function renameMyPasskey(deps: ServiceDeps, actor: Actor | undefined, id: number, name: string): Promise<Passkey> {
  const passkey = await renamePasskey(deps.db, id, requireSignedIn(actor).userId, name);
  if (!passkey) throw fail('passkey_not_found', { message: 'No such passkey on your account.' });
  return passkey;
}

export async function deleteMyPasskey(deps: ServiceDeps, actor: Actor | undefined, id: number): Promise<void> {
  if (!(await deletePasskey(deps.db, id, requireSignedIn(actor).userId))) {
    throw fail('passkey_not_found', { message: 'No such passkey on your account.' });
  }
}
