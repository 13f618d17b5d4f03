import { deleteStaleMagicLinks } from '../db/repos/magic-links.repo';
import { deleteExpiredSessions } from '../db/repos/sessions.repo';
import { deleteExpiredChallenges } from '../db/repos/webauthn-challenges.repo';
import type { ServiceDeps } from './deps';

export interface CleanupResult {
  sessions: number;
  magicLinks: number;
  challenges: number;
}

/** Deletes expired sessions, dead sign-in links and expired WebAuthn challenges. */
export async function deleteExpired(deps: Pick<ServiceDeps, 'db' | 'clock'>): Promise<CleanupResult> {
  const now = deps.clock();
  return {
    sessions: await deleteExpiredSessions(deps.db, now),
    magicLinks: await deleteStaleMagicLinks(deps.db, now),
    challenges: await deleteExpiredChallenges(deps.db, now),
  };
}
