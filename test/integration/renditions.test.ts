import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { signInAs } from '../support/auth';
import { startCheckoutHarness, useCheckoutHarness, type Reply } from '../support/checkout';
import { useTestDatabase } from '../support/db';
import { buildPurchase } from '../support/factories';
import { haveFfmpeg, makeFixture } from '../support/ffmpeg';
import { png } from '../support/images';
import { tempDir } from '../support/temp-dir';
import { until } from '../support/until';
import { zipEntries } from '../support/zip';

/**
 * Renditions of a FLAC master, made by the npm package's ffmpeg (FFMPEG_PATH
 * unset) on the durable job queue, checked by Debian's ffprobe: each format
 * has the right codec, the master's length, the tags and (where the
 * container holds one) the cover. The first request answers 202 and queues
 * one job however many ask; a lossy master is offered as itself only.
 */

const run = promisify(execFile);
const db = useTestDatabase();
// Every format of every track of an album, polled: more requests than one listener's rate limit allows.
const shop = useCheckoutHarness(db, { durableJobs: true, env: { RATE_LIMIT_MAX: '100000' } });
const work = tempDir('sn-renditions-');
const maybe = haveFfmpeg() ? describe : describe.skip;

/** Asks for a rendition until it is ready (202 while the job runs); the file's bytes. */
async function download(trackId: number, cookie: string, format: string): Promise<Reply> {
  let reply = await shop.call('GET', `/api/tracks/${trackId}/download?format=${format}`, { cookie });
  await until(
    async () => {
      if (reply.status !== 202) return true;
      reply = await shop.call('GET', `/api/tracks/${trackId}/download?format=${format}`, { cookie });
      return reply.status !== 202;
    },
    `the ${format} rendition`,
    60_000,
  );
  return reply;
}

/** Gives a release its cover through the studio's API. */
async function setReleaseCover(releaseId: number, cookie: string, image: Buffer): Promise<void> {
  const form = new FormData();
  form.set('cover', new Blob([new Uint8Array(image)], { type: 'image/png' }), 'cover.png');
  const res = await fetch(`${shop.base}/api/artist/releases/${releaseId}/cover`, {
    method: 'PUT',
    headers: { Cookie: cookie, Origin: shop.config.appOrigin },
    body: form,
  });
  expect(res.status).toBe(200);
}

async function probe(file: string) {
  const { stdout } = await run('ffprobe', ['-v', 'error', '-show_streams', '-show_format', '-of', 'json', file]);
  return JSON.parse(stdout) as {
    streams: { codec_type: string; codec_name: string; disposition?: { attached_pic?: number }; tags?: Record<string, string> }[];
    format: { duration: string; tags?: Record<string, string> };
  };
}

const EXPECTED: Record<string, { codec: string; cover: boolean }> = {
  mp3_320: { codec: 'mp3', cover: true },
  mp3_v0: { codec: 'mp3', cover: true },
  aac: { codec: 'aac', cover: true },
  vorbis: { codec: 'vorbis', cover: false },
  opus: { codec: 'opus', cover: false },
  flac: { codec: 'flac', cover: true },
  alac: { codec: 'alac', cover: true },
  wav: { codec: 'pcm_s16le', cover: false },
  aiff: { codec: 'pcm_s16be', cover: false },
};

