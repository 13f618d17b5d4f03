import request from 'supertest';
import { signInAs } from '../support/auth';
import { useTestDatabase } from '../support/db';
import { grantRole } from '../../services/users.service';
import { buildSession, buildTrack, buildUser } from '../support/factories';
import { testApp } from '../support/app';

const db = useTestDatabase();

const auditOf = async (targetType: string, targetId: number) =>
  (
    await db.pool.query(
      `SELECT actor_user_id, actor_kind, action, changes FROM audit_log WHERE target_type = $1 AND target_id = $2 ORDER BY id`,
      [targetType, String(targetId)],
    )
  ).rows;

const sessionsOf = async (userId: number) =>
  (await db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM sessions WHERE user_id = $1', [userId])).rows[0]!.n;

const isActive = async (userId: number) =>
  (await db.pool.query<{ is_active: boolean }>('SELECT is_active FROM users WHERE id = $1', [userId])).rows[0]!.is_active;

/**
 * A trigger that ends the transaction's own database connection when it fires
 * for `userId`'s rows: the server process is cut off from PostgreSQL mid-way
 * through the change, as in a crash or a network cut.
 */
async function killWhen(table: 'audit_log' | 'sessions', userId: number): Promise<() => Promise<void>> {
  const condition = table === 'audit_log' ? `NEW.target_id = '${userId}'` : `OLD.user_id = ${userId}`;
  const timing = table === 'audit_log' ? 'BEFORE INSERT' : 'BEFORE DELETE';
  await db.pool.query(`CREATE OR REPLACE FUNCTION test_kill_backend() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN PERFORM pg_terminate_backend(pg_backend_pid()); RETURN NULL; END $$`);
  await db.pool.query(
    `CREATE TRIGGER test_kill ${timing} ON ${table} FOR EACH ROW WHEN (${condition}) EXECUTE FUNCTION test_kill_backend()`,
  );
  return async () => {
    await db.pool.query(`DROP TRIGGER test_kill ON ${table}`);
  };
}

describe('the audit trail', () => {
  it('records a deactivation with its actor and change, and the admin can filter it', async () => {
    const app = testApp(db.pool);
    const admin = await signInAs(db.pool, 'admin');
    const user = await buildUser(db.pool, { role: 'artist' });
    const before = new Date(Date.now() - 1000).toISOString();
    await request(app).patch(`/api/admin/users/${user.id}`).set('Cookie', admin.cookie).send({ isActive: false, role: 'user' }).expect(200);
    // Changing nothing records nothing.
    await request(app).patch(`/api/admin/users/${user.id}`).set('Cookie', admin.cookie).send({ isActive: false }).expect(200);

    expect(await auditOf('user', user.id)).toEqual([
      { actor_user_id: admin.user.id, actor_kind: 'user', action: 'user.role_changed', changes: { from: 'artist', to: 'user' } },
      { actor_user_id: admin.user.id, actor_kind: 'user', action: 'user.deactivated', changes: {} },
    ]);

    const byAction = await request(app)
      .get('/api/admin/audit')
      .query({ actor: admin.user.id, action: 'user.deactivated', from: before })
      .set('Cookie', admin.cookie)
      .expect(200);
    expect(byAction.headers['cache-control']).toBe('no-store');
    expect(byAction.body).toMatchObject({ total: 1, page: 1 });
    expect(byAction.body.entries[0]).toMatchObject({
      actor: { kind: 'user', userId: admin.user.id },
      action: 'user.deactivated',
      target: { type: 'user', id: String(user.id) },
    });
    const family = await request(app).get('/api/admin/audit').query({ actor: admin.user.id, action: 'user' }).set('Cookie', admin.cookie);
    expect(family.body.entries.map((e: { action: string }) => e.action)).toEqual(['user.deactivated', 'user.role_changed']);
    const past = await request(app).get('/api/admin/audit').query({ actor: admin.user.id, to: before }).set('Cookie', admin.cookie);
    expect(past.body.total).toBe(0);
  });

  it('is for admins only, and refuses malformed filters', async () => {
    const app = testApp(db.pool);
    await request(app).get('/api/admin/audit').expect(401);
    for (const role of ['user', 'artist'] as const) {
      const who = await signInAs(db.pool, role);
      await request(app).get('/api/admin/audit').set('Cookie', who.cookie).expect(403);
    }
    const admin = await signInAs(db.pool, 'admin');
    for (const query of [{ action: 'DROP TABLE' }, { actor: 'me' }, { from: 'yesterday' }, { pageSize: 1000 }, { sort: 'at' }]) {
      const res = await request(app).get('/api/admin/audit').query(query).set('Cookie', admin.cookie).expect(400);
      expect(res.body.error.code).toBe('validation_failed');
    }
    const backwards = await request(app)
      .get('/api/admin/audit')
      .query({ from: '2026-02-01T00:00:00Z', to: '2026-01-01T00:00:00Z' })
      .set('Cookie', admin.cookie)
      .expect(400);
    expect(backwards.body.error.code).toBe('invalid_range');
  });

  // The change and its row are one transaction. Each case cuts the database
  // connection at a different point; afterwards there is neither the change nor the row.
  it.each(['audit_log', 'sessions'] as const)(
    'keeps neither the deactivation nor its row when the connection dies at %s',
    async (table) => {
      const app = testApp(db.pool);
      const admin = await signInAs(db.pool, 'admin');
      const user = await buildUser(db.pool);
      await buildSession(db.pool, { userId: user.id, expiresAt: new Date(Date.now() + 3_600_000) });
      const restore = await killWhen(table, user.id);
      try {
        const res = await request(app).patch(`/api/admin/users/${user.id}`).set('Cookie', admin.cookie).send({ isActive: false });
        expect(res.status).toBeGreaterThanOrEqual(500);
      } finally {
        await restore();
      }
      expect(await isActive(user.id)).toBe(true);
      expect(await sessionsOf(user.id)).toBe(1);
      expect(await auditOf('user', user.id)).toEqual([]);
      // The store carries on: the same change now goes through, with its row.
      await request(app).patch(`/api/admin/users/${user.id}`).set('Cookie', admin.cookie).send({ isActive: false }).expect(200);
      expect(await isActive(user.id)).toBe(false);
      expect((await auditOf('user', user.id)).map((r) => r.action)).toEqual(['user.deactivated']);
    },
  );

  it('records the operator’s command-line grant and an artist’s own code batch', async () => {
    const app = testApp(db.pool);
    const granted = await grantRole(db.pool, `cli-${Date.now()}@example.test`, 'admin');
    expect(await auditOf('user', granted.id)).toEqual([
      { actor_user_id: null, actor_kind: 'cli', action: 'user.role_changed', changes: { from: 'user', to: 'admin' } },
    ]);
    const artist = await signInAs(db.pool, 'artist');
    const own = await buildTrack(db.pool, { artistUserId: artist.user.id });
    await request(app).post(`/api/artist/tracks/${own.id}/download-codes`).set('Cookie', artist.cookie).send({ count: 3 }).expect(201);
    const [row] = await auditOf('track', own.id);
    expect(row).toMatchObject({ actor_user_id: artist.user.id, action: 'download_codes.created', changes: { count: 3 } });
  });
});
