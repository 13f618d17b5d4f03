import type { Tx } from '../pool';

/** What erasing an account left for after the commit: stored files nobody may be offered any more. */
export interface ErasedAccount {
  /** Storage keys: the artist's avatar and their tracks' preview clips. */
  files: string[];
  /** The artist's releases, whose search text must be made again without their name. */
  releaseIds: number[];
}

/** The name an erased artist's tracks carry from now on. */
export const ERASED_ARTIST_NAME = 'Erased artist';
/** What stands where an erased person's address was and a value must remain (a gift's recipient, a payout's receiver). */
const ERASED_ADDRESS = 'erased@erased.invalid';

/** `%…%` patterns matching any of `values` literally. */
const containing = (values: string[]) => values.map((v) => `%${v.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);

/**
 * Erases an account in the caller's transaction. The users row stays (orders,
 * ledger entries, payouts and the audit trail point at it) with a made-up
 * address and username; everything personal goes:
 * - sessions, passkeys, pending challenges, sign-in links, a pending email
 *   change, the payout address, the artist profile: deleted;
 * - listening history: deleted; counted plays stay as anonymous plays;
 * - the user's orders keep amounts, items, status and country (tax records)
 *   but lose PayPal's payer address, the gift address and message, and the
 *   approval link; gifts others sent to the user's address lose the address;
 * - payouts keep amount and PayPal's ids but not the address paid;
 * - stored PayPal webhook payloads about the user's orders or naming any of
 *   their addresses are replaced by `{ "erased": true }`;
 * - an artist's tracks and releases leave the store (soft-deleted, as when
 *   the artist deletes them: buyers keep what they bought) and carry
 *   "Erased artist" instead of the name.
 */
export async function eraseAccount(tx: Tx, userId: number, now: Date): Promise<ErasedAccount> {
  const { rows: found } = await tx.query<{ address: string }>(
    `SELECT lower(email) AS address FROM users WHERE id = $1
     UNION SELECT lower(paypal_payer_email) FROM orders WHERE user_id = $1 AND paypal_payer_email IS NOT NULL
     UNION SELECT lower(paypal_email) FROM payout_accounts WHERE artist_user_id = $1 AND paypal_email IS NOT NULL
     UNION SELECT lower(pending_email) FROM payout_accounts WHERE artist_user_id = $1 AND pending_email IS NOT NULL
     UNION SELECT lower(paypal_email) FROM payout_items WHERE artist_user_id = $1
     UNION SELECT lower(new_email) FROM email_changes WHERE user_id = $1`,
    [userId],
  );
  const addresses = found.map((r) => r.address);
  const { rows: paypalIds } = await tx.query<{ id: string }>(
    `SELECT paypal_order_id AS id FROM orders WHERE user_id = $1 AND paypal_order_id IS NOT NULL
     UNION SELECT transaction_id FROM orders WHERE user_id = $1 AND transaction_id IS NOT NULL`,
    [userId],
  );
  const mentions = containing([...addresses, ...paypalIds.map((r) => r.id)]);
  await tx.query(`UPDATE payment_events SET payload = '{"erased": true}'::jsonb WHERE payload::text ILIKE ANY($1::text[])`, [mentions]);

  // A gift stays a gift (its codes, its refund), addressed to no one any more.
  await tx.query(
    `UPDATE orders SET paypal_payer_email = NULL, gift_message = NULL, approve_url = NULL,
       gift_email = CASE WHEN gift_email IS NULL THEN NULL ELSE $2 END
     WHERE user_id = $1`,
    [userId, ERASED_ADDRESS],
  );
  await tx.query(`UPDATE orders SET gift_email = $2, gift_message = NULL WHERE lower(gift_email) = ANY($1::text[])`, [
    addresses,
    ERASED_ADDRESS,
  ]);
  await tx.query(`UPDATE download_codes SET recipient_email = $2, gift_message = NULL WHERE lower(recipient_email) = ANY($1::text[])`, [
    addresses,
    ERASED_ADDRESS,
  ]);
  await tx.query(`UPDATE payout_items SET paypal_email = $2 WHERE artist_user_id = $1`, [userId, ERASED_ADDRESS]);

  for (const table of ['sessions', 'webauthn_credentials', 'webauthn_challenges', 'magic_link_tokens', 'email_changes', 'play_history']) {
    await tx.query(`DELETE FROM ${table} WHERE user_id = $1`, [userId]);
  }
  await tx.query(`DELETE FROM magic_links WHERE user_id = $1 OR lower(email) = ANY($2::text[])`, [userId, addresses]);
  await tx.query(`DELETE FROM payout_accounts WHERE artist_user_id = $1`, [userId]);
  await tx.query(`UPDATE play_stats SET user_id = NULL, session_id = NULL, listener_key = NULL WHERE user_id = $1`, [userId]);
  await tx.query(
    `UPDATE design_system SET updated_by = 'an erased account' WHERE updated_by = (SELECT username FROM users WHERE id = $1)`,
    [userId],
  );

  await forgetArtistName(tx, userId);

  const { rows: profile } = await tx.query<{ key: string | null }>(
    `DELETE FROM artist_profiles WHERE user_id = $1 RETURNING avatar_filename AS key`,
    [userId],
  );
  const { rows: previews } = await tx.query<{ key: string | null }>(
    `WITH gone AS (
       SELECT id, preview_filename FROM tracks WHERE artist_user_id = $1 FOR UPDATE
     )
     UPDATE tracks t SET artist = $2, is_deleted = true, deleted_at = COALESCE(t.deleted_at, $3), is_published = false,
       preview_filename = NULL, preview_seconds = NULL, preview_size_bytes = NULL
     FROM gone WHERE t.id = gone.id
     RETURNING gone.preview_filename AS key`,
    [userId, ERASED_ARTIST_NAME, now],
  );
  const { rows: releases } = await tx.query<{ id: number }>(
    `UPDATE releases SET is_deleted = true, deleted_at = COALESCE(deleted_at, $2), is_published = false, publish_at = NULL
     WHERE artist_user_id = $1 RETURNING id`,
    [userId, now],
  );

  await tx.query(
    `UPDATE users SET email = 'erased-' || id || '@erased.invalid', username = 'erased_' || id, display_name = NULL,
       password_hash = NULL, webauthn_credential = NULL, webauthn_user_id = NULL, role = 'user', is_active = false,
       erased_at = $2
     WHERE id = $1`,
    [userId, now],
  );
  const files = [...profile, ...previews].map((r) => r.key).filter((key): key is string => key !== null);
  return { files, releaseIds: releases.map((r) => r.id) };
}

/**
 * An artist's name is in the description of orders for their items
 * ("Name – Title") and in PayPal's copies of those orders: it is replaced
 * there, in those orders only (a short name must not be cut out of others').
 */
async function forgetArtistName(tx: Tx, userId: number): Promise<void> {
  const { rows } = await tx.query<{ name: string | null }>('SELECT display_name AS name FROM users WHERE id = $1', [userId]);
  const name = rows[0]?.name;
  if (!name) return;
  const { rows: orders } = await tx.query<{ id: number; paypalOrderId: string | null; transactionId: string | null }>(
    `UPDATE orders o SET description = replace(o.description, $2, $3)
     WHERE o.id IN (SELECT i.order_id FROM order_items i
                    LEFT JOIN tracks t ON t.id = i.track_id LEFT JOIN releases r ON r.id = i.release_id
                    WHERE t.artist_user_id = $1 OR r.artist_user_id = $1)
     RETURNING o.id, o.paypal_order_id AS "paypalOrderId", o.transaction_id AS "transactionId"`,
    [userId, name, ERASED_ARTIST_NAME],
  );
  const ids = orders.flatMap((o) => [o.paypalOrderId, o.transactionId]).filter((id): id is string => id !== null);
  if (ids.length === 0) return;
  // The name as it is written inside JSON text (quotes and backslashes escaped).
  const inJson = (text: string) => JSON.stringify(text).slice(1, -1);
  await tx.query(
    `UPDATE payment_events SET payload = replace(payload::text, $2, $3)::jsonb
     WHERE payload::text ILIKE ANY($1::text[]) AND strpos(payload::text, $2) > 0`,
    [containing(ids), inJson(name), inJson(ERASED_ARTIST_NAME)],
  );
}
