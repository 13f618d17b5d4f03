import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { insertTrack } from '../db/repos/tracks.repo';
import { insertUser } from '../db/repos/users.repo';
import { startSession } from '../services/auth/sessions.service';
import { systemClock } from '../lib/clock';
import { NGINX, renderSite, startNginx } from '../test/support/nginx';
import { withBenchDatabase } from './lib/bench-database';
import { loadRangesInWorker, median } from './lib/http-load';
import { freePort, pinToCpu, resetPeakRss, rssOf, startProcess, type BenchProcess } from './lib/processes';
import { hasWrk, RANDOM_RANGES_LUA, runWrk } from './lib/wrk';

/**
 * GET /api/tracks/:id/stream measured from outside, every server in a
 * process of its own, side by side in one run:
 *
 * - the store as `npm start` runs it (DELIVERY=node), streaming as a
 *   **buyer** (a completed purchase), as the owning artist, and as a
 *   signed-out listener (the preview clip);
 * - the store with DELIVERY=nginx behind the shipped nginx site
 *   (deploy/nginx, plain http here), streaming as the buyer: the app
 *   decides, nginx sends the bytes with sendfile;
 * - the baselines: a bare express.static over the same folder, and
 *   Debian's nginx (one worker, sendfile) serving the file with no check;
 * - the ceiling of DELIVERY=nginx on this machine: an app that checks
 *   nothing and answers X-Accel-Redirect at once, behind the same site.
 *
 * 256 KiB ranges at random offsets of a 10 MB file over 64 keep-alive
 * connections from Debian's wrk (2 threads; a Lua script picks each range;
 * a Node client in a worker thread where wrk is missing, and the output
 * says so), rounds alternating between the targets after a warm-up round,
 * medians of the rounds. Each server runs on the first CPU and wrk on the
 * second (taskset), so no run depends on where the scheduler put them, and
 * each round starts with a 1 s warm-up of its own target. Then the store's
 * own peak RSS (VmHWM of its process) while 500 slow listeners read the
 * full file as the buyer.
 */

const FILE_MB = 10;
const PREVIEW_MB = 2;
const SECONDS = 5;
const WARM_UP_SECONDS = 1;
const WRK_THREADS = 2;
const RANGE = 256 * 1024;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const REQUESTS = 1_500;
const CONNECTIONS = 64;
const SLOW_READERS = 500;

interface Target {
  name: string;
  port: number;
  path: string;
  headers: Record<string, string>;
  /** Size of the file the path serves (the random ranges stay inside it). */
  bytes: number;
}

const SERVER_CPU = 0;
const WRK_CPU = 1;
/** wrk's CPU once the servers are pinned to theirs (undefined: not pinned — no taskset, or a single CPU). */
let wrkCpu: number | undefined;

/** Each target's 99th percentile latency per round (wrk only), in ms. */
const p99s = new Map<string, number[]>();

/** Random ranges of a target for one round: wrk with a range script, or the Node client where wrk is missing. */
async function rangeLoad(target: Target, script: string): Promise<number> {
  if (!hasWrk()) {
    return loadRangesInWorker(target.port, target.path, REQUESTS, CONNECTIONS, {
      rangeBytes: RANGE,
      fileBytes: target.bytes,
      headers: target.headers,
    });
  }
  const url = `http://127.0.0.1:${target.port}${target.path}`;
  const env = { FILE_BYTES: String(target.bytes), RANGE_BYTES: String(RANGE) };
  const load = (seconds: number) =>
    runWrk(url, {
      threads: WRK_THREADS,
      connections: CONNECTIONS,
      seconds,
      headers: target.headers,
      script,
      env,
      timeoutSeconds: 10,
      cpu: wrkCpu,
    });
  // Each round warms its own target first: the others ran meanwhile, and its caches, timers and heap have gone idle.
  await load(WARM_UP_SECONDS);
  const result = await load(SECONDS);
  p99s.get(target.name)!.push(result.p99Ms);
  return result.requestsPerSecond;
}

/**
 * SLOW_READERS listeners request the whole file and read 16 KiB every 100 ms
 * for 3 s (a slow network); returns the server's RSS before and its peak
 * meanwhile, in MB.
 */
async function slowReaders(server: BenchProcess, pathname: string, cookie: string): Promise<{ idleMb: number; peakMb: number }> {
  const idleMb = rssOf(server.pid).rssMb;
  resetPeakRss(server.pid);
  const agent = new http.Agent({ keepAlive: false, maxSockets: SLOW_READERS * 2 });
  const requests: http.ClientRequest[] = [];
  await Promise.all(
    Array.from(
      { length: SLOW_READERS },
      () =>
        new Promise<void>((resolve) => {
          const req = http.get({ host: '127.0.0.1', port: server.port, path: pathname, agent, headers: { Cookie: cookie } }, (res) => {
            res.pause();
            const drip = setInterval(() => res.read(16 * 1024), 100);
            setTimeout(() => {
              clearInterval(drip);
              resolve();
            }, 3_000);
          });
          req.on('error', () => resolve());
          requests.push(req);
        }),
    ),
  );
  const { peakMb } = rssOf(server.pid);
  for (const req of requests) req.destroy();
  agent.destroy();
  return { idleMb, peakMb };
}

