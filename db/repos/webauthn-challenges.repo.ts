import type { Queryable } from '../pool';

export type ChallengeFlow = 'registration' | 'authentication';

export async function insertChallenge(
  db: Queryable,
  c: { challenge: string; flow: ChallengeFlow; userId: number | null; expiresAt: Date },
): Promise<void> {
  await db.query('INSERT INTO webauthn_challenges (challenge, flow, user_id, expires_at) VALUES ($1, $2, $3, $4)', [
    c.challenge,
    c.flow,
    c.userId,
    c.expiresAt,
  ]);
}

/**
 * Deletes and returns the challenge if it belongs to this flow (and, for
 * registration, this user) and has not expired: single use by construction.
 */
export async function consumeChallenge(
  db: Queryable,
  c: { challenge: string; flow: ChallengeFlow; userId: number | null; now: Date },
): Promise<boolean> {
  const { rowCount } = await db.query(
    `DELETE FROM webauthn_challenges
     WHERE challenge = $1 AND flow = $2 AND user_id IS NOT DISTINCT FROM $3 AND expires_at > $4`,
    [c.challenge, c.flow, c.userId, c.now],
  );
  return rowCount === 1;
}

export async function deleteExpiredChallenges(db: Queryable, now: Date): Promise<number> {
  const { rowCount } = await db.query('DELETE FROM webauthn_challenges WHERE expires_at <= $1', [now]);
  return rowCount ?? 0;
}
