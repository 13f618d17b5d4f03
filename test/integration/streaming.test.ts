import fs from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import { testStorage } from '../support/storage';
import { signInAs } from '../support/auth';
import { useTestDatabase } from '../support/db';
import { haveFfmpeg, makeFixture } from '../support/ffmpeg';
import { testApp } from '../support/app';
import { buildPurchase } from '../support/factories';
import { tempDir } from '../support/temp-dir';

jest.setTimeout(120_000);

const db = useTestDatabase();
const uploads = tempDir('sn-stream-');

const app = () => testApp(db.pool, { env: { UPLOAD_DIR: uploads }, storage: testStorage(uploads) });

/** Collects a binary body whatever its content type. */
const binary = (req: request.Test) =>
  req.buffer(true).parse((res, done) => {
    const chunks: Buffer[] = [];
    res.on('data', (c: Buffer) => chunks.push(c));
    res.on('end', () => done(null, Buffer.concat(chunks)));
  });

type Who = 'anonymous' | 'listener' | 'buyer' | 'refunded' | 'expired' | 'owner' | 'otherArtist' | 'admin';
type Kind = 'paid' | 'free' | 'unpublished' | 'deleted' | 'noPreview';

(haveFfmpeg() ? describe : describe.skip)('streaming and downloads', () => {
  const cookies: Partial<Record<Who, string>> = {};
  const tracks: Partial<Record<Kind, { id: number; full: Buffer; preview: Buffer | null }>> = {};

  beforeAll(async () => {
    const fixture = path.join(uploads, 'fixture.mp3');
    await makeFixture(fixture, 30, ['-c:a', 'libmp3lame', '-b:a', '128k']);
    const bytes = fs.readFileSync(fixture);
    const a = app();
    const owner = await signInAs(db.pool, 'artist', { displayName: 'Stream/Artist: "Test"' });
    cookies.owner = owner.cookie;
    cookies.otherArtist = (await signInAs(db.pool, 'artist')).cookie;
    cookies.admin = (await signInAs(db.pool, 'admin')).cookie;
    cookies.listener = (await signInAs(db.pool, 'user')).cookie;
    const buyer = await signInAs(db.pool, 'user');
    const refunded = await signInAs(db.pool, 'user');
    const expired = await signInAs(db.pool, 'user');
    cookies.buyer = buyer.cookie;
    cookies.refunded = refunded.cookie;
    cookies.expired = expired.cookie;

    const settings: Record<Kind, { fields: Record<string, string>; publish: boolean; remove?: boolean }> = {
      paid: { fields: {}, publish: true },
      free: { fields: { isFree: 'true', priceEur: '0' }, publish: true },
      unpublished: { fields: {}, publish: false },
      deleted: { fields: {}, publish: true, remove: true },
      noPreview: { fields: { freePreviewDuration: '0' }, publish: true },
    };
    for (const [kind, s] of Object.entries(settings) as [Kind, (typeof settings)[Kind]][]) {
      const req = request(a).post('/api/artist/tracks').set('Cookie', owner.cookie).field('name', `Song ${kind}`);
      for (const [k, v] of Object.entries({ freePreviewDuration: '10', ...s.fields })) req.field(k, v);
      const created = (await req.attach('audio', bytes, 'x.mp3').expect(201)).body.track;
      if (s.publish)
        await request(a).patch(`/api/artist/tracks/${created.id}`).set('Cookie', owner.cookie).send({ isPublished: true }).expect(200);
      for (const [user, revoked, expires] of [
        [buyer.user.id, null, null],
        [refunded.user.id, new Date(), null],
        [expired.user.id, null, new Date(Date.now() - 60_000)],
      ] as const) {
        await buildPurchase(db.pool, { userId: user, trackId: created.id, revokedAt: revoked, expiresAt: expires });
      }
      const { rows } = await db.pool.query('SELECT preview_filename FROM tracks WHERE id = $1', [created.id]);
      if (s.remove) await request(a).delete(`/api/artist/tracks/${created.id}`).set('Cookie', owner.cookie).expect(204);
      tracks[kind] = {
        id: created.id,
        full: bytes,
        preview: rows[0].preview_filename && !s.remove ? fs.readFileSync(path.join(uploads, rows[0].preview_filename)) : null,
      };
    }
  });

  const as = (who: Who, req: request.Test) => (who === 'anonymous' ? req : req.set('Cookie', cookies[who]!));

  // Expected answer of GET /stream for each listener and kind of track: 'full', 'preview' or a status.
  const STREAM: Record<Kind, Record<Who, 'full' | 'preview' | number>> = {
    paid: {
      anonymous: 'preview',
      listener: 'preview',
      buyer: 'full',
      refunded: 'preview',
      expired: 'preview',
      owner: 'full',
      otherArtist: 'preview',
      admin: 'full',
    },
    free: {
      anonymous: 'full',
      listener: 'full',
      buyer: 'full',
      refunded: 'full',
      expired: 'full',
      owner: 'full',
      otherArtist: 'full',
      admin: 'full',
    },
    unpublished: { anonymous: 404, listener: 404, buyer: 404, refunded: 404, expired: 404, owner: 'full', otherArtist: 404, admin: 'full' },
    deleted: { anonymous: 404, listener: 404, buyer: 'full', refunded: 404, expired: 404, owner: 404, otherArtist: 404, admin: 'full' },
    noPreview: {
      anonymous: 403,
      listener: 403,
      buyer: 'full',
      refunded: 403,
      expired: 403,
      owner: 'full',
      otherArtist: 403,
      admin: 'full',
    },
  };
  const WHO: Who[] = ['anonymous', 'listener', 'buyer', 'refunded', 'expired', 'owner', 'otherArtist', 'admin'];
  const matrix = (Object.keys(STREAM) as Kind[]).flatMap((kind) => WHO.map((who) => [kind, who] as const));

  it.each(matrix)('stream: %s track, %s', async (kind, who) => {
    const track = tracks[kind]!;
    const expected = STREAM[kind][who];
    const res = await binary(as(who, request(app()).get(`/api/tracks/${track.id}/stream`)));
    if (typeof expected === 'number') {
      expect(res.status).toBe(expected);
      expect(res.headers['content-type']).toMatch(/json/);
      if (expected === 403) expect(JSON.parse(res.body.toString()).error.code).toBe('preview_unavailable');
      return;
    }
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('private, no-cache');
    expect(res.headers['accept-ranges']).toBe('bytes');
    expect(res.headers['content-type']).toBe('audio/mpeg');
    expect(res.headers['x-audio-preview']).toBe(String(expected === 'preview'));
    const body = res.body as Buffer;
    if (expected === 'full') expect(body.equals(track.full)).toBe(true);
    else {
      expect(body.equals(track.preview!)).toBe(true);
      expect(Number(res.headers['x-audio-preview-seconds'])).toBeGreaterThanOrEqual(10);
    }
  });

  it.each(matrix)('download: %s track, %s', async (kind, who) => {
    const track = tracks[kind]!;
    const streamAnswer = STREAM[kind][who];
    const res = await binary(as(who, request(app()).get(`/api/tracks/${track.id}/download`)));
    if (streamAnswer === 'full') {
      expect(res.status).toBe(200);
      expect((res.body as Buffer).equals(track.full)).toBe(true);
      // The artist is 'Stream/Artist: "Test"': slashes, colons and quotes never reach a file name.
      const name = `Stream Artist Test - Song ${kind}.mp3`;
      expect(res.headers['content-disposition']).toBe(`attachment; filename="${name}"; filename*=UTF-8''${encodeURIComponent(name)}`);
      return;
    }
    const expected = streamAnswer === 'preview' || streamAnswer === 403 ? (who === 'anonymous' ? 401 : 403) : streamAnswer;
    expect(res.status).toBe(expected);
    expect(res.body.length).toBeLessThan(200); // a JSON error, never audio
  });

  it('never gives a non-buyer a byte of the full file, whatever the range', async () => {
    const track = tracks.paid!;
    const preview = track.preview!;
    const last = preview.length - 1;
    // Each range, and exactly what it must get: the preview's bytes (ranges past it end at its end), or 416 past its end.
    const cases: [string, [number, number] | 416][] = [
      ['bytes=0-', [0, last]],
      [`bytes=-${track.full.length}`, [0, last]], // a suffix longer than the preview is all of it
      [`bytes=${preview.length - 10}-${track.full.length}`, [preview.length - 10, last]],
      ['bytes=-1', [last, last]],
      [`bytes=${preview.length}-`, 416], // where the full file goes on: nothing of it
      [`bytes=${preview.length}-${track.full.length - 1}`, 416],
    ];
    for (const [range, expected] of cases) {
      const res = await binary(as('listener', request(app()).get(`/api/tracks/${track.id}/stream`)).set('Range', range));
      if (expected === 416) {
        expect([range, res.status, res.headers['content-range']]).toEqual([range, 416, `bytes */${preview.length}`]);
        continue;
      }
      const [start, end] = expected;
      expect([range, res.status, res.headers['content-range']]).toEqual([range, 206, `bytes ${start}-${end}/${preview.length}`]);
      expect((res.body as Buffer).equals(preview.subarray(start, end + 1))).toBe(true);
    }
  });
});

