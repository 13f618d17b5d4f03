import type { Role } from '../db/repos/users.repo';
import { forbidden, unauthorized } from '../lib/errors';

/** Who is acting: the signed-in user behind a request, a script, or a test. */
export interface Actor {
  userId: number;
  role: Role;
}

/** The actor, or a 401 when there is none. */
export function requireSignedIn(actor: Actor | undefined): Actor {
  if (!actor) throw unauthorized();
  return actor;
}

/** Whether the actor may manage this track: its own artist, or an admin. */
export function mayManageTrack(actor: Actor | undefined, track: { artistUserId: number | null }): boolean {
  return actor !== undefined && (actor.role === 'admin' || track.artistUserId === actor.userId);
}

/** The actor if it holds one of `roles`: 401 when signed out, 403 otherwise. */
export function requireRole(actor: Actor | undefined, ...roles: Role[]): Actor {
  const signedIn = requireSignedIn(actor);
  if (!roles.includes(signedIn.role)) throw forbidden();
  return signedIn;
}

/** Whose things a studio list shows: an artist's own (their id), an admin's everyone's (undefined). 401/403 for others. */
export function managementScope(actor: Actor | undefined): number | undefined {
  const me = requireRole(actor, 'artist', 'admin');
  return me.role === 'admin' ? undefined : me.userId;
}
