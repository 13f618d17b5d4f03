import fs from 'node:fs';
import path from 'node:path';
import { createPool } from '../../db/pool';
import { publishScheduledReleases } from '../../services/catalog/release-publisher';
import { signInAs } from '../support/auth';
import { useCheckoutHarness, type CheckoutHarness } from '../support/checkout';
import { useTestDatabase } from '../support/db';
import { haveFfmpeg, makeFixture } from '../support/ffmpeg';
import { tempDir } from '../support/temp-dir';
import { png } from '../support/images';
import { sniffImage } from '../../services/images/image-sniff';

const db = useTestDatabase();
const shop: CheckoutHarness = useCheckoutHarness(db);
const fixtures = tempDir('sn-release-fx-');

const uploadInto = (releaseId: number, cookie: string, file: string, name?: string) => shop.uploadInto(releaseId, cookie, file, { name });

const publishedRelease = (artist: { cookie: string; user: { id: number } }, trackCount: number, fields: Record<string, unknown> = {}) =>
  shop.sellableRelease(artist, trackCount, fields);

/** Buys through the PayPal stand-in and comes back; returns the order id. */
async function buy(cookie: string, items: { kind: 'track' | 'release'; id: number }[]): Promise<number> {
  const { orderId, back } = await shop.approvedOrder(cookie, items);
  const result = await shop.follow(back, cookie);
  expect(result.location).toContain('status=completed');
  return orderId;
}

const ownedIds = async (cookie: string) =>
  (await shop.call('GET', '/api/me/purchases?pageSize=100', { cookie })).body.purchases
    .filter((p: { revokedAt: string | null }) => !p.revokedAt)
    .map((p: { trackId: number }) => p.trackId)
    .sort((a: number, b: number) => a - b);

