import { signInAs } from '../support/auth';
import { useCheckoutHarness } from '../support/checkout';
import { useTestDatabase } from '../support/db';
import { buildPasskey } from '../support/factories';
import { useSmtp } from '../support/smtp';

/**
 * A listener takes their data with them, changes their address and deletes
 * their account; an admin erases an artist. Against the real store over
 * HTTP with the PayPal stand-in (real orders, webhooks and ledger entries)
 * and a real SMTP server. Erasure is checked the hard way: every text, JSON
 * and array column of every table in every schema of the database is
 * searched for the person's address, names and passkey name.
 */

const db = useTestDatabase();
const { smtp, mailer } = useSmtp();
const shop = useCheckoutHarness(db, { mailer });

/** Every place in the database a value could hide: [schema, table, column] of each text-like column. */
async function textColumns(): Promise<[string, string, string][]> {
  const { rows } = await db.pool.query<{ s: string; t: string; c: string }>(
    `SELECT c.table_schema AS s, c.table_name AS t, c.column_name AS c
     FROM information_schema.columns c JOIN information_schema.tables t USING (table_schema, table_name)
     WHERE t.table_type = 'BASE TABLE' AND c.table_schema NOT IN ('pg_catalog', 'information_schema')
       AND c.data_type IN ('text', 'character varying', 'character', 'json', 'jsonb', 'ARRAY', 'USER-DEFINED')`,
  );
  return rows.map((r) => [r.s, r.t, r.c]);
}

/** Where any of `needles` still appears (case-insensitive): `schema.table.column: needle` for each hit. */
async function whereFound(needles: string[]): Promise<string[]> {
  const hits: string[] = [];
  for (const [schema, table, column] of await textColumns()) {
    const { rows } = await db.pool.query<{ needle: string }>(
      `SELECT DISTINCT n AS needle FROM "${schema}"."${table}", unnest($1::text[]) AS n WHERE "${column}"::text ILIKE '%' || n || '%'`,
      [needles],
    );
    for (const { needle } of rows) hits.push(`${schema}.${table}.${column}: ${needle}`);
  }
  return hits;
}

const artistTotals = async (artistId: number) =>
  (
    await db.pool.query<{ n: number; net: number; gross: number }>(
      `SELECT count(*)::int AS n, COALESCE(sum(artist_net_minor), 0)::int AS net, COALESCE(sum(gross_minor), 0)::int AS gross
       FROM ledger_entries WHERE artist_user_id = $1`,
      [artistId],
    )
  ).rows[0]!;