export async function run(): Promise<void> {
  await withBenchDatabase('stream', async ({ dir, pool, url }) => {
    const uploads = path.join(dir, 'uploads');
    const key = `audio/${crypto.randomBytes(16).toString('hex')}.mp3`;
    const previewKey = `previews/${crypto.randomBytes(16).toString('hex')}.mp3`;
    fs.mkdirSync(path.join(uploads, 'audio'), { recursive: true });
    fs.mkdirSync(path.join(uploads, 'previews'), { recursive: true });
    fs.writeFileSync(path.join(uploads, key), crypto.randomBytes(FILE_MB * 1024 * 1024));
    fs.writeFileSync(path.join(uploads, previewKey), crypto.randomBytes(PREVIEW_MB * 1024 * 1024));
    const size = FILE_MB * 1024 * 1024;

    const owner = await insertUser(pool, { email: 'stream@bench.test', username: 'streambench', role: 'artist' });
    const buyer = await insertUser(pool, { email: 'buyer@bench.test', username: 'streambuyer', role: 'user' });
    const track = await insertTrack(pool, {
      name: 'Bench',
      artist: 'Bench',
      artistUserId: owner.id,
      audioFilename: key,
      priceEur: '1.00',
      fileSizeBytes: size,
      audioMime: 'audio/mpeg',
      isPublished: true,
      previewFilename: previewKey,
      previewSizeBytes: PREVIEW_MB * 1024 * 1024,
      previewSeconds: 30,
    });
    // The buyer's purchase, as a completed checkout leaves it.
    await pool.query(`INSERT INTO purchases (user_id, track_id, license_type) VALUES ($1, $2, 'personal')`, [buyer.id, track.id]);
    const cookieOf = async (userId: number) =>
      `__Host-sn_session=${(await startSession({ clock: systemClock }, pool, userId, { ipAddress: null, userAgent: 'bench' })).token}`;
    const ownerCookie = await cookieOf(owner.id);
    const buyerCookie = await cookieOf(buyer.id);

    // As deployed: production mode (its logging, headers and Secure cookies), with settings that are never contacted here.
    const env = {
      NODE_ENV: 'production',
      APP_ORIGIN: 'https://bench.example.com',
      SMTP_URL: 'smtp://127.0.0.1:9',
      MAIL_FROM: 'bench@example.com',
      PAYPAL_ENV: 'sandbox',
      PAYPAL_CLIENT_ID: 'bench',
      PAYPAL_CLIENT_SECRET: 'bench',
      PAYPAL_WEBHOOK_ID: 'BENCH',
      HOST: '127.0.0.1',
      DATA_DIR: path.join(dir, 'data-app'),
      UPLOAD_DIR: uploads,
      DATABASE_URL: url,
      // All load comes from one address.
      RATE_LIMIT_MAX: '1000000',
      JOBS_WORKER: 'off',
    };
    const started: { pid: number; stop(): Promise<void> }[] = [];
    try {
      // `npm start` runs the compiled server: built first, as npm start's prestart does.
      execFileSync('npm', ['run', 'build'], { stdio: 'ignore' });
      const store = await startProcess(
        'the store',
        ['dist/server/index.js'],
        { ...env, NODE_OPTIONS: process.env.BENCH_STORE_NODE_OPTIONS ?? '' },
        '/healthz',
      );
      started.push(store);
      const offloaded = await startProcess(
        'the store, DELIVERY=nginx',
        ['dist/server/index.js'],
        { ...env, DELIVERY: 'nginx', TRUST_PROXY: 'loopback' },
        '/healthz',
      );
      started.push(offloaded);
      const bareStatic = await startProcess('express.static', ['bench/lib/static-server.ts', uploads, '$PORT'], {}, `/${previewKey}`);
      started.push(bareStatic);
      const nginxPorts = fs.existsSync(NGINX)
        ? {
            bare: await freePort(),
            site: await freePort(),
            redirect: await freePort(),
            ceiling: await freePort(),
            ceilingRedirect: await freePort(),
          }
        : undefined;
      if (nginxPorts) {
        const ceiling = await startProcess('the X-Accel ceiling', ['bench/lib/accel-ceiling.ts', key, '$PORT'], {}, '/healthz');
        started.push(ceiling);
        const siteFor = (appPort: number, mainPort: number, httpPort: number) =>
          renderSite({ appPort, uploadDir: uploads, accessLog: 'off', httpPort, mainPort })
            .replace('access_log off song_nexus;', 'access_log off;')
            // Two copies of the site in one nginx: each its own upstream and log format name.
            .replace(/song_nexus/g, `song_nexus_${mainPort}`);
        const site =
          siteFor(offloaded.port, nginxPorts.site, nginxPorts.redirect) +
          siteFor(ceiling.port, nginxPorts.ceiling, nginxPorts.ceilingRedirect);
        const bare = `server { listen 127.0.0.1:${nginxPorts.bare}; access_log off; sendfile on; tcp_nopush on; keepalive_requests 100000; root ${uploads}; }`;
        const nginxDir = path.join(dir, 'nginx');
        fs.mkdirSync(nginxDir);
        started.push(
          await startNginx(nginxDir, `keepalive_requests 100000;\n${bare}\n${site}`, `http://127.0.0.1:${nginxPorts.bare}/${previewKey}`),
        );
      }

      // Every server on the first CPU, wrk on the second.
      const pinned = started.map((part) => pinToCpu(part.pid, SERVER_CPU)).every(Boolean);
      wrkCpu = pinned ? WRK_CPU : undefined;

      const stream = `/api/tracks/${track.id}/stream`;
      const targets: Target[] = [
        { name: 'buyer', port: store.port, path: stream, headers: { Cookie: buyerCookie }, bytes: size },
        { name: 'owner', port: store.port, path: stream, headers: { Cookie: ownerCookie }, bytes: size },
        { name: 'preview (signed out)', port: store.port, path: stream, headers: {}, bytes: PREVIEW_MB * 1024 * 1024 },
        { name: 'express.static', port: bareStatic.port, path: `/${key}`, headers: {}, bytes: size },
        ...(nginxPorts
          ? [
              { name: 'buyer, DELIVERY=nginx', port: nginxPorts.site, path: stream, headers: { Cookie: buyerCookie }, bytes: size },
              { name: 'no-op app, nginx', port: nginxPorts.ceiling, path: stream, headers: {}, bytes: size },
              { name: 'nginx sendfile', port: nginxPorts.bare, path: `/${key}`, headers: {}, bytes: size },
            ]
          : []),
      ];
      const results = new Map<string, number[]>(targets.map((t) => [t.name, []]));
      for (const target of targets) p99s.set(target.name, []);
      const script = path.join(dir, 'ranges.lua');
      fs.writeFileSync(script, RANDOM_RANGES_LUA);
      for (const target of targets) await rangeLoad(target, script); // warm-up
      for (let round = 0; round < ROUNDS; round++) {
        for (const target of targets) results.get(target.name)!.push(await rangeLoad(target, script));
      }
      const rps = (name: string) => median(results.get(name)!);
      console.log(
        `stream: ${FILE_MB} MB file, ${RANGE / 1024} KiB random ranges, ${hasWrk() ? `wrk ${WRK_THREADS} threads × ${CONNECTIONS} connections, ${ROUNDS} rounds of ${SECONDS} s, ${wrkCpu === undefined ? 'not pinned (no taskset, or a single CPU)' : `servers on CPU ${SERVER_CPU}, wrk on CPU ${wrkCpu}`}` : `a Node client in a worker thread (wrk is missing: apt-get install wrk), ${CONNECTIONS} connections, ${ROUNDS} rounds × ${REQUESTS} requests`} (medians)`,
      );
      for (const { name } of targets) {
        const rounds = results
          .get(name)!
          .map((r) => r.toFixed(0))
          .join(' ');
        const p99 = p99s.get(name)!.length ? `  p99 ${median(p99s.get(name)!).toFixed(0)} ms` : '';
        console.log(
          `  ${name.padEnd(24)} ${rps(name).toFixed(0).padStart(6)} req/s  ${((rps(name) * RANGE) / 1048576).toFixed(0)} MB/s${p99}  (rounds: ${rounds})`,
        );
      }
      const ratio = (a: string, b: string) => console.log(`  ${`${a} ÷ ${b}`.padEnd(40)} ${(rps(a) / rps(b)).toFixed(2)}`);
      ratio('buyer', 'express.static');
      ratio('buyer', 'owner');
      if (nginxPorts) {
        ratio('buyer, DELIVERY=nginx', 'nginx sendfile');
        ratio('no-op app, nginx', 'nginx sendfile');
        ratio('buyer', 'nginx sendfile');
      } else console.log('  nginx: not installed (apt-get install nginx), not compared');
      const memory = await slowReaders(store, stream, buyerCookie);
      console.log(
        `  ${SLOW_READERS} slow readers of the full file (16 KiB / 100 ms), the store's process: idle ${memory.idleMb.toFixed(0)} MB, peak ${memory.peakMb.toFixed(0)} MB`,
      );
    } finally {
      for (const part of started.reverse()) await part.stop();
    }
  });
}
