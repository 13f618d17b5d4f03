import request from 'supertest';
import { PlayRecorder } from '../../services/plays/play-recorder';
import { createLogger } from '../../lib/logger';
import { signInAs } from '../support/auth';
import { useTestDatabase } from '../support/db';
import { buildOrder, buildPurchase, buildTrack } from '../support/factories';
import { playTokenFor, SUPERTEST_IP, reportPlay } from '../support/plays';
import { testApp } from '../support/app';

const db = useTestDatabase();

describe('statistics', () => {
  it('give artists their own tracks’ plays, listeners, preview/full split, purchases and revenue; admins the store', async () => {
    const plays = new PlayRecorder(db.pool, createLogger('silent'));
    const app = testApp(db.pool, { env: { PLAYS_PER_MINUTE: '10000' }, plays });
    const artist = await signInAs(db.pool, 'artist');
    const rival = await signInAs(db.pool, 'artist');
    const admin = await signInAs(db.pool, 'admin');
    const listener = await signInAs(db.pool, 'user');
    const buyer = await signInAs(db.pool, 'user');
    const preview = { previewFilename: `previews/${'c'.repeat(32)}.mp3`, previewSeconds: 40, previewSizeBytes: 10, durationSeconds: 180 };
    const mine = await buildTrack(db.pool, { artistUserId: artist.user.id, priceEur: '1.50', ...preview });
    const theirs = await buildTrack(db.pool, {
      artistUserId: rival.user.id,
      previewFilename: `previews/${'d'.repeat(32)}.mp3`,
      previewSeconds: 40,
    });

    const order = await buildOrder(db.pool, { userId: buyer.user.id, items: [{ trackId: mine.id, price: '1.50' }] });
    // A whole release bought (its revenue is the release's, not a track's); a rival's release is not counted.
    const release = async (artistUserId: number, title: string) =>
      (
        await db.pool.query<{ id: number }>('INSERT INTO releases (artist_user_id, title) VALUES ($1, $2) RETURNING id', [
          artistUserId,
          title,
        ])
      ).rows[0]!.id;
    const album = await release(artist.user.id, 'Whole Album');
    await buildOrder(db.pool, { userId: buyer.user.id, items: [{ releaseId: album, price: '7.00' }] });
    await buildOrder(db.pool, { userId: listener.user.id, items: [{ releaseId: album, price: '8.25' }] });
    await buildOrder(db.pool, { userId: listener.user.id, items: [{ releaseId: album, price: '9.00' }], status: 'FAILED' });
    await buildOrder(db.pool, { userId: buyer.user.id, items: [{ releaseId: await release(rival.user.id, 'Theirs'), price: '5.00' }] });
    await buildPurchase(db.pool, { userId: buyer.user.id, trackId: mine.id, orderId: order.id });

    const listenerToken = await playTokenFor(db.pool, mine.id, { userId: listener.user.id });
    const buyerToken = await playTokenFor(db.pool, mine.id, { userId: buyer.user.id });
    const anonymousToken = await playTokenFor(db.pool, theirs.id, { ip: SUPERTEST_IP });
    await reportPlay(app, { trackId: mine.id, seconds: 40, playToken: listenerToken, cookie: listener.cookie });
    await reportPlay(app, { trackId: mine.id, seconds: 180, playToken: buyerToken, cookie: buyer.cookie });
    await reportPlay(app, { trackId: mine.id, seconds: 100, playToken: buyerToken, cookie: buyer.cookie });
    await reportPlay(app, { trackId: theirs.id, seconds: 40, playToken: anonymousToken, sessionId: 'stats-anon-1' });
    await plays.flush();

    const stats = await request(app).get('/api/artist/stats').set('Cookie', artist.cookie).expect(200);
    expect(stats.body.tracks).toEqual([
      {
        trackId: mine.id,
        name: mine.name,
        plays: 3,
        countedPlays: 2,
        uniqueListeners: 2,
        previewPlays: 1,
        fullPlays: 2,
        purchases: 1,
        revenueEur: '1.50',
      },
    ]);
    expect(stats.body.releases).toEqual([{ releaseId: album, title: 'Whole Album', purchases: 2, revenueEur: '15.25' }]);
    expect(stats.body.daily).toEqual([{ day: new Date().toISOString().slice(0, 10), trackId: mine.id, plays: 3 }]);

    const store = await request(app).get('/api/admin/stats').set('Cookie', admin.cookie).expect(200);
    expect(store.body.totals).toMatchObject({ plays: 4, uniqueListeners: 3, purchases: 1, orders: 4, revenueEur: '21.75' });
    expect(store.body.topReleases.map((r: { title: string; revenueEur: string }) => [r.title, r.revenueEur])).toEqual([
      ['Whole Album', '15.25'],
      ['Theirs', '5.00'],
    ]);
    await request(app).get('/api/admin/stats').set('Cookie', artist.cookie).expect(403);
    await request(app).get('/api/artist/stats').set('Cookie', listener.cookie).expect(403);

    const history = await request(app).get('/api/me/history').set('Cookie', buyer.cookie).expect(200);
    expect(history.body.total).toBe(2);
    expect(history.body.history[0]).toMatchObject({ trackId: mine.id, name: mine.name, durationPlayedSeconds: 100 });
    await request(app).get('/api/me/history').expect(401);

    for (const query of [
      { from: 'yesterday-ish' },
      { from: '2026-02-01', to: '2026-01-01' },
      { from: '2020-01-01', to: '2026-01-01' },
      { days: '3' },
    ]) {
      const bad = await request(app).get('/api/artist/stats').query(query).set('Cookie', artist.cookie).expect(400);
      expect(['validation_failed', 'invalid_range']).toContain(bad.body.error.code);
    }
  });
});
