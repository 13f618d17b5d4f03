import { execFile, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { insertTrack } from '../db/repos/tracks.repo';
import { insertUser } from '../db/repos/users.repo';
import { createLogger } from '../lib/logger';
import { createApp } from '../server/app';
import { appDeps } from '../server/compose';
import { parseConfig } from '../server/config';
import { packagedFfmpeg } from '../services/audio/ffmpeg';
import { startSession } from '../services/auth/sessions.service';
import { systemClock } from '../lib/clock';
import { makeRendition } from '../services/renditions/rendition.service';
import { jobHandlers } from '../services/jobs/handlers';
import { PgBossQueue } from '../services/jobs/pg-boss-queue';
import { workOptions } from '../server/jobs';
import { LocalDiskStorage } from '../services/storage/local-disk.storage';
import { withBenchDatabase } from './lib/bench-database';
import { median } from './lib/http-load';

/**
 * Renditions, in one run against baselines on the same machine:
 * - the first MP3 320 rendition of a 5-minute FLAC (the job's whole work:
 *   copy the master out of storage, transcode with tags, store, record)
 *   against the same ffmpeg transcode run by hand;
 * - an 8-track release ZIP (original FLACs, 30 s each) streamed by the
 *   store, 4 downloads at once, against reading the same files 4 times
 *   from disk; with the server process's peak RSS growth (sampled every
 *   10 ms) — the archive is streamed, never held in memory;
 * - the first 8-track ZIP in MP3 320 as a buyer gets it (asked for, every
 *   rendition made on the durable queue, polled, downloaded) against the
 *   8 transcodes by hand, as many at once as the store runs.
 * Medians of 3 rounds. ffmpeg is the npm package's, as on a fresh machine.
 */

const ROUNDS = 3;

function flac(ffmpeg: string, file: string, seconds: number): void {
  execFileSync(ffmpeg, [
    '-v',
    'error',
    '-y',
    '-f',
    'lavfi',
    '-i',
    `sine=frequency=440:duration=${seconds}:sample_rate=44100`,
    '-ac',
    '2',
    '-c:a',
    'flac',
    file,
  ]);
}

/** GET a URL with a cookie; resolves with the number of body bytes. */
function fetchBytes(port: number, pathname: string, cookie: string): Promise<number> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path: pathname, headers: { Cookie: cookie } }, (res) => {
        let n = 0;
        res.on('data', (chunk: Buffer) => (n += chunk.length));
        res.on('end', () => (res.statusCode === 200 ? resolve(n) : reject(new Error(`${pathname} answered ${res.statusCode}`))));
      })
      .on('error', reject);
  });
}

/** The baseline transcode: the same MP3 320 the store makes, by hand, without tags. */
const mp3ByHand = (input: string, output: string) => [
  '-v',
  'error',
  '-y',
  '-i',
  input,
  '-c:a',
  'libmp3lame',
  '-b:a',
  '320k',
  '-f',
  'mp3',
  output,
];

const ms = (since: bigint) => Number(process.hrtime.bigint() - since) / 1e6;

