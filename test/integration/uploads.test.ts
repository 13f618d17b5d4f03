import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import { testStorage } from '../support/storage';
import { signInAs } from '../support/auth';
import { useTestDatabase } from '../support/db';
import { png } from '../support/images';
import { decodedSeconds, haveFfmpeg, makeFixture, makeVideoFixture, probeDuration, streamCodec } from '../support/ffmpeg';
import { testApp } from '../support/app';
import { tempDir } from '../support/temp-dir';

jest.setTimeout(120_000);

const db = useTestDatabase();
const fixtures = tempDir('sn-upload-fx-');
const uploads = tempDir('sn-uploads-');

const FORMATS: { file: string; options: string[]; format: string; rate?: number; frame: number; previewCodec?: string }[] = [
  { file: 'cbr.mp3', options: ['-c:a', 'libmp3lame', '-b:a', '128k'], format: 'mp3', frame: 1152 / 44_100 },
  { file: 'vbr.mp3', options: ['-c:a', 'libmp3lame', '-q:a', '3'], format: 'mp3', frame: 1152 / 44_100 },
  { file: 'a.flac', options: ['-c:a', 'flac'], format: 'flac', frame: 4608 / 44_100 },
  { file: 'a.ogg', options: ['-c:a', 'libvorbis'], format: 'ogg-vorbis', frame: 0.001 },
  { file: 'a.opus', options: ['-c:a', 'libopus', '-b:a', '64k'], format: 'ogg-opus', rate: 48_000, frame: 0.02 + 0.0065 },
  { file: 'a.wav', options: ['-c:a', 'pcm_s16le'], format: 'wav', frame: 1 / 44_100 },
  // Cut by ffmpeg: AAC stream-copied in M4A; ALAC and AIFF clips are FLAC (browsers play neither).
  { file: 'a.m4a', options: ['-c:a', 'aac', '-b:a', '160k'], format: 'aac', frame: 1024 / 44_100, previewCodec: 'aac' },
  { file: 'alac.m4a', options: ['-c:a', 'alac'], format: 'alac', frame: 1 / 44_100, previewCodec: 'flac' },
  { file: 'a.aiff', options: ['-c:a', 'pcm_s24be'], format: 'aiff', frame: 1 / 44_100, previewCodec: 'flac' },
];

function makeApp(env: Record<string, string> = {}) {
  return testApp(db.pool, { env: { UPLOAD_DIR: uploads, ...env }, storage: testStorage(uploads) });
}
type App = ReturnType<typeof makeApp>;

/** Every file under UPLOAD_DIR, to prove a refused upload leaves nothing behind. */
function storedFiles(): string[] {
  return fs
    .readdirSync(uploads, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.relative(uploads, path.join(e.parentPath, e.name)))
    .sort();
}
const trackCount = async () => (await db.pool.query('SELECT count(*)::int AS n FROM tracks')).rows[0].n as number;

function upload(app: App, cookie: string, file: { bytes: Buffer; name: string; type?: string }, fields: Record<string, string> = {}) {
  const req = request(app).post('/api/artist/tracks').set('Cookie', cookie);
  for (const [k, v] of Object.entries({ name: 'A song', priceEur: '1.29', freePreviewDuration: '5', ...fields })) req.field(k, v);
  return req.attach('audio', file.bytes, { filename: file.name, contentType: file.type ?? 'audio/mpeg' });
}

/** An upload that must be refused: what it is, the file, the status and error code it must get. */
type Refusal = [label: string, file: { bytes: Buffer; name: string; type?: string }, status: number, code: string];

