import { camelColumns } from '../columns';
import { firstRow, type Queryable } from '../pool';

export interface PayoutAccount {
  artistUserId: number;
  paypalEmail: string | null;
  confirmedAt: Date | null;
  pendingEmail: string | null;
  tokenExpiresAt: Date | null;
}

const COLUMNS = camelColumns('artist_user_id, paypal_email, confirmed_at, pending_email, token_expires_at');

export function findPayoutAccount(db: Queryable, artistUserId: number): Promise<PayoutAccount | undefined> {
  return firstRow<PayoutAccount>(db, `SELECT ${COLUMNS} FROM payout_accounts WHERE artist_user_id = $1`, [artistUserId]);
}

/** Asks for a new address (replacing any earlier request): it waits for its confirmation token. */
export async function requestPayoutEmail(
  db: Queryable,
  request: { artistUserId: number; email: string; tokenHash: string; expiresAt: Date },
): Promise<void> {
  await db.query(
    `INSERT INTO payout_accounts (artist_user_id, pending_email, token_hash, token_expires_at) VALUES ($1, $2, $3, $4)
     ON CONFLICT (artist_user_id) DO UPDATE SET pending_email = EXCLUDED.pending_email, token_hash = EXCLUDED.token_hash,
       token_expires_at = EXCLUDED.token_expires_at, updated_at = CURRENT_TIMESTAMP`,
    [request.artistUserId, request.email, request.tokenHash, request.expiresAt],
  );
}

/** Confirms the address a live token was sent to (the token works once); the account, or undefined for an unknown or expired token. */
export function confirmPayoutEmail(db: Queryable, tokenHash: string, now: Date): Promise<PayoutAccount | undefined> {
  return firstRow<PayoutAccount>(
    db,
    `UPDATE payout_accounts SET paypal_email = pending_email, confirmed_at = $2, pending_email = NULL, token_hash = NULL,
       token_expires_at = NULL, updated_at = CURRENT_TIMESTAMP
     WHERE token_hash = $1 AND token_expires_at > $2
     RETURNING ${COLUMNS}`,
    [tokenHash, now],
  );
}
