import type { ApiPasskey, ApiUser } from '../contract/api';
import type { User } from '../db/repos/users.repo';
import type { Passkey } from '../db/repos/webauthn-credentials.repo';

/** The fields of a user that leave the server (never hashes or handles). */
export function presentUser(user: User): ApiUser {
  return {
    id: user.id,
    email: user.email,
    username: user.username,
    displayName: user.displayName,
    role: user.role,
    isActive: user.isActive,
    createdAt: user.createdAt.toISOString(),
    lastLogin: user.lastLogin?.toISOString() ?? null,
    erasedAt: user.erasedAt?.toISOString() ?? null,
  };
}

/** A passkey as its owner sees it (never the public key or the raw counter). */
export function presentPasskey(passkey: Passkey): ApiPasskey {
  return {
    id: passkey.id,
    name: passkey.name,
    deviceType: passkey.deviceType,
    backedUp: passkey.backedUp,
    transports: passkey.transports,
    createdAt: passkey.createdAt.toISOString(),
    lastUsed: passkey.lastUsed?.toISOString() ?? null,
  };
}