describe('account lifecycle', () => {
  it('exports everything about a listener, then erases them without touching the artist’s ledger', async () => {
    const tag = `Zq${Date.now().toString(36)}`;
    const artist = await signInAs(db.pool, 'artist', { displayName: `${tag} Orchestra` });
    const listener = await signInAs(db.pool, 'user', {
      email: `${tag.toLowerCase()}.listener@example.test`,
      username: `${tag.toLowerCase()}_listener`,
      displayName: `${tag} Listener`,
    });
    const { track } = await shop.sellable('4.00', { artistUserId: artist.user.id });
    const { orderId, back } = await shop.approvedOrder(listener.cookie, [track.id], undefined, 'DE');
    await shop.follow(back, listener.cookie);
    await shop.paypal.standin.webhooks.settled();
    await buildPasskey(db.pool, { userId: listener.user.id, name: `${tag} phone` });
    await db.pool.query('INSERT INTO play_history (user_id, track_id, duration_played_seconds) VALUES ($1, $2, 31)', [
      listener.user.id,
      track.id,
    ]);
    await db.pool.query(
      `INSERT INTO play_stats (user_id, track_id, duration_played_seconds, listener_key, counted) VALUES ($1, $2, 31, $3, true)`,
      [listener.user.id, track.id, `u:${listener.user.id}`],
    );
    // A gift someone else sent to the listener's address, and an address change left pending.
    await db.pool.query(
      `INSERT INTO download_codes (code_hash, code_sealed, artist_user_id, track_id, order_id, recipient_email, gift_message)
       VALUES (decode(repeat('ab', 32), 'hex'), '\\x00', $1, $2, $3, $4, 'for you')`,
      [artist.user.id, track.id, orderId, listener.user.email],
    );
    const pending = `${tag.toLowerCase()}.new@example.test`;
    expect((await shop.call('POST', '/api/me/email', { cookie: listener.cookie, json: { email: pending } })).status).toBe(202);
    await smtp.nextMailTo(pending);
    await smtp.nextMailTo(listener.user.email);
    const ledgerBefore = await artistTotals(artist.user.id);
    expect(ledgerBefore.n).toBe(1);

    // The export: an attachment holding every kind of record.
    const exported = await shop.call('GET', '/api/me/export', { cookie: listener.cookie });
    expect(exported.status).toBe(200);
    const data = JSON.parse(exported.bytes.toString('utf8'));
    expect(data.profile).toMatchObject({ id: listener.user.id, email: listener.user.email, displayName: `${tag} Listener` });
    expect(data.passkeys.map((p: { name: string }) => p.name)).toEqual([`${tag} phone`]);
    expect(data.orders).toEqual([
      expect.objectContaining({
        id: orderId,
        status: 'COMPLETED',
        amount: '4.00',
        items: [expect.objectContaining({ trackId: track.id })],
      }),
    ]);
    expect(data.purchases).toEqual([expect.objectContaining({ trackId: track.id, orderId })]);
    expect(data.plays).toEqual([expect.objectContaining({ trackId: track.id, secondsPlayed: 31 })]);
    expect(data.sessions.length).toBeGreaterThan(0);
    expect(JSON.stringify(data)).not.toMatch(/token|public_?key|sealed/i);
    expect((await shop.call('GET', '/api/me/export')).status).toBe(401);

    // Deleting needs the address typed; an artist must ask an admin.
    const wrong = await shop.call('DELETE', '/api/me', { cookie: listener.cookie, json: { confirmEmail: 'someone@else.test' } });
    expect([wrong.status, wrong.body.error.code]).toEqual([400, 'invalid_value']);
    const byArtist = await shop.call('DELETE', '/api/me', { cookie: artist.cookie, json: { confirmEmail: artist.user.email } });
    expect([byArtist.status, byArtist.body.error.code]).toEqual([403, 'artist_erasure_by_admin']);

    const gone = await shop.call('DELETE', '/api/me', {
      cookie: listener.cookie,
      json: { confirmEmail: listener.user.email.toUpperCase() },
    });
    expect(gone.status).toBe(204);
    expect((await shop.call('GET', '/api/me/orders', { cookie: listener.cookie })).status).toBe(401);
    expect((await shop.call('DELETE', '/api/me', { cookie: listener.cookie, json: { confirmEmail: listener.user.email } })).status).toBe(
      401,
    );

    // Nothing personal anywhere …
    expect(await whereFound([listener.user.email, listener.user.username, `${tag} Listener`, `${tag} phone`, pending])).toEqual([]);
    const sessions = await db.pool.query('SELECT 1 FROM sessions WHERE user_id = $1', [listener.user.id]);
    expect(sessions.rowCount).toBe(0);
    // … while the order, its purchase row and the artist's ledger are as they were, and the play still counts anonymously.
    const { rows: order } = await db.pool.query('SELECT status, amount, buyer_country FROM orders WHERE id = $1', [orderId]);
    expect(order).toEqual([{ status: 'COMPLETED', amount: '4.00', buyer_country: 'DE' }]);
    expect(await artistTotals(artist.user.id)).toEqual(ledgerBefore);
    const { rows: plays } = await db.pool.query('SELECT user_id, listener_key FROM play_stats WHERE track_id = $1', [track.id]);
    expect(plays).toEqual([{ user_id: null, listener_key: null }]);
    const { rows: audit } = await db.pool.query(
      `SELECT actor_user_id, changes FROM audit_log WHERE action = 'account.deleted' AND target_id = $1`,
      [String(listener.user.id)],
    );
    expect(audit).toEqual([{ actor_user_id: listener.user.id, changes: { role: 'user', self: true } }]);
    // The address is free again: signing up with it makes a new, empty account.
    expect((await shop.call('POST', '/api/auth/magic-link', { json: { email: listener.user.email } })).status).toBeLessThan(300);
  });

  it('lets an admin erase an artist: the catalogue leaves the store, buyers keep their tracks, the ledger balances', async () => {
    const tag = `Yx${Date.now().toString(36)}`;
    const admin = await signInAs(db.pool, 'admin');
    const artist = await signInAs(db.pool, 'artist', { displayName: `${tag} Quartet`, email: `${tag.toLowerCase()}@artist.test` });
    await db.pool.query(`INSERT INTO artist_profiles (user_id, slug, bio) VALUES ($1, $2, $3)`, [
      artist.user.id,
      tag.toLowerCase(),
      `${tag} Quartet plays on.`,
    ]);
    await db.pool.query(`INSERT INTO payout_accounts (artist_user_id, paypal_email, confirmed_at) VALUES ($1, $2, now())`, [
      artist.user.id,
      `${tag.toLowerCase()}@paypal.test`,
    ]);
    const buyer = await signInAs(db.pool, 'user');
    const { track, full } = await shop.sellable('3.00', { artistUserId: artist.user.id, artist: `${tag} Quartet` });
    const { back } = await shop.approvedOrder(buyer.cookie, [track.id]);
    await shop.follow(back, buyer.cookie);
    await shop.paypal.standin.webhooks.settled();
    const before = await artistTotals(artist.user.id);

    expect((await shop.call('DELETE', `/api/admin/users/${artist.user.id}`, { cookie: buyer.cookie })).status).toBe(403);
    expect((await shop.call('DELETE', `/api/admin/users/${artist.user.id}`, { cookie: admin.cookie })).status).toBe(204);
    expect((await shop.call('DELETE', `/api/admin/users/${artist.user.id}`, { cookie: admin.cookie })).status).toBe(404);
    // The row stays, marked, and cannot be brought back as a user.
    const listed = await shop.call('GET', `/api/admin/users?q=erased-${artist.user.id}@`, { cookie: admin.cookie });
    expect(listed.body.users).toEqual([expect.objectContaining({ id: artist.user.id, isActive: false, erasedAt: expect.any(String) })]);
    const revived = await shop.call('PATCH', `/api/admin/users/${artist.user.id}`, {
      cookie: admin.cookie,
      json: { isActive: true, role: 'admin' },
    });
    expect([revived.status, revived.body.error.code]).toEqual([404, 'user_not_found']);
    expect((await db.pool.query('SELECT role, is_active FROM users WHERE id = $1', [artist.user.id])).rows).toEqual([
      { role: 'user', is_active: false },
    ]);

    expect(await whereFound([artist.user.email, artist.user.username, `${tag} Quartet`, `${tag.toLowerCase()}@paypal.test`])).toEqual([]);
    expect(await artistTotals(artist.user.id)).toEqual(before);
    expect((await shop.call('GET', `/api/tracks/${track.id}`)).status).toBe(404);
    const download = await shop.call('GET', `/api/tracks/${track.id}/download`, { cookie: buyer.cookie });
    expect([download.status, download.bytes.equals(full)]).toEqual([200, true]);
    const library = await shop.call('GET', '/api/me/purchases', { cookie: buyer.cookie });
    expect(library.body.purchases[0]).toMatchObject({ trackId: track.id, artist: 'Erased artist', trackDeleted: true });
    expect((await shop.call('GET', `/api/artists/${tag.toLowerCase()}`)).status).toBe(404);
  });

  it('never erases the last admin', async () => {
    await db.pool.query(`UPDATE users SET role = 'user' WHERE role = 'admin'`);
    const admin = await signInAs(db.pool, 'admin');
    const res = await shop.call('DELETE', '/api/me', { cookie: admin.cookie, json: { confirmEmail: admin.user.email } });
    expect([res.status, res.body.error.code]).toEqual([409, 'last_admin']);
  });

  it('changes the sign-in address only through the link mailed to the new one, telling the old one', async () => {
    const listener = await signInAs(db.pool, 'user');
    const other = await signInAs(db.pool, 'user');
    const next = `moved-${Date.now()}@example.test`;
    expect((await shop.call('POST', '/api/me/email', { json: { email: next } })).status).toBe(401);
    const asked = await shop.call('POST', '/api/me/email', { cookie: listener.cookie, json: { email: next } });
    expect([asked.status, asked.body.status]).toEqual([202, 'confirmation_sent']);
    const notice = await smtp.nextMailTo(listener.user.email);
    expect(notice.text).toContain('m…');
    expect(notice.text).not.toContain(next);
    const link = /https?:\/\/\S+\/account\/email#token=([\w-]+)/.exec((await smtp.nextMailTo(next)).text ?? '');
    expect(link).not.toBeNull();
    // Nothing changes until the link is opened.
    expect((await shop.call('GET', '/api/auth/session', { cookie: listener.cookie })).body.user.email).toBe(listener.user.email);

    const bad = await shop.call('POST', '/api/auth/email-change/confirm', { json: { token: 'x'.repeat(43) } });
    expect([bad.status, bad.body.error.code]).toEqual([400, 'email_link_invalid']);
    const done = await shop.call('POST', '/api/auth/email-change/confirm', { json: { token: link![1] } });
    expect([done.status, done.body.email]).toEqual([200, next]);
    expect((await shop.call('GET', '/api/auth/session', { cookie: listener.cookie })).body.user.email).toBe(next);
    expect((await smtp.nextMailTo(listener.user.email)).subject).toMatch(/was changed/);
    const again = await shop.call('POST', '/api/auth/email-change/confirm', { json: { token: link![1] } });
    expect(again.status).toBe(400);

    // Another account's address: refused when the link is opened.
    await shop.call('POST', '/api/me/email', { cookie: other.cookie, json: { email: next } });
    await smtp.nextMailTo(other.user.email);
    const taken = /#token=([\w-]+)/.exec((await smtp.nextMailTo(next)).text ?? '')!;
    const refused = await shop.call('POST', '/api/auth/email-change/confirm', { json: { token: taken[1] } });
    expect([refused.status, refused.body.error.code]).toEqual([409, 'email_taken']);
    const { rows } = await db.pool.query(`SELECT action FROM audit_log WHERE target_type = 'user' AND target_id = $1`, [
      String(listener.user.id),
    ]);
    expect(rows).toEqual([{ action: 'user.email_changed' }]);
  });
});