maybe('renditions of a lossless master', () => {
  it('makes every format once, with the length, tags and cover a buyer expects', async () => {
    const artist = await signInAs(db.pool, 'artist', { displayName: 'Tide Pool' });
    const buyer = await signInAs(db.pool, 'user');
    const runsBefore = shop.deps.ffmpeg.runs;
    const flac = path.join(work, 'master.flac');
    await makeFixture(flac, 4, ['-c:a', 'flac']);
    const release = await shop.call('POST', '/api/artist/releases', {
      cookie: artist.cookie,
      json: { title: 'Slow Water', releaseDate: '2025-05-01' },
    });
    const uploaded = await shop.uploadInto(release.body.release.id, artist.cookie, flac, {
      name: 'Harbour Lights',
      type: 'audio/flac',
      cover: png(64, 64),
    });
    expect(uploaded.status).toBe(201);
    const trackId: number = uploaded.body.track.id;
    expect(
      (await shop.call('PATCH', `/api/artist/releases/${release.body.release.id}`, { cookie: artist.cookie, json: { isPublished: true } }))
        .status,
    ).toBe(200);
    await buildPurchase(db.pool, { userId: buyer.user.id, trackId });

    const formats = (await shop.call('GET', `/api/tracks/${trackId}/formats`)).body.formats;
    expect(formats.map((f: { format: string }) => f.format)).toEqual(['original', ...Object.keys(EXPECTED)]);
    // The streaming rendition (AAC) is made right after the upload; the others wait to be asked for.
    expect(
      formats.filter((f: { ready: boolean; format: string }) => f.ready && f.format !== 'aac').map((f: { format: string }) => f.format),
    ).toEqual(['original']);

    const stranger = await signInAs(db.pool, 'user');
    const refused = await shop.call('GET', `/api/tracks/${trackId}/download?format=flac`, { cookie: stranger.cookie });
    expect([refused.status, refused.body.error.code]).toEqual([403, 'purchase_required']);

    // Two first requests at once: one job, one ffmpeg run.
    const first = await Promise.all(
      [1, 2].map(() => shop.call('GET', `/api/tracks/${trackId}/download?format=mp3_320`, { cookie: buyer.cookie })),
    );
    expect(first.map((r) => [r.status, r.body.status])).toEqual([
      [202, 'preparing'],
      [202, 'preparing'],
    ]);
    await download(trackId, buyer.cookie, 'mp3_320');

    for (const [format, expected] of Object.entries(EXPECTED)) {
      const reply = await download(trackId, buyer.cookie, format);
      expect([format, reply.status]).toEqual([format, 200]);
      const file = path.join(work, `out-${format}`);
      fs.writeFileSync(file, reply.bytes);
      const info = await probe(file);
      const audio = info.streams.find((s) => s.codec_type === 'audio')!;
      expect([format, audio.codec_name]).toEqual([format, expected.codec]);
      // Within one frame of the master's 4 seconds (the longest frame here, MP3's, is 26 ms; encoders pad a little).
      expect(Math.abs(Number(info.format.duration) - 4)).toBeLessThan(0.06);
      const tags = Object.fromEntries(Object.entries({ ...info.format.tags, ...audio.tags }).map(([k, v]) => [k.toLowerCase(), v]));
      expect([format, tags.title, tags.artist]).toEqual([format, 'Harbour Lights', 'Tide Pool']);
      if (!['wav', 'aiff'].includes(format)) expect([format, tags.album]).toEqual([format, 'Slow Water']);
      const cover = info.streams.some((s) => s.codec_type === 'video' && s.disposition?.attached_pic === 1);
      expect([format, cover]).toEqual([format, expected.cover]);
    }
    // A buyer's full stream of the lossless master is its AAC rendition; quality=original is the master; a listener hears the preview.
    const streamed = await fetch(`${shop.base}/api/tracks/${trackId}/stream`, { headers: { Cookie: buyer.cookie, Range: 'bytes=0-99' } });
    expect([streamed.status, streamed.headers.get('content-type')]).toEqual([206, 'audio/mp4']);
    const master = await fetch(`${shop.base}/api/tracks/${trackId}/stream?quality=original`, {
      headers: { Cookie: buyer.cookie, Range: 'bytes=0-3' },
    });
    expect([master.headers.get('content-type'), Buffer.from(await master.arrayBuffer()).toString('latin1')]).toEqual([
      'audio/flac',
      'fLaC',
    ]);
    const preview = await fetch(`${shop.base}/api/tracks/${trackId}/stream`, { headers: { Cookie: stranger.cookie, Range: 'bytes=0-3' } });
    expect(preview.headers.get('content-type')).toBe('audio/flac');
    const named = await shop.call('GET', `/api/tracks/${trackId}/download?format=flac`, { cookie: buyer.cookie });
    expect(named.bytes.length).toBeGreaterThan(0);
    const ready = (await shop.call('GET', `/api/tracks/${trackId}/formats`)).body.formats;
    expect(ready.every((f: { ready: boolean }) => f.ready)).toBe(true);
    // Every job asked for settles, and ffmpeg ran once per format: a job queued while another made the same file found it made.
    const open = async () =>
      (
        await db.pool.query(
          `SELECT count(*)::int AS n FROM pgboss.job WHERE name = 'rendition' AND state IN ('created', 'retry', 'active')`,
        )
      ).rows[0].n;
    await until(async () => (await open()) === 0, 'the queued rendition jobs to settle', 30_000);
    expect(shop.deps.ffmpeg.runs - runsBefore).toBe(Object.keys(EXPECTED).length + 1); // and the waveform, once
  });

  it('offers a lossy master as itself only', async () => {
    const buyer = await signInAs(db.pool, 'user');
    const { track } = await shop.sellable('1.00', { audioFormat: 'mp3' });
    await buildPurchase(db.pool, { userId: buyer.user.id, trackId: track.id });
    expect((await shop.call('GET', `/api/tracks/${track.id}/formats`)).body.formats.map((f: { format: string }) => f.format)).toEqual([
      'original',
    ]);
    const flac = await shop.call('GET', `/api/tracks/${track.id}/download?format=flac`, { cookie: buyer.cookie });
    expect([flac.status, flac.body.error.code]).toEqual([400, 'invalid_value']);
    const bogus = await shop.call('GET', `/api/tracks/${track.id}/download?format=mp4`, { cookie: buyer.cookie });
    expect([bogus.status, bogus.body.error.code]).toEqual([400, 'validation_failed']);
  });
});