export async function run(): Promise<void> {
  await withBenchDatabase('renditions', async ({ dir, pool, url }) => {
    const ffmpeg = packagedFfmpeg();
    const uploads = path.join(dir, 'uploads');
    const config = parseConfig({ NODE_ENV: 'test', APP_ORIGIN: 'http://bench.test', UPLOAD_DIR: uploads, RATE_LIMIT_MAX: '100000' });
    const storage = new LocalDiskStorage(uploads);
    const deps = appDeps({ config, db: pool, logger: createLogger('silent') }, { storage });
    const artist = await insertUser(pool, { email: 'bench@bench.test', username: 'bench', role: 'artist', displayName: 'Bench' });

    // One 5-minute master, transcoded to MP3 320 by the job and by hand.
    const master = path.join(dir, 'master.flac');
    flac(ffmpeg, master, 300);
    const key = `audio/${'a'.repeat(32)}.flac`;
    await storage.putFile(key, master);
    flac(ffmpeg, master, 300);
    const track = await insertTrack(pool, {
      name: 'Long',
      artist: 'Bench',
      artistUserId: artist.id,
      audioFilename: key,
      audioFormat: 'flac',
      audioSha256: 'b'.repeat(64),
      isPublished: true,
    });
    const jobMs: number[] = [];
    const byHandMs: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      await pool.query('DELETE FROM renditions');
      let started = process.hrtime.bigint();
      await makeRendition(deps, track.id, 'mp3_320');
      jobMs.push(ms(started));
      started = process.hrtime.bigint();
      execFileSync(ffmpeg, mp3ByHand(master, path.join(dir, 'by-hand.mp3')));
      byHandMs.push(ms(started));
    }

    // An 8-track release of 30-second FLACs, downloaded whole, 4 at once.
    const release = await pool.query<{ id: number }>(
      `INSERT INTO releases (artist_user_id, title, is_published, published_at) VALUES ($1, 'Bench Album', true, now()) RETURNING id`,
      [artist.id],
    );
    const buyer = await insertUser(pool, { email: 'buyer@bench.test', username: 'buyer', role: 'user' });
    const files: string[] = [];
    for (let i = 1; i <= 8; i++) {
      const file = path.join(dir, `t${i}.flac`);
      flac(ffmpeg, file, 30);
      files.push(file);
      const trackKey = `audio/${String(i).repeat(32).slice(0, 32)}.flac`;
      await storage.putFile(trackKey, file);
      flac(ffmpeg, file, 30);
      const t = await insertTrack(pool, {
        name: `Track ${i}`,
        artist: 'Bench',
        artistUserId: artist.id,
        audioFilename: trackKey,
        audioFormat: 'flac',
        isPublished: true,
      });
      await pool.query('UPDATE tracks SET release_id = $1, track_number = $2 WHERE id = $3', [release.rows[0]!.id, i, t.id]);
      await pool.query(`INSERT INTO purchases (user_id, track_id, license_type) VALUES ($1, $2, 'personal')`, [buyer.id, t.id]);
    }
    const { token } = await startSession({ clock: systemClock }, pool, buyer.id, { ipAddress: null, userAgent: 'bench' });
    const server = createApp(deps).listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    const port = (server.address() as AddressInfo).port;
    const cookie = `__Host-sn_session=${token}`;
    const zipMs: number[] = [];
    const readMs: number[] = [];
    const growth: number[] = [];
    let zipBytes = 0;
    for (let round = 0; round < ROUNDS; round++) {
      global.gc?.();
      const baseline = process.memoryUsage().rss;
      let peak = baseline;
      const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 10);
      let started = process.hrtime.bigint();
      const sizes = await Promise.all([1, 2, 3, 4].map(() => fetchBytes(port, `/api/releases/${release.rows[0]!.id}/download`, cookie)));
      zipMs.push(ms(started));
      clearInterval(sampler);
      growth.push((peak - baseline) / 1024 / 1024);
      zipBytes = sizes[0]!;
      started = process.hrtime.bigint();
      await Promise.all([1, 2, 3, 4].map(() => Promise.all(files.map((f) => fs.promises.readFile(f)))));
      readMs.push(ms(started));
    }
    server.close();

    // The first 8-track ZIP in MP3 320 as a buyer gets it: asked for, every rendition made on the durable
    // queue (FFMPEG_CONCURRENCY at once), then downloaded — against the 8 transcodes by hand, as many at once.
    const logger = createLogger('silent');
    const queue = await PgBossQueue.start(url, logger, { transcodeSeconds: 600 });
    const queued = appDeps({ config, db: pool, logger }, { storage, jobs: queue });
    await queue.work(jobHandlers(queued, logger), workOptions(pool, config));
    const durable = createApp(queued).listen(0, '127.0.0.1');
    await new Promise((r) => durable.once('listening', r));
    const durablePort = (durable.address() as AddressInfo).port;
    const firstZipMs: number[] = [];
    const byHandZipMs: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      await pool.query('DELETE FROM renditions');
      await pool.query('DELETE FROM release_zips');
      let started = process.hrtime.bigint();
      const zipUrl = `http://127.0.0.1:${durablePort}/api/releases/${release.rows[0]!.id}/download?format=mp3_320`;
      for (;;) {
        const res = await fetch(zipUrl, { headers: { Cookie: cookie } });
        const body = Buffer.from(await res.arrayBuffer());
        if (res.status === 200 && body.length > 0) break;
        if (res.status !== 202) throw new Error(`the ZIP answered ${res.status}`);
        await new Promise((r) => setTimeout(r, 250));
      }
      firstZipMs.push(ms(started));
      started = process.hrtime.bigint();
      const atOnce = config.ffmpeg.concurrency;
      for (let i = 0; i < files.length; i += atOnce) {
        await Promise.all(
          files
            .slice(i, i + atOnce)
            .map(
              (file, j) =>
                new Promise<void>((resolve, reject) =>
                  execFile(ffmpeg, mp3ByHand(file, path.join(dir, `hand-${i + j}.mp3`)), (err) => (err ? reject(err) : resolve())),
                ),
            ),
        );
      }
      byHandZipMs.push(ms(started));
    }
    durable.close();
    await queue.stop(5_000);
    await storage.close();
    const jobs = median(jobMs);
    const byHand = median(byHandMs);
    console.log(`renditions: ${ROUNDS} rounds (medians), the npm package's ffmpeg`);
    console.log(`  MP3 320 of a 5-min FLAC by hand      ${byHand.toFixed(0)} ms`);
    console.log(`  first rendition (job, tags, store)   ${jobs.toFixed(0)} ms (${(jobs / byHand).toFixed(2)}x by hand)`);
    console.log(
      `  4 × 8-track ZIP (${(zipBytes / 1024 / 1024).toFixed(1)} MB each)   ${median(zipMs).toFixed(0)} ms (reading the files 4× from disk: ${median(readMs).toFixed(0)} ms)`,
    );
    console.log(`  peak RSS growth, 4 ZIPs at once      ${median(growth).toFixed(1)} MB`);
    const firstZip = median(firstZipMs);
    const byHandZip = median(byHandZipMs);
    console.log(`  8 MP3 320 transcodes by hand         ${byHandZip.toFixed(0)} ms (${config.ffmpeg.concurrency} at once)`);
    console.log(`  first 8-track MP3 320 ZIP (queue)    ${firstZip.toFixed(0)} ms (${(firstZip / byHandZip).toFixed(2)}x by hand)`);
  });
}
