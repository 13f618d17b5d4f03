import { useTestDatabase } from '../support/db';
import { buildTrack, buildUser } from '../support/factories';

const db = useTestDatabase();

const SEED_TABLES = [
  'users',
  'tracks',
  'orders',
  'purchases',
  'play_history',
  'play_stats',
  'webauthn_credentials',
  'magic_links',
  'magic_link_tokens',
  'design_system',
];

const SEED_INDEXES = [
  'idx_users_email',
  'idx_magic_links_token',
  'idx_magic_links_user_id',
  'idx_magic_links_expires_at',
  'idx_magic_links_used_at',
  'idx_magic_link_user',
  'idx_magic_link_expires',
  'idx_webauthn_credentials_id',
  'idx_webauthn_credentials_user_id',
  'idx_tracks_published_created_optimized',
  'idx_tracks_published_created',
  'idx_tracks_published_deleted_created',
  'idx_tracks_audio_filename',
  'idx_tracks_genre',
  'idx_tracks_is_deleted',
  'idx_orders_user_id',
  'idx_purchases_user_id',
  'idx_play_history_user_id',
  'idx_play_history_track_id',
  'idx_play_history_played_at',
  'idx_play_stats_user_id',
  'idx_play_stats_track_id',
];

const SEED_UNIQUE_CONSTRAINTS = [
  'users_email_key',
  'users_username_key',
  'tracks_audio_filename_key',
  'orders_paypal_order_id_key',
  'magic_links_token_key',
  'magic_link_tokens_token_key',
  'purchases_user_id_track_id_key',
  'play_history_user_id_track_id_played_at_key',
  'webauthn_credentials_credential_id_key',
];

async function insertOrder(userId: number, status = 'CREATED') {
  const { rows } = await db.pool.query<{ id: number }>(
    `INSERT INTO orders (user_id, paypal_order_id, amount, status) VALUES ($1, $2, '1.98', $3) RETURNING id`,
    [userId, `PP-${Math.random().toString(36).slice(2)}`, status],
  );
  return rows[0]!.id;
}