maybe('an 8-track FLAC album uploaded once', () => {
  it('gives a buyer every format of every track (codec, length, tags, cover) and a ZIP of the 8 in order with the cover', async () => {
    const artist = await signInAs(db.pool, 'artist', { displayName: 'Bell Ringers' });
    const buyer = await signInAs(db.pool, 'user');
    const release = (
      await shop.call('POST', '/api/artist/releases', { cookie: artist.cookie, json: { title: 'Eight Bells', releaseDate: '2024-03-01' } })
    ).body.release;
    await setReleaseCover(release.id, artist.cookie, png(64, 64));
    const tracks: { id: number; n: number }[] = [];
    for (let n = 1; n <= 8; n++) {
      const file = path.join(work, `bell-${n}.flac`);
      await makeFixture(file, 1.5, ['-c:a', 'flac']);
      const uploaded = await shop.uploadInto(release.id, artist.cookie, file, { name: `Bell ${n}`, type: 'audio/flac' });
      expect(uploaded.status).toBe(201);
      tracks.push({ id: uploaded.body.track.id, n });
      await buildPurchase(db.pool, { userId: buyer.user.id, trackId: uploaded.body.track.id });
    }
    await shop.call('PATCH', `/api/artist/releases/${release.id}`, { cookie: artist.cookie, json: { isPublished: true } });

    // Ask for everything at once (each rendition queued once), then collect each as it is ready.
    const formats = Object.keys(EXPECTED);
    await Promise.all(
      tracks.flatMap((t) => formats.map((f) => shop.call('GET', `/api/tracks/${t.id}/download?format=${f}`, { cookie: buyer.cookie }))),
    );
    for (const { id, n } of tracks) {
      for (const [format, expected] of Object.entries(EXPECTED)) {
        const reply = await download(id, buyer.cookie, format);
        expect([n, format, reply.status, reply.status === 200 ? '' : reply.bytes.toString()]).toEqual([n, format, 200, '']);
        const file = path.join(work, `bell-${n}-${format}`);
        fs.writeFileSync(file, reply.bytes);
        const info = await probe(file);
        const audio = info.streams.find((s) => s.codec_type === 'audio')!;
        const tags = Object.fromEntries(Object.entries({ ...info.format.tags, ...audio.tags }).map(([k, v]) => [k.toLowerCase(), v]));
        const cover = info.streams.some((s) => s.codec_type === 'video' && s.disposition?.attached_pic === 1);
        const tagged = !['wav', 'aiff'].includes(format); // RIFF INFO and AIFF's ID3 here carry title and artist only
        expect({
          n,
          format,
          codec: audio.codec_name,
          length: Math.abs(Number(info.format.duration) - 1.5) < 0.06,
          title: tags.title,
          artist: tags.artist,
          album: tagged ? tags.album : 'Eight Bells',
          track: tagged ? String(tags.track ?? tags.tracknumber).split('/')[0] : String(n),
          cover,
        }).toEqual({
          n,
          format,
          codec: expected.codec,
          length: true,
          title: `Bell ${n}`,
          artist: 'Bell Ringers',
          album: 'Eight Bells',
          track: String(n),
          cover: expected.cover,
        });
      }
    }
    const url = `/api/releases/${release.id}/download?format=flac`;
    let zip = await shop.call('GET', url, { cookie: buyer.cookie });
    await until(async () => (zip = await shop.call('GET', url, { cookie: buyer.cookie })).status === 200, 'the album ZIP', 30_000);
    expect((await zipEntries(zip.bytes)).map((e) => e.name)).toEqual([
      ...tracks.map(({ n }) => `0${n} Bell Ringers - Bell ${n}.flac`),
      'cover.png',
    ]);
  }, 240_000);
});

