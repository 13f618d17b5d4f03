import type { Queryable } from '../pool';

/**
 * Everything the store holds about a person, as plain JSON values (column
 * names in camelCase, instants as ISO strings): what GET /api/me/export
 * hands its owner. Secrets are left out — session token hashes, passkeys'
 * public keys, codes' sealed text — and so is what belongs to others (an
 * artist's own records of their sales are in their studio, not here).
 */
export async function accountExport(db: Queryable, userId: number): Promise<Record<string, unknown>> {
  const { rows } = await db.query<{ data: Record<string, unknown> }>(
    `SELECT jsonb_build_object(
       'profile', (SELECT jsonb_build_object('id', u.id, 'email', u.email, 'username', u.username, 'displayName', u.display_name,
                     'role', u.role, 'isActive', u.is_active, 'createdAt', u.created_at, 'lastLogin', u.last_login,
                     'saleMail', u.sale_mail)
                   FROM users u WHERE u.id = $1),
       'artistProfile', (SELECT jsonb_build_object('slug', p.slug, 'bio', p.bio, 'location', p.location, 'links', p.links)
                         FROM artist_profiles p WHERE p.user_id = $1),
       'payoutAccount', (SELECT jsonb_build_object('paypalEmail', a.paypal_email, 'confirmedAt', a.confirmed_at, 'pendingEmail', a.pending_email)
                         FROM payout_accounts a WHERE a.artist_user_id = $1),
       'passkeys', COALESCE((SELECT jsonb_agg(jsonb_build_object('name', c.name, 'deviceType', c.device_type, 'backedUp', c.backed_up,
                     'transports', c.transports, 'createdAt', c.created_at, 'lastUsed', c.last_used) ORDER BY c.id)
                   FROM webauthn_credentials c WHERE c.user_id = $1), '[]'::jsonb),
       'sessions', COALESCE((SELECT jsonb_agg(jsonb_build_object('createdAt', s.created_at, 'lastUsedAt', s.last_used_at,
                     'expiresAt', s.expires_at, 'ipAddress', host(s.ip_address), 'userAgent', s.user_agent) ORDER BY s.id)
                   FROM sessions s WHERE s.user_id = $1), '[]'::jsonb),
       'orders', COALESCE((SELECT jsonb_agg(jsonb_build_object('id', o.id, 'createdAt', o.created_at, 'status', o.status,
                     'amount', o.amount::text, 'currency', o.currency, 'description', o.description, 'payerEmail', o.paypal_payer_email,
                     'paypalOrderId', o.paypal_order_id, 'completedAt', o.completed_at, 'refundedAt', o.refunded_at,
                     'buyerCountry', o.buyer_country, 'giftEmail', o.gift_email, 'giftMessage', o.gift_message,
                     'items', (SELECT COALESCE(jsonb_agg(jsonb_build_object('trackId', i.track_id, 'releaseId', i.release_id, 'price', i.price::text,
                                 'licenseType', i.license_type) ORDER BY i.id), '[]'::jsonb)
                               FROM order_items i WHERE i.order_id = o.id)) ORDER BY o.id)
                   FROM orders o WHERE o.user_id = $1), '[]'::jsonb),
       'purchases', COALESCE((SELECT jsonb_agg(jsonb_build_object('trackId', p.track_id, 'releaseId', p.release_id, 'orderId', p.order_id,
                     'licenseType', p.license_type, 'purchasedAt', p.purchased_at, 'expiresAt', p.expires_at, 'revokedAt', p.revoked_at,
                     'viaCode', p.download_code_id IS NOT NULL) ORDER BY p.id)
                   FROM purchases p WHERE p.user_id = $1), '[]'::jsonb),
       'plays', COALESCE((SELECT jsonb_agg(jsonb_build_object('trackId', h.track_id, 'playedAt', h.played_at,
                     'secondsPlayed', h.duration_played_seconds) ORDER BY h.played_at)
                   FROM play_history h WHERE h.user_id = $1), '[]'::jsonb),
       'codes', COALESCE((SELECT jsonb_agg(jsonb_build_object('trackId', d.track_id, 'releaseId', d.release_id, 'redeemedAt', d.redeemed_at,
                     'gift', d.order_id IS NOT NULL) ORDER BY d.redeemed_at)
                   FROM download_codes d WHERE d.redeemed_by = $1), '[]'::jsonb)
     ) AS data`,
    [userId],
  );
  return rows[0]!.data;
}