(haveFfmpeg() ? describe : describe.skip)('range requests (RFC 9110)', () => {
  let id: number;
  let cookie: string;
  let full: Buffer;
  let etag: string;

  beforeAll(async () => {
    const fixture = path.join(uploads, 'ranges.mp3');
    await makeFixture(fixture, 20, ['-c:a', 'libmp3lame', '-b:a', '128k']);
    full = fs.readFileSync(fixture);
    const owner = await signInAs(db.pool, 'artist');
    cookie = owner.cookie;
    id = (
      await request(app())
        .post('/api/artist/tracks')
        .set('Cookie', cookie)
        .field('name', 'Ranges')
        .attach('audio', full, 'r.mp3')
        .expect(201)
    ).body.track.id;
    etag = (await request(app()).head(`/api/tracks/${id}/stream`).set('Cookie', cookie).expect(200)).headers.etag!;
  });

  const get = (range?: string, ifRange?: string) => {
    const req = request(app()).get(`/api/tracks/${id}/stream`).set('Cookie', cookie);
    if (range) req.set('Range', range);
    if (ifRange) req.set('If-Range', ifRange);
    return binary(req);
  };

  it('serves single, open-ended and suffix ranges with exact bytes and headers', async () => {
    const n = full.length;
    for (const [range, start, end] of [
      ['bytes=0-99', 0, 99],
      ['bytes=1000-', 1000, n - 1],
      ['bytes=-500', n - 500, n - 1],
      [`bytes=${n - 10}-${n + 1000}`, n - 10, n - 1],
    ] as const) {
      const res = await get(range);
      expect(res.status).toBe(206);
      expect(res.headers['content-range']).toBe(`bytes ${start}-${end}/${n}`);
      expect(Number(res.headers['content-length'])).toBe(end - start + 1);
      expect((res.body as Buffer).equals(full.subarray(start, end + 1))).toBe(true);
    }
  });

  it('answers 416 with Content-Range: bytes */length', async () => {
    const res = await get(`bytes=${full.length}-`);
    expect(res.status).toBe(416);
    expect(res.headers['content-range']).toBe(`bytes */${full.length}`);
  });

  it('honours If-Range only with the matching strong ETag', async () => {
    expect(etag).toMatch(/^"a-[0-9a-f]{32}"$/);
    expect((await get('bytes=0-9', etag)).status).toBe(206);
    const stale = await get('bytes=0-9', '"a-00000000000000000000000000000000"');
    expect(stale.status).toBe(200);
    expect((stale.body as Buffer).equals(full)).toBe(true);
    expect((await get('bytes=0-9', `W/${etag}`)).status).toBe(200);
  });

  it('answers a revalidation with the current ETag with 304 and no body, before any Range', async () => {
    const revalidate = (inm: string, range?: string) => {
      const req = request(app()).get(`/api/tracks/${id}/stream`).set('Cookie', cookie).set('If-None-Match', inm);
      return range ? req.set('Range', range) : req;
    };
    for (const inm of [etag, `W/${etag}`, `"x", ${etag}`, '*']) {
      const res = await revalidate(inm);
      expect({ inm, status: res.status, length: (res.body as Buffer | undefined)?.length ?? 0 }).toEqual({ inm, status: 304, length: 0 });
      expect(res.headers.etag).toBe(etag);
    }
    expect((await revalidate(etag, 'bytes=0-9')).status).toBe(304);
    const changed = await revalidate('"a-00000000000000000000000000000000"');
    expect(changed.status).toBe(200);
    expect((changed.body as Buffer).equals(full)).toBe(true);
  });

  it('answers several ranges, other units and bad syntax with the whole file', async () => {
    for (const range of ['bytes=0-9,20-29', 'items=0-9', 'bytes=9-0', 'bytes=x-']) {
      const res = await get(range);
      expect({ range, status: res.status }).toEqual({ range, status: 200 });
      expect((res.body as Buffer).equals(full)).toBe(true);
    }
  });

  it('answers HEAD with the headers and no body, and gives preview and full file different ETags', async () => {
    const head = await request(app()).head(`/api/tracks/${id}/stream`).set('Cookie', cookie).expect(200);
    expect(Number(head.headers['content-length'])).toBe(full.length);
    expect(head.headers['last-modified']).toBeDefined();
    expect(head.text ?? '').toBe('');
    await request(app()).patch(`/api/artist/tracks/${id}`).set('Cookie', cookie).send({ isPublished: true }).expect(200);
    const preview = await request(app()).head(`/api/tracks/${id}/stream`).expect(200);
    expect(preview.headers['x-audio-preview']).toBe('true');
    expect(preview.headers.etag).toMatch(/^"p-/);
    expect(preview.headers.etag).not.toBe(etag);
  });
});