/** Uploads each file as an artist and expects its refusal, then that nothing was stored: no file, no row. */
async function expectRefusedLeavingNothing(refusals: Refusal[], env: Record<string, string> = {}): Promise<void> {
  const app = makeApp(env);
  const artist = await signInAs(db.pool, 'artist');
  const before = storedFiles();
  const rowsBefore = await trackCount();
  for (const [label, file, status, code] of refusals) {
    const res = await upload(app, artist.cookie, file);
    expect({ label, status: res.status, code: res.body.error?.code }).toEqual({ label, status, code });
  }
  // Give the response-close cleanup of multer's temporary files a moment.
  await new Promise((r) => setTimeout(r, 100));
  expect(storedFiles()).toEqual(before);
  expect(await trackCount()).toBe(rowsBefore);
}

(haveFfmpeg() ? describe : describe.skip)('artist uploads', () => {
  const read = (file: string) => fs.readFileSync(path.join(fixtures, file));

  beforeAll(async () => {
    await Promise.all([
      ...FORMATS.map((f) => makeFixture(path.join(fixtures, f.file), 12, f.options, f.rate)),
      makeFixture(path.join(fixtures, 'mp3.mp4'), 3, ['-c:a', 'libmp3lame', '-f', 'mp4']),
      makeVideoFixture(path.join(fixtures, 'video.mp4')),
      makeFixture(path.join(fixtures, 'fast.m4a'), 12, ['-c:a', 'aac', '-movflags', '+faststart']),
      makeFixture(path.join(fixtures, 'big.wav'), 15, ['-c:a', 'pcm_s16le']),
    ]);
  });

  it.each(FORMATS)('accepts $file: probed, stored under a random name with its checksum, preview cut within a frame', async (f) => {
    const app = makeApp();
    const artist = await signInAs(db.pool, 'artist', { displayName: 'The Testers' });
    const bytes = read(f.file);
    const res = await upload(app, artist.cookie, { bytes, name: `../../etc/${f.file}`, type: 'application/octet-stream' }).expect(201);
    expect(res.body.track).toMatchObject({
      name: 'A song',
      artist: 'The Testers',
      priceEur: '1.29',
      durationSeconds: 12,
      fileSizeBytes: bytes.length,
      format: f.format,
      isPublished: false,
      isDeleted: false,
      preview: { seconds: expect.any(Number) },
    });
    expect(JSON.stringify(res.body)).not.toMatch(/audio\/[a-f0-9]{32}|previews\/|sha256/);

    const { rows } = await db.pool.query('SELECT audio_filename, audio_sha256, preview_filename, preview_mime FROM tracks WHERE id = $1', [
      res.body.track.id,
    ]);
    const row = rows[0];
    expect(row.audio_filename).toMatch(/^audio\/[a-f0-9]{32}\.(mp3|flac|ogg|opus|wav|m4a|aiff)$/);
    const stored = fs.readFileSync(path.join(uploads, row.audio_filename));
    expect(stored.equals(bytes)).toBe(true);
    expect(row.audio_sha256).toBe(crypto.createHash('sha256').update(bytes).digest('hex'));

    const clip = path.join(uploads, row.preview_filename);
    // An independent decoder's count of the samples (ffprobe's container length for our own cutters' clips).
    const heard = f.previewCodec ? await decodedSeconds(clip) : await probeDuration(clip);
    expect(heard).toBeGreaterThanOrEqual(5 - 0.001);
    expect(heard).toBeLessThanOrEqual(5 + f.frame + 0.001);
    if (f.previewCodec) {
      expect(await streamCodec(clip)).toBe(f.previewCodec);
      expect(row.preview_mime).toBe(f.previewCodec === 'flac' ? 'audio/flac' : 'audio/mp4');
    }
    expect(storedFiles().some((name) => name.startsWith('incoming/'))).toBe(false);
  });

  it('refuses lies, truncation, emptiness, MPEG-4 without AAC or ALAC and oversized files, leaving no file and no row', async () => {
    const wav = read('a.wav');
    const mp3 = read('cbr.mp3');
    const cases: Refusal[] = [
      [
        'text claiming to be MP3',
        { bytes: Buffer.from('ID3 this is not audio at all, just words '.repeat(100)), name: 'song.mp3' },
        415,
        'not_audio',
      ],
      ['a PNG named .flac', { bytes: png(8, 8), name: 'song.flac', type: 'audio/flac' }, 415, 'not_audio'],
      ['a truncated MP3', { bytes: mp3.subarray(0, Math.floor(mp3.length * 0.6) + 3), name: 'cut.mp3' }, 422, 'audio_truncated'],
      ['a truncated FLAC', { bytes: read('a.flac').subarray(0, 40_000), name: 'cut.flac' }, 422, 'audio_truncated'],
      ['an empty file', { bytes: Buffer.alloc(0), name: 'empty.mp3' }, 422, 'empty_file'],
      ['MP3 in an MPEG-4 file', { bytes: read('mp3.mp4'), name: 'song.m4a', type: 'audio/mp4' }, 415, 'unsupported_audio_format'],
      ['a music video', { bytes: read('video.mp4'), name: 'song.m4a', type: 'audio/mp4' }, 415, 'unsupported_audio_format'],
      ['a truncated M4A (index at the end)', { bytes: read('a.m4a').subarray(0, 60_000), name: 'cut.m4a' }, 422, 'audio_truncated'],
      ['a truncated M4A (index first)', { bytes: read('fast.m4a').subarray(0, 60_000), name: 'cut.m4a' }, 422, 'audio_truncated'],
      ['a truncated AIFF', { bytes: read('a.aiff').subarray(0, 300_000), name: 'cut.aiff' }, 422, 'audio_truncated'],
      ['over MAX_UPLOAD_MB', { bytes: read('big.wav'), name: 'big.wav', type: 'audio/wav' }, 413, 'file_too_large'],
      ['a WAV whose header promises more than it has', { bytes: wav.subarray(0, 200_000), name: 'short.wav' }, 422, 'audio_truncated'],
    ];
    await expectRefusedLeavingNothing(cases, { MAX_UPLOAD_MB: '1' });
  });

  it('refuses headers that claim an impossible length or sample rate with 422 audio_unreadable, storing nothing', async () => {
    // FLAC STREAMINFO (bytes 8..41): the 20-bit sample rate starts at byte 18. 1 Hz makes 12 s last 529,200 s.
    const flac = Buffer.from(read('a.flac'));
    flac.writeUInt8(0x00, 18);
    flac.writeUInt8(0x00, 19);
    flac.writeUInt8((flac[20]! & 0x0f) | 0x10, 20);
    // Ogg: the last page's granule position (bytes 6..13 of its header) claims 2^62 samples.
    const opus = Buffer.from(read('a.opus'));
    opus.writeBigUInt64LE(1n << 62n, opus.lastIndexOf('OggS') + 6);
    const vorbis = Buffer.from(read('a.ogg'));
    vorbis.writeBigUInt64LE(48_000n * 3600n * 24n * 30n, vorbis.lastIndexOf('OggS') + 6);
    await expectRefusedLeavingNothing([
      ['a FLAC at 1 Hz', { bytes: flac, name: 'slow.flac' }, 422, 'audio_unreadable'],
      ['an Opus file with a huge final granule', { bytes: opus, name: 'long.opus' }, 422, 'audio_unreadable'],
      ['a Vorbis file claiming a month', { bytes: vorbis, name: 'month.ogg' }, 422, 'audio_unreadable'],
    ]);
  });

  it('re-cuts an ALAC master’s FLAC preview from the stored master when its length changes', async () => {
    const app = makeApp();
    const artist = await signInAs(db.pool, 'artist');
    const res = await upload(app, artist.cookie, { bytes: read('alac.m4a'), name: 'a.m4a', type: 'audio/mp4' }).expect(201);
    const edited = await request(app)
      .patch(`/api/artist/tracks/${res.body.track.id}`)
      .set('Cookie', artist.cookie)
      .send({ freePreviewDuration: 8 })
      .expect(200);
    const { rows } = await db.pool.query('SELECT preview_filename, preview_mime FROM tracks WHERE id = $1', [res.body.track.id]);
    const clip = path.join(uploads, rows[0].preview_filename);
    expect([rows[0].preview_mime, await streamCodec(clip)]).toEqual(['audio/flac', 'flac']);
    expect(Math.abs((await decodedSeconds(clip)) - 8)).toBeLessThan(0.001);
    expect(edited.body.track.preview.seconds).toBeCloseTo(8, 3);
    expect(storedFiles().some((name) => name.startsWith('incoming/'))).toBe(false);
  });

  it('decides the type by the bytes: a WAV named .mp3 is stored as WAV', async () => {
    const app = makeApp();
    const artist = await signInAs(db.pool, 'artist');
    const res = await upload(app, artist.cookie, { bytes: read('a.wav'), name: 'honest.mp3', type: 'audio/mpeg' }).expect(201);
    expect(res.body.track.format).toBe('wav');
  });

  it('refuses bad fields and missing files with 400, and listeners with 403, storing nothing', async () => {
    const app = makeApp();
    const artist = await signInAs(db.pool, 'artist');
    const listener = await signInAs(db.pool, 'user');
    const before = storedFiles();
    const badFields: Record<string, string>[] = [
      { priceEur: 'abc' },
      { priceEur: '-1' },
      { name: '' },
      { freePreviewDuration: '601' },
      { isFree: 'maybe' },
    ];
    for (const fields of badFields) {
      const res = await upload(app, artist.cookie, { bytes: read('cbr.mp3'), name: 'x.mp3' }, fields);
      expect({ fields, status: res.status, code: res.body.error?.code }).toEqual({ fields, status: 400, code: 'validation_failed' });
    }
    const noFile = await request(app).post('/api/artist/tracks').set('Cookie', artist.cookie).field('name', 'x');
    expect([noFile.status, noFile.body.error.code]).toEqual([400, 'file_required']);
    const json = await request(app).post('/api/artist/tracks').set('Cookie', artist.cookie).send({ name: 'x' });
    expect([json.status, json.body.error.code]).toEqual([400, 'multipart_required']);
    const refused = await upload(app, listener.cookie, { bytes: read('cbr.mp3'), name: 'x.mp3' });
    expect(refused.status).toBe(403);
    const anonymous = await request(app).post('/api/artist/tracks').attach('audio', read('cbr.mp3'), 'x.mp3');
    expect(anonymous.status).toBe(401);
    await new Promise((r) => setTimeout(r, 100));
    expect(storedFiles()).toEqual(before);
  });

  it('stores sniffed cover art and refuses SVG covers without keeping the audio', async () => {
    const app = makeApp();
    const artist = await signInAs(db.pool, 'artist');
    const before = storedFiles();
    const svg = await upload(app, artist.cookie, { bytes: read('cbr.mp3'), name: 'x.mp3' }).attach(
      'cover',
      Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>'),
      {
        filename: 'c.png',
        contentType: 'image/png',
      },
    );
    expect([svg.status, svg.body.error.code]).toEqual([415, 'unsupported_image']);
    await new Promise((r) => setTimeout(r, 100));
    expect(storedFiles()).toEqual(before);

    const cover = png(300, 300);
    const ok = await upload(app, artist.cookie, { bytes: read('cbr.mp3'), name: 'x.mp3' })
      .attach('cover', cover, 'cover.gif')
      .expect(201);
    expect(ok.body.track.coverUrl).toMatch(new RegExp(`^/api/tracks/${ok.body.track.id}/cover\\?v=[0-9a-f]{12}$`));
    await request(app).get(ok.body.track.coverUrl).expect(404); // not published yet: nobody else sees it…
    const draft = await request(app).get(ok.body.track.coverUrl).set('Cookie', artist.cookie).expect(200); // …but its artist does
    expect(draft.headers['cache-control']).toBe('private, no-cache');
    await request(app).patch(`/api/artist/tracks/${ok.body.track.id}`).set('Cookie', artist.cookie).send({ isPublished: true }).expect(200);
    const served = await request(app).get(ok.body.track.coverUrl).buffer(true).expect(200);
    expect(served.headers['content-type']).toBe('image/png');
    expect(served.headers['cache-control']).toBe('public, max-age=86400');
    expect(Buffer.compare(served.body as Buffer, cover)).toBe(0);
  });

  it('replaces and removes cover art: owner or admin only, checked by its bytes, old file gone, new URL', async () => {
    const app = makeApp();
    const artist = await signInAs(db.pool, 'artist');
    const other = await signInAs(db.pool, 'artist');
    const admin = await signInAs(db.pool, 'admin');
    const first = png(200, 200);
    const created = await upload(app, artist.cookie, { bytes: read('cbr.mp3'), name: 'x.mp3' })
      .attach('cover', first, 'c.png')
      .expect(201);
    const { id, coverUrl: firstUrl } = created.body.track as { id: number; coverUrl: string };
    const put = (cookie: string, bytes: Buffer, name = 'cover.png', trackId = id) =>
      request(app)
        .put(`/api/artist/tracks/${trackId}/cover`)
        .set('Cookie', cookie)
        .attach('cover', bytes, { filename: name, contentType: 'image/png' });
    const coverFiles = () => storedFiles().filter((f) => f.startsWith('covers/'));
    const before = coverFiles();

    // Refused without a trace: another artist's track, a lying file, too large, no file, not multipart.
    const cases: [request.Test, number, string][] = [
      [put(other.cookie, png(10, 10)), 404, 'track_not_found'],
      [put(artist.cookie, Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>'), 'evil.png'), 415, 'unsupported_image'],
      [put(artist.cookie, Buffer.concat([Buffer.from('GIF89a'), Buffer.alloc(100)]), 'x.png'), 415, 'unsupported_image'],
      [put(artist.cookie, Buffer.alloc(5 * 1024 * 1024 + 1), 'big.png'), 413, 'file_too_large'],
      [put(artist.cookie, png(10, 10), 'c.png', 2_000_000_000), 404, 'track_not_found'],
      [request(app).put(`/api/artist/tracks/${id}/cover`).set('Cookie', artist.cookie).field('x', 'y'), 400, 'file_required'],
      [request(app).put(`/api/artist/tracks/${id}/cover`).set('Cookie', artist.cookie).send({ cover: 'x' }), 400, 'multipart_required'],
      [put('', png(10, 10)), 401, 'unauthenticated'],
    ];
    for (const [req, status, code] of cases) {
      const res = await req;
      expect([res.status, res.body.error?.code]).toEqual([status, code]);
    }
    expect(coverFiles()).toEqual(before);

    const second = png(320, 320);
    const replaced = await put(artist.cookie, second).expect(200);
    expect(replaced.body.track.coverUrl).not.toBe(firstUrl);
    expect(coverFiles()).toHaveLength(before.length); // the first file is gone, the new one took its place
    await request(app).patch(`/api/artist/tracks/${id}`).set('Cookie', artist.cookie).send({ isPublished: true }).expect(200);
    const served = await request(app).get(replaced.body.track.coverUrl).buffer(true).expect(200);
    expect(Buffer.compare(served.body as Buffer, second)).toBe(0);

    await put(admin.cookie, png(64, 64)).expect(200); // admins moderate covers too
    const removed = await request(app).delete(`/api/artist/tracks/${id}/cover`).set('Cookie', artist.cookie).expect(200);
    expect(removed.body.track.coverUrl).toBeNull();
    expect(coverFiles()).toHaveLength(before.length - 1);
    await request(app).get(`/api/tracks/${id}/cover`).expect(404);
  });
});

(haveFfmpeg() ? describe : describe.skip)('artist track management and the catalog', () => {
  let fixture: Buffer;
  beforeAll(async () => {
    await makeFixture(path.join(fixtures, 'm.mp3'), 20, ['-c:a', 'libmp3lame', '-b:a', '96k']);
    fixture = fs.readFileSync(path.join(fixtures, 'm.mp3'));
  });

  async function uploadTrack(app: App, cookie: string, fields: Record<string, string> = {}) {
    return (await upload(app, cookie, { bytes: fixture, name: 'm.mp3' }, fields).expect(201)).body.track;
  }

  it('lets artists manage only their own tracks, and admins any', async () => {
    const app = makeApp();
    const alice = await signInAs(db.pool, 'artist');
    const bob = await signInAs(db.pool, 'artist');
    const admin = await signInAs(db.pool, 'admin');
    const track = await uploadTrack(app, alice.cookie, { name: 'Alice song' });

    const bobsList = await request(app).get('/api/artist/tracks').set('Cookie', bob.cookie).expect(200);
    expect(bobsList.body.tracks.map((t: { id: number }) => t.id)).not.toContain(track.id);
    const alicesList = await request(app).get('/api/artist/tracks').set('Cookie', alice.cookie).expect(200);
    expect(alicesList.body.tracks.map((t: { id: number }) => t.id)).toContain(track.id);

    const row = async () =>
      (await db.pool.query('SELECT name, genre, is_deleted, free_preview_duration FROM tracks WHERE id = $1', [track.id])).rows[0];
    const before = await row();
    await request(app).patch(`/api/artist/tracks/${track.id}`).set('Cookie', bob.cookie).send({ name: 'Mine' }).expect(404);
    await request(app).delete(`/api/artist/tracks/${track.id}`).set('Cookie', bob.cookie).expect(404);
    expect(await row()).toEqual(before); // refused, and nothing of it written
    const byAdmin = await request(app)
      .patch(`/api/artist/tracks/${track.id}`)
      .set('Cookie', admin.cookie)
      .send({ genre: 'folk' })
      .expect(200);
    expect(byAdmin.body.track.genre).toBe('folk');
    const afterAdmin = await row();
    for (const body of [{ priceEur: 1.29 }, { freePreviewDuration: -1 }, { audioFilename: 'x' }, { isPublished: 'yes' }]) {
      await request(app).patch(`/api/artist/tracks/${track.id}`).set('Cookie', alice.cookie).send(body).expect(400);
    }
    expect(await row()).toEqual(afterAdmin);
  });

  it('re-cuts the preview when its length changes and removes the old clip; 0 means no preview', async () => {
    const app = makeApp();
    const artist = await signInAs(db.pool, 'artist');
    const track = await uploadTrack(app, artist.cookie);
    const key = async () => (await db.pool.query('SELECT preview_filename FROM tracks WHERE id = $1', [track.id])).rows[0].preview_filename;
    const first = await key();
    const res = await request(app)
      .patch(`/api/artist/tracks/${track.id}`)
      .set('Cookie', artist.cookie)
      .send({ freePreviewDuration: 12 })
      .expect(200);
    const second = await key();
    expect(second).not.toBe(first);
    expect(fs.existsSync(path.join(uploads, first))).toBe(false);
    const measured = await probeDuration(path.join(uploads, second));
    expect(measured).toBeGreaterThanOrEqual(12);
    expect(measured).toBeLessThan(12 + 1152 / 44_100 + 0.001);
    expect(res.body.track.preview.seconds).toBeCloseTo(measured, 2);

    const none = await request(app)
      .patch(`/api/artist/tracks/${track.id}`)
      .set('Cookie', artist.cookie)
      .send({ freePreviewDuration: 0 })
      .expect(200);
    expect(none.body.track.preview).toBeNull();
    expect(fs.existsSync(path.join(uploads, second))).toBe(false);
  });

  it('lists only published, undeleted tracks, with search, genre, artist, sorting and paging', async () => {
    const app = makeApp();
    const artist = await signInAs(db.pool, 'artist', { displayName: `Catalog Artist ${Date.now()}` });
    const tag = `zq${Date.now().toString(36)}`;
    const published = [];
    for (const [i, genre] of ['jazz', 'rock', 'jazz'].entries()) {
      const t = await uploadTrack(app, artist.cookie, { name: `${tag} number ${i}`, genre, priceEur: `${3 - i}.00` });
      await request(app).patch(`/api/artist/tracks/${t.id}`).set('Cookie', artist.cookie).send({ isPublished: true }).expect(200);
      published.push(t);
    }
    const hidden = await uploadTrack(app, artist.cookie, { name: `${tag} unpublished` });
    const deleted = await uploadTrack(app, artist.cookie, { name: `${tag} deleted` });
    await request(app).patch(`/api/artist/tracks/${deleted.id}`).set('Cookie', artist.cookie).send({ isPublished: true }).expect(200);
    const previewKey = (await db.pool.query('SELECT preview_filename FROM tracks WHERE id = $1', [deleted.id])).rows[0].preview_filename;
    await request(app).delete(`/api/artist/tracks/${deleted.id}`).set('Cookie', artist.cookie).expect(204);
    await request(app).delete(`/api/artist/tracks/${deleted.id}`).set('Cookie', artist.cookie).expect(204); // idempotent
    expect(fs.existsSync(path.join(uploads, previewKey))).toBe(false);

    const search = await request(app).get('/api/tracks').query({ q: tag.toUpperCase() }).expect(200);
    expect(search.body.total).toBe(3);
    expect(search.body.tracks.map((t: { id: number }) => t.id).sort()).toEqual(published.map((t) => t.id).sort());
    const jazz = await request(app).get('/api/tracks').query({ q: tag, genre: 'jazz' }).expect(200);
    expect(jazz.body.total).toBe(2);
    const byPrice = await request(app)
      .get('/api/tracks')
      .query({ artist: String(artist.user.id), sort: 'price' })
      .expect(200);
    expect(byPrice.body.tracks.map((t: { priceEur: string }) => t.priceEur)).toEqual(['1.00', '2.00', '3.00']);
    const paged = await request(app).get('/api/tracks').query({ q: tag, limit: 2, page: 2 }).expect(200);
    expect(paged.body).toMatchObject({ total: 3, page: 2, limit: 2 });
    expect(paged.body.tracks).toHaveLength(1);

    await request(app).get(`/api/tracks/${hidden.id}`).expect(404);
    await request(app).get(`/api/tracks/${deleted.id}`).expect(404);
    await request(app).get(`/api/tracks/${published[0].id}`).expect(200);
    // The deleted track's audio stays for its buyers.
    const { rows } = await db.pool.query('SELECT audio_filename, is_deleted, deleted_at FROM tracks WHERE id = $1', [deleted.id]);
    expect(rows[0].is_deleted).toBe(true);
    expect(rows[0].deleted_at).not.toBeNull();
    expect(fs.existsSync(path.join(uploads, rows[0].audio_filename))).toBe(true);
    await request(app).patch(`/api/artist/tracks/${deleted.id}`).set('Cookie', artist.cookie).send({ isPublished: true }).expect(404);

    const page = await request(app).get(`/api/artists/${artist.user.id}`).expect(200);
    expect(page.body.artist.name).toMatch(/^Catalog Artist/);
    expect(page.body.total).toBe(3);
    const genres = await request(app).get('/api/genres').expect(200);
    expect(genres.body.genres).toEqual(expect.arrayContaining([expect.objectContaining({ genre: 'jazz' })]));

    for (const query of [{ limit: '101' }, { sort: 'random' }, { page: '0' }, { artist: 'x' }, { extra: '1' }]) {
      const bad = await request(app).get('/api/tracks').query(query).expect(400);
      expect(bad.body.error.code).toBe('validation_failed');
    }
    const listener = await signInAs(db.pool, 'user');
    await request(app).get(`/api/artists/${listener.user.id}`).expect(404);
  });
});