maybe('a release as one ZIP', () => {
  it('prepares the tracks in the chosen format, then streams them in order with the cover', async () => {
    const artist = await signInAs(db.pool, 'artist', { displayName: 'Tide Pool' });
    const buyer = await signInAs(db.pool, 'user');
    const release = (await shop.call('POST', '/api/artist/releases', { cookie: artist.cookie, json: { title: 'Two Tides' } })).body.release;
    const ids: number[] = [];
    for (const name of ['One', 'Two']) {
      const file = path.join(work, `${name}.flac`);
      await makeFixture(file, 2, ['-c:a', 'flac']);
      ids.push((await shop.uploadInto(release.id, artist.cookie, file, { name, type: 'audio/flac' })).body.track.id);
    }
    await setReleaseCover(release.id, artist.cookie, png(48, 48));
    await shop.call('PATCH', `/api/artist/releases/${release.id}`, { cookie: artist.cookie, json: { isPublished: true } });

    const url = `/api/releases/${release.id}/download?format=opus`;
    expect((await shop.call('GET', url, { cookie: buyer.cookie })).status).toBe(403);
    for (const trackId of ids) await buildPurchase(db.pool, { userId: buyer.user.id, trackId });

    const first = await shop.call('GET', url, { cookie: buyer.cookie });
    expect([first.status, first.body]).toEqual([202, { status: 'preparing', format: 'opus', ready: 0, total: 2 }]);
    let reply = first;
    await until(async () => (reply = await shop.call('GET', url, { cookie: buyer.cookie })).status === 200, 'the ZIP', 60_000);
    expect(reply.bytes.subarray(0, 2).toString('latin1')).toBe('PK');
    const entries = await zipEntries(reply.bytes);
    expect(entries.map((e) => e.name)).toEqual(['01 Tide Pool - One.opus', '02 Tide Pool - Two.opus', 'cover.png']);
    expect(entries.every((e) => e.size > 0)).toBe(true);

    // A client that hangs up after the first bytes: the stream stops, nothing crashes, the next download works.
    const abort = new AbortController();
    const partial = await fetch(`${shop.base}/api/releases/${release.id}/download`, {
      headers: { Cookie: buyer.cookie, Origin: shop.config.appOrigin },
      signal: abort.signal,
    });
    await partial.body!.getReader().read();
    abort.abort();
    const original = await shop.call('GET', `/api/releases/${release.id}/download`, { cookie: buyer.cookie });
    expect((await zipEntries(original.bytes)).map((e) => e.name)).toEqual([
      '01 Tide Pool - One.flac',
      '02 Tide Pool - Two.flac',
      'cover.png',
    ]);
  });
});

describe('without a working ffmpeg', () => {
  it('answers a clear 503 for renditions while the originals, the formats list and the rest of the store keep working', async () => {
    // Jobs inline: a second worker on this database would take the other harness's jobs, with storage of its own.
    const broken = await startCheckoutHarness(db.pool, { env: { FFMPEG_PATH: path.join(work, 'no-such-ffmpeg') } });
    try {
      const buyer = await signInAs(db.pool, 'user');
      const { track, full } = await broken.sellable('1.00', { audioFormat: 'flac' });
      await buildPurchase(db.pool, { userId: buyer.user.id, trackId: track.id });
      const rendition = await broken.call('GET', `/api/tracks/${track.id}/download?format=mp3_320`, { cookie: buyer.cookie });
      expect([rendition.status, rendition.body.error.code]).toEqual([503, 'service_unavailable']);
      expect(rendition.body.error.message).toMatch(/transcoder is missing/);
      const original = await broken.call('GET', `/api/tracks/${track.id}/download`, { cookie: buyer.cookie });
      expect([original.status, original.bytes.equals(full)]).toEqual([200, true]);
      expect((await broken.call('GET', `/api/tracks/${track.id}/formats`)).status).toBe(200);
      expect((await broken.call('GET', '/readyz')).status).toBe(200);
    } finally {
      await broken.close();
    }
  });
});