describe('schema', () => {
  it('has the ten tables of the seed plus sessions and order_items', async () => {
    const { rows } = await db.pool.query<{ table_name: string }>(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'`,
    );
    const names = rows.map((r) => r.table_name);
    expect(names).toEqual(expect.arrayContaining([...SEED_TABLES, 'sessions', 'order_items']));
  });

  it('has the 22 indexes of the seed under their names', async () => {
    const { rows } = await db.pool.query<{ indexname: string }>(
      `SELECT indexname FROM pg_indexes WHERE schemaname = 'public' AND indexname = ANY($1::text[])`,
      [SEED_INDEXES],
    );
    expect(SEED_INDEXES).toHaveLength(22);
    expect(rows.map((r) => r.indexname).sort()).toEqual([...SEED_INDEXES].sort());
  });

  it('has the unique constraints of the seed under their names', async () => {
    const { rows } = await db.pool.query<{ conname: string }>(
      `SELECT conname FROM pg_constraint WHERE contype = 'u' AND conname = ANY($1::text[])`,
      [SEED_UNIQUE_CONSTRAINTS],
    );
    expect(rows.map((r) => r.conname).sort()).toEqual([...SEED_UNIQUE_CONSTRAINTS].sort());
  });

  it('accepts the roles user, artist and admin and rejects any other', async () => {
    for (const role of ['user', 'artist', 'admin'] as const) {
      await expect(buildUser(db.pool, { role })).resolves.toMatchObject({ role });
    }
    await expect(buildUser(db.pool, { role: 'superuser' as never })).rejects.toMatchObject({
      code: '23514',
      constraint: 'users_role_check',
    });
  });

  it('rejects an unknown order status and license type', async () => {
    const user = await buildUser(db.pool);
    await expect(insertOrder(user.id, 'SHIPPED')).rejects.toMatchObject({ code: '23514', constraint: 'orders_status_check' });
    const track = await buildTrack(db.pool);
    await expect(
      db.pool.query(`INSERT INTO purchases (user_id, track_id, license_type) VALUES ($1, $2, 'resale')`, [user.id, track.id]),
    ).rejects.toMatchObject({ code: '23514', constraint: 'purchases_license_type_check' });
  });

  it('stores only SHA-256 hex digests as magic-link tokens', async () => {
    const user = await buildUser(db.pool);
    const insert = (token: string) =>
      db.pool.query(`INSERT INTO magic_links (user_id, email, token, expires_at) VALUES ($1, $2, $3, now() + interval '15 minutes')`, [
        user.id,
        user.email,
        token,
      ]);
    await expect(insert('a-raw-token-that-is-not-a-hash')).rejects.toMatchObject({ code: '23514' });
    await expect(insert('a'.repeat(64))).resolves.toBeDefined();
  });

  it('allows one purchase per user and track', async () => {
    const user = await buildUser(db.pool);
    const track = await buildTrack(db.pool);
    const buy = () => db.pool.query('INSERT INTO purchases (user_id, track_id) VALUES ($1, $2)', [user.id, track.id]);
    await buy();
    await expect(buy()).rejects.toMatchObject({ code: '23505', constraint: 'purchases_user_id_track_id_key' });
  });

  it('cascades a deleted user to their orders, purchases, plays, credentials, links and sessions', async () => {
    const user = await buildUser(db.pool);
    const track = await buildTrack(db.pool);
    const orderId = await insertOrder(user.id);
    await db.pool.query('INSERT INTO purchases (user_id, track_id, order_id) VALUES ($1, $2, $3)', [user.id, track.id, orderId]);
    await db.pool.query('INSERT INTO play_history (user_id, track_id) VALUES ($1, $2)', [user.id, track.id]);
    await db.pool.query('INSERT INTO play_stats (user_id, track_id) VALUES ($1, $2)', [user.id, track.id]);
    await db.pool.query(`INSERT INTO webauthn_credentials (user_id, credential_id, public_key) VALUES ($1, $2, '\\x01')`, [
      user.id,
      `cred-${user.id}`,
    ]);
    await db.pool.query(`INSERT INTO magic_links (user_id, email, token, expires_at) VALUES ($1, $2, $3, now())`, [
      user.id,
      user.email,
      'b'.repeat(64),
    ]);
    await db.pool.query(`INSERT INTO magic_link_tokens (user_id, token, expires_at) VALUES ($1, $2, now())`, [user.id, 'c'.repeat(64)]);
    await db.pool.query(`INSERT INTO sessions (user_id, token_hash, expires_at) VALUES ($1, $2, now())`, [user.id, 'd'.repeat(64)]);

    await db.pool.query(`INSERT INTO webauthn_challenges (challenge, flow, user_id, expires_at) VALUES ($2, 'registration', $1, now())`, [
      user.id,
      `challenge-${user.id}`,
    ]);

    await db.pool.query('DELETE FROM users WHERE id = $1', [user.id]);

    // Every table with a user_id: the seed's (but users, tracks and the theme) and the sign-in departures.
    const tables = [...SEED_TABLES.filter((t) => !['users', 'tracks', 'design_system'].includes(t)), 'sessions', 'webauthn_challenges'];
    for (const table of tables) {
      const { rows } = await db.pool.query(`SELECT 1 FROM ${table} WHERE user_id = $1`, [user.id]);
      expect({ table, rows: rows.length }).toEqual({ table, rows: 0 });
    }
  });

  it('cascades a deleted track to its purchases and plays', async () => {
    const user = await buildUser(db.pool);
    const track = await buildTrack(db.pool);
    await db.pool.query('INSERT INTO purchases (user_id, track_id) VALUES ($1, $2)', [user.id, track.id]);
    await db.pool.query('INSERT INTO play_history (user_id, track_id) VALUES ($1, $2)', [user.id, track.id]);
    await db.pool.query('INSERT INTO play_stats (user_id, track_id) VALUES ($1, $2)', [user.id, track.id]);
    await db.pool.query('DELETE FROM tracks WHERE id = $1', [track.id]);
    for (const table of ['purchases', 'play_history', 'play_stats']) {
      const { rows } = await db.pool.query(`SELECT 1 FROM ${table} WHERE track_id = $1`, [track.id]);
      expect({ table, rows: rows.length }).toEqual({ table, rows: 0 });
    }
  });

  it('keeps a purchase and unlinks it when its order is deleted (SET NULL)', async () => {
    const user = await buildUser(db.pool);
    const track = await buildTrack(db.pool);
    const orderId = await insertOrder(user.id, 'COMPLETED');
    await db.pool.query('INSERT INTO purchases (user_id, track_id, order_id) VALUES ($1, $2, $3)', [user.id, track.id, orderId]);
    await db.pool.query('DELETE FROM orders WHERE id = $1', [orderId]);
    const { rows } = await db.pool.query('SELECT order_id FROM purchases WHERE user_id = $1 AND track_id = $2', [user.id, track.id]);
    expect(rows).toEqual([{ order_id: null }]);
  });

  it('refuses to delete a track that an order item paid for', async () => {
    const user = await buildUser(db.pool);
    const track = await buildTrack(db.pool);
    const orderId = await insertOrder(user.id);
    await db.pool.query(`INSERT INTO order_items (order_id, track_id, price, minimum_price) VALUES ($1, $2, '0.99', '0.99')`, [
      orderId,
      track.id,
    ]);
    await expect(db.pool.query('DELETE FROM tracks WHERE id = $1', [track.id])).rejects.toMatchObject({ code: '23503' });
  });

  it('unlinks tracks from a deleted artist account but keeps them', async () => {
    const artist = await buildUser(db.pool, { role: 'artist' });
    const track = await buildTrack(db.pool, { artistUserId: artist.id });
    await db.pool.query('DELETE FROM users WHERE id = $1', [artist.id]);
    const { rows } = await db.pool.query('SELECT artist_user_id FROM tracks WHERE id = $1', [track.id]);
    expect(rows).toEqual([{ artist_user_id: null }]);
  });

  it('keeps money exact: numeric comes back as a decimal string, and price mirrors price_eur', async () => {
    const track = await buildTrack(db.pool, { priceEur: '1.29' });
    expect(track.priceEur).toBe('1.29');
    await db.pool.query(`UPDATE tracks SET price_eur = '2.49' WHERE id = $1`, [track.id]);
    const { rows } = await db.pool.query('SELECT price_eur, price FROM tracks WHERE id = $1', [track.id]);
    expect(rows).toEqual([{ price_eur: '2.49', price: '2.49' }]);
    await expect(buildTrack(db.pool, { priceEur: '-1.00' })).rejects.toMatchObject({ code: '23514' });
  });

  it('maintains updated_at by trigger, whatever the UPDATE says', async () => {
    const user = await buildUser(db.pool);
    const { rows } = await db.pool.query<{ updated_at: Date; now: Date }>(
      `UPDATE users SET username = username || '_x', updated_at = '2001-01-01' WHERE id = $1 RETURNING updated_at, now()`,
      [user.id],
    );
    expect(rows[0]!.updated_at).toEqual(rows[0]!.now);
    expect(rows[0]!.updated_at.getTime()).toBeGreaterThanOrEqual(user.updatedAt.getTime());
  });
});