(haveFfmpeg() ? describe : describe.skip)('the studio builds a release', () => {
  beforeAll(async () => {
    await Promise.all(
      Array.from({ length: 7 }, (_, i) =>
        makeFixture(path.join(fixtures, `0${i + 1} Track ${i + 1}.mp3`), 3, ['-c:a', 'libmp3lame', '-b:a', '96k']),
      ),
    );
    fs.writeFileSync(path.join(fixtures, '08 Broken.mp3'), Buffer.from('ID3 not audio at all '.repeat(200)));
  });

  it('uploads 8 files in parallel (the corrupt one refused, 7 land in order), reorders them, schedules and publishes once across two servers', async () => {
    const artist = await signInAs(db.pool, 'artist', { displayName: 'Night Drive' });
    const created = await shop.call('POST', '/api/artist/releases', {
      cookie: artist.cookie,
      json: { title: 'Long Roads', type: 'album', priceEur: '6.50', tags: [' Synthwave', 'night', 'NIGHT'], upc: '036000291452' },
    });
    expect(created.status).toBe(201);
    const release = created.body.release;
    expect(release).toMatchObject({ title: 'Long Roads', type: 'album', tags: ['synthwave', 'night'], isPublished: false, tracks: [] });

    const files = fs.readdirSync(fixtures).sort();
    const replies = await Promise.all(files.map((f) => uploadInto(release.id, artist.cookie, path.join(fixtures, f))));
    expect(replies.map((r) => r.status)).toEqual([201, 201, 201, 201, 201, 201, 201, 415]);
    expect(replies[7]!.body.error.code).toBe('not_audio');
    expect(replies[0]!.body.track).toMatchObject({ name: '01 Track 1', releaseId: release.id, isPublished: false });

    const full = await shop.call('GET', `/api/artist/releases/${release.id}`, { cookie: artist.cookie });
    expect(full.body.release.tracks.map((t: { trackNumber: number }) => t.trackNumber)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    const ids: number[] = full.body.release.tracks.map((t: { id: number }) => t.id);

    const reversed = [...ids].reverse();
    const reordered = await shop.call('PUT', `/api/artist/releases/${release.id}/tracks`, {
      cookie: artist.cookie,
      json: { trackIds: reversed },
    });
    expect(reordered.status).toBe(200);
    expect(reordered.body.release.tracks.map((t: { id: number }) => t.id)).toEqual(reversed);
    expect(reordered.body.release.durationSeconds).toBeGreaterThanOrEqual(20);

    // Scheduled a minute ahead: not in the store, not visible to a listener.
    const listener = await signInAs(db.pool, 'user');
    const at = new Date(Date.now() + 60_000);
    const scheduled = await shop.call('PATCH', `/api/artist/releases/${release.id}`, {
      cookie: artist.cookie,
      json: { publishAt: at.toISOString() },
    });
    expect(scheduled.body.release).toMatchObject({ isPublished: false, publishAt: at.toISOString() });
    expect((await shop.call('GET', `/api/releases/${release.id}`, { cookie: listener.cookie })).status).toBe(404);
    expect((await shop.call('GET', `/api/tracks/${ids[0]}`)).status).toBe(404);

    // Two app servers on one database run the publisher at the moment it is due: it is published once.
    const other = createPool({ connectionString: db.url, max: 2 });
    try {
      const due = () => new Date(at.getTime() + 1_000);
      const early = await publishScheduledReleases({ db: db.pool, clock: () => new Date(at.getTime() - 1_000) });
      expect(early).not.toContain(release.id);
      const [a, b] = await Promise.all([
        publishScheduledReleases({ db: db.pool, clock: due }),
        publishScheduledReleases({ db: other, clock: due }),
      ]);
      expect([...a, ...b].filter((id) => id === release.id)).toEqual([release.id]);
    } finally {
      await other.end();
    }
    const page = await shop.call('GET', `/api/releases/${release.id}`, { cookie: listener.cookie });
    expect(page.status).toBe(200);
    expect(page.body.release.tracks.map((t: { id: number }) => t.id)).toEqual(reversed);
    expect(page.body.release).toMatchObject({ artist: { name: 'Night Drive', slug: 'night-drive' }, trackCount: 7, upc: '036000291452' });
    const list = await shop.call('GET', '/api/releases?q=long%20roads');
    expect(list.body.releases.filter((r: { id: number }) => r.id === release.id)).toHaveLength(1);
    // Its tracks are published with it: previews for the listener.
    expect((await shop.call('GET', `/api/tracks/${ids[0]}`)).status).toBe(200);
  });
});

describe('buying a release', () => {
  it('grants every track, a track added later too, refuses to sell it twice, and a refund revokes them all', async () => {
    const artist = await signInAs(db.pool, 'artist', { displayName: 'Box Set' });
    const buyer = await signInAs(db.pool, 'user');
    const admin = await signInAs(db.pool, 'admin');
    const { id, tracks } = await publishedRelease(artist, 8, { priceEur: '8.00' });

    const orderId = await buy(buyer.cookie, [{ kind: 'release', id }]);
    const order = await shop.call('GET', `/api/me/orders/${orderId}`, { cookie: buyer.cookie });
    expect(order.body.order).toMatchObject({ amount: '8.00', items: [{ kind: 'release', releaseId: id, trackId: null, price: '8.00' }] });
    expect(await ownedIds(buyer.cookie)).toEqual(tracks.map((t) => t.id).sort((a, b) => a - b));
    const purchases = (await shop.call('GET', '/api/me/purchases?pageSize=100', { cookie: buyer.cookie })).body.purchases;
    expect(purchases.every((p: { releaseId: number; orderId: number }) => p.releaseId === id && p.orderId === orderId)).toBe(true);
    const stream = await shop.call('GET', `/api/tracks/${tracks[3]!.id}/download`, { cookie: buyer.cookie });
    expect(stream.status).toBe(200);

    // Owned whole: a second purchase is refused, as a track or as the release.
    const again = await shop.call('POST', '/api/checkout/orders', { cookie: buyer.cookie, json: { items: [{ kind: 'release', id }] } });
    expect([again.status, again.body.error.code]).toEqual([409, 'release_owned']);
    const single = await shop.call('POST', '/api/checkout/orders', { cookie: buyer.cookie, json: { trackIds: [tracks[0]!.id] } });
    expect([single.status, single.body.error.code]).toEqual([409, 'already_owned']);

    // A ninth track added later is the buyer's at once.
    const ninth = (await shop.sellable('0.99', { artistUserId: artist.user.id, name: 'Bonus' })).track;
    const put = await shop.call('PUT', `/api/artist/releases/${id}/tracks`, {
      cookie: artist.cookie,
      json: { trackIds: [...tracks.map((t) => t.id), ninth.id] },
    });
    expect(put.body.release.tracks).toHaveLength(9);
    expect(await ownedIds(buyer.cookie)).toContain(ninth.id);

    const refund = await shop.call('POST', `/api/admin/orders/${orderId}/refund`, { cookie: admin.cookie });
    expect([refund.status, refund.body.order.status]).toEqual([200, 'REFUNDED']);
    expect(await ownedIds(buyer.cookie)).toEqual([]);
    const { rows } = await db.pool.query('SELECT count(*)::int AS n FROM purchases WHERE order_id = $1 AND revoked_at IS NOT NULL', [
      orderId,
    ]);
    expect(rows[0].n).toBe(9);
    expect((await shop.call('GET', `/api/tracks/${ninth.id}/download`, { cookie: buyer.cookie })).status).toBe(403);
  });

  it('charges a partly owned release in full but keeps the earlier purchase on its own order; drops a track the release already covers', async () => {
    const artist = await signInAs(db.pool, 'artist');
    const buyer = await signInAs(db.pool, 'user');
    const { id, tracks } = await publishedRelease(artist, 3, { priceEur: '3.00' });
    const first = await buy(buyer.cookie, [{ kind: 'track', id: tracks[0]!.id }]);
    const second = await buy(buyer.cookie, [
      { kind: 'release', id },
      { kind: 'track', id: tracks[1]!.id },
    ]);
    const order = (await shop.call('GET', `/api/me/orders/${second}`, { cookie: buyer.cookie })).body.order;
    expect(order.amount).toBe('3.00');
    expect(order.items).toHaveLength(1);
    const { rows } = await db.pool.query('SELECT track_id, order_id FROM purchases WHERE user_id = $1 ORDER BY track_id', [buyer.user.id]);
    expect(rows).toEqual([
      { track_id: tracks[0]!.id, order_id: first },
      { track_id: tracks[1]!.id, order_id: second },
      { track_id: tracks[2]!.id, order_id: second },
    ]);
  });

  it('refuses releases that are not for sale, and the artist their own', async () => {
    const artist = await signInAs(db.pool, 'artist');
    const buyer = await signInAs(db.pool, 'user');
    const draft = await shop.call('POST', '/api/artist/releases', { cookie: artist.cookie, json: { title: 'Draft' } });
    const { id } = await publishedRelease(artist, 1);
    for (const [cookie, releaseId, status, code] of [
      [buyer.cookie, draft.body.release.id, 422, 'release_unavailable'],
      [buyer.cookie, 2_000_000_000, 422, 'release_unavailable'],
      [artist.cookie, id, 409, 'already_owned'],
    ] as const) {
      const res = await shop.call('POST', '/api/checkout/orders', { cookie, json: { items: [{ kind: 'release', id: releaseId }] } });
      expect([res.status, res.body.error.code]).toEqual([status, code]);
    }
    const malformed = await shop.call('POST', '/api/checkout/orders', { cookie: buyer.cookie, json: { items: [{ kind: 'album', id }] } });
    expect(malformed.status).toBe(400);
  });
});

describe('release authorization', () => {
  it('keeps drafts, track lists and covers to their artist; another artist cannot use your tracks', async () => {
    const owner = await signInAs(db.pool, 'artist');
    const rival = await signInAs(db.pool, 'artist');
    const listener = await signInAs(db.pool, 'user');
    const mine = (await shop.call('POST', '/api/artist/releases', { cookie: owner.cookie, json: { title: 'Mine' } })).body.release;
    const theirs = (await shop.call('POST', '/api/artist/releases', { cookie: rival.cookie, json: { title: 'Theirs' } })).body.release;
    const track = (await shop.sellable('0.99', { artistUserId: owner.user.id })).track;

    const stolen = await shop.call('PUT', `/api/artist/releases/${theirs.id}/tracks`, {
      cookie: rival.cookie,
      json: { trackIds: [track.id] },
    });
    expect([stolen.status, stolen.body.error.code]).toEqual([422, 'release_track_invalid']);
    for (const [method, url, json] of [
      ['GET', `/api/artist/releases/${mine.id}`, undefined],
      ['PATCH', `/api/artist/releases/${mine.id}`, { title: 'Mine now' }],
      ['PUT', `/api/artist/releases/${mine.id}/tracks`, { trackIds: [] }],
      ['DELETE', `/api/artist/releases/${mine.id}`, undefined],
    ] as const) {
      const res = await shop.call(method, url, { cookie: rival.cookie, json });
      expect([method, url, res.status, res.body?.error?.code]).toEqual([method, url, 404, 'release_not_found']);
    }
    expect((await shop.call('GET', `/api/releases/${mine.id}`, { cookie: listener.cookie })).status).toBe(404);
    expect((await shop.call('GET', `/api/releases/${mine.id}`, { cookie: owner.cookie })).status).toBe(200);
    expect((await shop.call('POST', '/api/artist/releases', { cookie: listener.cookie, json: { title: 'x' } })).status).toBe(403);
    const empty = await shop.call('PATCH', `/api/artist/releases/${mine.id}`, { cookie: owner.cookie, json: { isPublished: true } });
    expect([empty.status, empty.body.error.code]).toEqual([422, 'publish_empty_release']);
    const listed = (await shop.call('GET', '/api/artist/releases', { cookie: rival.cookie })).body.releases.map(
      (r: { id: number }) => r.id,
    );
    expect(listed).toEqual([theirs.id]);
  });

  it('validates what a release and a track carry', async () => {
    const artist = await signInAs(db.pool, 'artist');
    for (const json of [
      { title: '' },
      { title: 'x', type: 'mixtape' },
      { title: 'x', upc: '036000291453' },
      { title: 'x', releaseDate: '2025-02-30' },
      { title: 'x', tags: Array.from({ length: 11 }, (_, i) => `t${i}`) },
      { title: 'x', priceEur: -1 },
      { title: 'x', artistUserId: 1 },
    ]) {
      const res = await shop.call('POST', '/api/artist/releases', { cookie: artist.cookie, json });
      expect([JSON.stringify(json), res.status]).toEqual([JSON.stringify(json), 400]);
    }
    const track = (await shop.sellable('0.99', { artistUserId: artist.user.id })).track;
    const ok = await shop.call('PATCH', `/api/artist/tracks/${track.id}`, {
      cookie: artist.cookie,
      json: { isrc: 'us-rc1-76-07839', license: 'cc-by-sa', tags: ['Dub', 'dub', ' Tape '], lyrics: 'la la', credits: 'Mixed by A' },
    });
    expect(ok.body.track).toMatchObject({ isrc: 'USRC17607839', license: 'cc-by-sa', tags: ['dub', 'tape'], lyrics: 'la la' });
    for (const json of [{ isrc: 'nope' }, { license: 'cc-by-zz' }]) {
      expect((await shop.call('PATCH', `/api/artist/tracks/${track.id}`, { cookie: artist.cookie, json })).status).toBe(400);
    }
  });
});

describe('the store finds releases and artists', () => {
  it('searches by title, artist, tag and a track title inside; filters by tag and type; artist pages by slug', async () => {
    const artist = await signInAs(db.pool, 'artist', { displayName: 'Quiet Harbour' });
    const { id } = await publishedRelease(artist, 2, { title: 'Salt Lines', type: 'ep', tags: ['shoegaze'], releaseDate: '2024-05-01' });
    await shop.call(
      'PATCH',
      `/api/artist/tracks/${(await db.pool.query('SELECT id FROM tracks WHERE release_id = $1 LIMIT 1', [id])).rows[0].id}`,
      {
        cookie: artist.cookie,
        json: { name: 'Lighthouse Keeper' },
      },
    );
    const found = async (query: string) =>
      (await shop.call('GET', `/api/releases?${query}`)).body.releases.map((r: { id: number }) => r.id);
    for (const query of ['q=salt', 'q=QUIET%20harb', 'q=shoegaze', 'q=lighthouse', 'tag=Shoegaze', 'type=ep&q=salt']) {
      expect([query, await found(query)]).toEqual([query, [id]]);
    }
    expect(await found('type=album&q=salt')).toEqual([]);
    expect((await shop.call('GET', '/api/releases?sort=cheapest')).status).toBe(400);

    const page = await shop.call('GET', '/api/artists/quiet-harbour');
    expect(page.status).toBe(200);
    expect(page.body.artist).toMatchObject({ id: artist.user.id, name: 'Quiet Harbour', slug: 'quiet-harbour' });
    expect(page.body.discography.ep.map((r: { id: number; year: number }) => [r.id, r.year])).toEqual([[id, 2024]]);
    expect((await shop.call('GET', `/api/artists/${artist.user.id}`)).body.artist.slug).toBe('quiet-harbour');
    expect((await shop.call('GET', '/api/artists/no-such-artist')).status).toBe(404);

    const edited = await shop.call('PATCH', '/api/artist/profile', {
      cookie: artist.cookie,
      json: { slug: 'harbour', bio: 'From the coast.', links: ['https://example.com/harbour'] },
    });
    expect(edited.body.artist).toMatchObject({ slug: 'harbour', bio: 'From the coast.', links: ['https://example.com/harbour'] });
    // A picture: stored, linked from the profile, served to anyone.
    const form = new FormData();
    form.set('avatar', new Blob([new Uint8Array(png(64, 64))], { type: 'image/png' }), 'me.png');
    const put = await fetch(`${shop.base}/api/artist/profile/avatar`, {
      method: 'PUT',
      headers: { Cookie: artist.cookie, Origin: shop.config.appOrigin },
      body: form,
    });
    const { artist: withPicture } = (await put.json()) as { artist: { avatarUrl: string } };
    const picture = await shop.call('GET', withPicture.avatarUrl);
    expect([picture.status, sniffImage(picture.bytes)?.mime]).toEqual([200, 'image/png']);
    expect((await shop.call('GET', '/api/artists/harbour')).body.artist.avatarUrl).toBe(withPicture.avatarUrl);

    const other = await signInAs(db.pool, 'artist');
    const taken = await shop.call('PATCH', '/api/artist/profile', { cookie: other.cookie, json: { slug: 'harbour' } });
    expect([taken.status, taken.body.error.code]).toEqual([409, 'slug_taken']);
    for (const slug of ['2024', 'a--b', '-a', 'x']) {
      expect([slug, (await shop.call('PATCH', '/api/artist/profile', { cookie: other.cookie, json: { slug } })).status]).toEqual([
        slug,
        400,
      ]);
    }
    for (const links of [['http://example.com'], ['javascript:alert(1)'], Array.from({ length: 11 }, (_, i) => `https://e.com/${i}`)]) {
      expect((await shop.call('PATCH', '/api/artist/profile', { cookie: other.cookie, json: { links } })).status).toBe(400);
    }
  });
});
