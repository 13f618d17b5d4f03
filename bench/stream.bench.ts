import { spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import express from 'express';
import { insertTrack } from '../db/repos/tracks.repo';
import { insertUser } from '../db/repos/users.repo';
import { startSession } from '../services/auth/sessions.service';
import { systemClock } from '../lib/clock';
import { LocalDiskStorage } from '../services/storage/local-disk.storage';
import { startCacheFeed } from '../server/cache-feed';
import { createApp } from '../server/app';
import { parseConfig } from '../server/config';
import { createLogger } from '../lib/logger';
import { withBenchDatabase } from './lib/bench-database';
import { listen, loadRangesInWorker, median } from './lib/http-load';
import { hasWrk, RANDOM_RANGES_LUA, runWrk } from './lib/wrk';
import { appDeps } from '../server/compose';

/**
 * GET /api/tracks/:id/stream as a buyer (session, track and purchase through
 * the access cache, as deployed), as the owning artist, as a signed-out
 * listener (the preview clip), and as a buyer without the access cache,
 * against the same 10 MB file served by a bare express.static app and by
 * Debian's nginx with sendfile, side by side in one run: 256 KiB ranges at
 * random offsets over 64 keep-alive connections from Debian's wrk (a Lua
 * script picks each range; a Node client in a worker thread where wrk is
 * missing, and the output says so), rounds alternating between the
 * targets. Then peak RSS with 500 concurrent slow readers of the full file
 * through the app.
 */

const FILE_MB = 10;
const PREVIEW_MB = 2;
const SECONDS = 5;
const WRK_THREADS = 2;
const RANGE = 256 * 1024;
const ROUNDS = 5;
const REQUESTS = 1_500;
const CONNECTIONS = 64;

function startNginx(dir: string, root: string): Promise<{ port: number; child: ChildProcess } | undefined> {
  if (!fs.existsSync('/usr/sbin/nginx')) return Promise.resolve(undefined);
  return new Promise((resolve) => {
    const probe = http.createServer().listen(0, '127.0.0.1', () => {
      const port = (probe.address() as AddressInfo).port;
      probe.close(() => {
        const conf = path.join(dir, 'nginx.conf');
        fs.writeFileSync(
          conf,
          `daemon off; worker_processes 1; pid ${dir}/nginx.pid; error_log stderr error; user root;
events { worker_connections 1024; }
http { access_log off; sendfile on; tcp_nopush on; keepalive_requests 100000;
  client_body_temp_path ${dir}/body; proxy_temp_path ${dir}/proxy; fastcgi_temp_path ${dir}/fcgi; uwsgi_temp_path ${dir}/uwsgi; scgi_temp_path ${dir}/scgi;
  server { listen 127.0.0.1:${port}; root ${root}; } }`,
        );
        const child = spawn('/usr/sbin/nginx', ['-c', conf, '-p', dir], { stdio: 'ignore' });
        setTimeout(() => resolve({ port, child }), 500);
      });
    });
  });
}

interface Target {
  name: string;
  port: number;
  path: string;
  headers: Record<string, string>;
  /** Size of the file the path serves (the random ranges stay inside it). */
  bytes: number;
}

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
  const result = await runWrk(url, {
    threads: WRK_THREADS,
    connections: CONNECTIONS,
    seconds: SECONDS,
    headers: target.headers,
    script,
    env,
  });
  return result.requestsPerSecond;
}

/** 500 clients request the whole file and read it slowly; returns the peak RSS growth in MB. */
async function slowReaders(port: number, pathname: string, cookie: string): Promise<number> {
  const baseline = process.memoryUsage().rss;
  let peak = baseline;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
  const agent = new http.Agent({ keepAlive: false, maxSockets: 1000 });
  const requests: http.ClientRequest[] = [];
  await Promise.all(
    Array.from(
      { length: 500 },
      () =>
        new Promise<void>((resolve) => {
          const req = http.get({ host: '127.0.0.1', port, path: pathname, agent, headers: { Cookie: cookie } }, (res) => {
            // Read 16 KiB now and then: a listener on a slow network.
            res.pause();
            const drip = setInterval(() => {
              res.read(16 * 1024);
            }, 100);
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
  clearInterval(sampler);
  for (const req of requests) req.destroy();
  agent.destroy();
  return (peak - baseline) / 1024 / 1024;
}

export async function run(): Promise<void> {
  await withBenchDatabase('stream', async ({ dir, pool, url }) => {
    const uploads = path.join(dir, 'uploads');
    const key = `audio/${crypto.randomBytes(16).toString('hex')}.mp3`;
    const file = path.join(uploads, key);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, crypto.randomBytes(FILE_MB * 1024 * 1024));
    fs.chmodSync(path.dirname(file), 0o755);
    const size = fs.statSync(file).size;

    const nginx = await startNginx(dir, uploads);
    try {
      const owner = await insertUser(pool, { email: 'stream@bench.test', username: 'streambench', role: 'artist' });
      const buyer = await insertUser(pool, { email: 'buyer@bench.test', username: 'streambuyer', role: 'user' });
      const previewKey = `previews/${crypto.randomBytes(16).toString('hex')}.mp3`;
      fs.mkdirSync(path.join(uploads, 'previews'), { recursive: true });
      fs.writeFileSync(path.join(uploads, previewKey), crypto.randomBytes(PREVIEW_MB * 1024 * 1024));
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
      const cookie = await cookieOf(owner.id);
      const buyerCookie = await cookieOf(buyer.id);
      const config = parseConfig({ NODE_ENV: 'test', APP_ORIGIN: 'http://bench.test', UPLOAD_DIR: uploads, RATE_LIMIT_MAX: '1000000' });
      // As deployed (server/index.ts): the access cache fed by the database's change feed.
      const feed = startCacheFeed(url, { maxBytes: 0, ttlMs: 1_000 });
      const app = await listen(
        createApp(
          appDeps(
            { config, db: pool, logger: createLogger('silent') },
            { storage: new LocalDiskStorage(uploads), accessCache: feed.accessCache },
          ),
        ),
      );
      // The same app reading session, track and purchase from PostgreSQL on every request.
      const uncached = await listen(
        createApp(appDeps({ config, db: pool, logger: createLogger('silent') }, { storage: new LocalDiskStorage(uploads) })),
      );
      const bare = express();
      bare.use(express.static(uploads));
      const staticServer = await listen(bare);

      const stream = `/api/tracks/${track.id}/stream`;
      const portOf = (server: http.Server) => (server.address() as AddressInfo).port;
      const targets: Target[] = [
        { name: 'buyer', port: portOf(app), path: stream, headers: { Cookie: buyerCookie }, bytes: size },
        { name: 'owner', port: portOf(app), path: stream, headers: { Cookie: cookie }, bytes: size },
        { name: 'preview (signed out)', port: portOf(app), path: stream, headers: {}, bytes: PREVIEW_MB * 1024 * 1024 },
        { name: 'buyer, no access cache', port: portOf(uncached), path: stream, headers: { Cookie: buyerCookie }, bytes: size },
        { name: 'express.static', port: portOf(staticServer), path: `/${key}`, headers: {}, bytes: size },
        ...(nginx ? [{ name: 'nginx sendfile', port: nginx.port, path: `/${key}`, headers: {}, bytes: size }] : []),
      ];
      const results = new Map<string, number[]>(targets.map((t) => [t.name, []]));
      const script = path.join(dir, 'ranges.lua');
      fs.writeFileSync(script, RANDOM_RANGES_LUA);
      const measure = (t: Target) => rangeLoad(t, script);
      for (const target of targets) await measure(target); // warm-up
      for (let round = 0; round < ROUNDS; round++) {
        for (const target of targets) results.get(target.name)!.push(await measure(target));
      }
      const rps = (name: string) => median(results.get(name)!);
      const mbps = (name: string) => (rps(name) * RANGE) / 1024 / 1024;
      console.log(
        `stream: ${FILE_MB} MB file, ${RANGE / 1024} KiB random ranges, ${hasWrk() ? `wrk ${WRK_THREADS} threads × ${CONNECTIONS} connections, ${ROUNDS} rounds of ${SECONDS} s` : `a Node client in a worker thread (wrk is missing: apt-get install wrk), ${CONNECTIONS} connections, ${ROUNDS} rounds × ${REQUESTS} requests`} (medians)`,
      );
      for (const { name } of targets)
        console.log(`  ${name.padEnd(24)} ${rps(name).toFixed(0).padStart(6)} req/s  ${mbps(name).toFixed(0)} MB/s`);
      console.log(`  buyer ÷ express.static   ${(rps('buyer') / rps('express.static')).toFixed(2)}`);
      console.log(`  buyer ÷ owner            ${(rps('buyer') / rps('owner')).toFixed(2)}`);
      console.log(`  buyer without cache ÷ express.static ${(rps('buyer, no access cache') / rps('express.static')).toFixed(2)}`);
      if (nginx) console.log(`  buyer ÷ nginx            ${(rps('buyer') / rps('nginx sendfile')).toFixed(2)}`);
      else console.log('  nginx: not installed (apt-get install nginx-light), not compared');
      const growth = await slowReaders((app.address() as AddressInfo).port, `/api/tracks/${track.id}/stream`, buyerCookie);
      console.log(
        `  500 slow readers of the full file: peak RSS growth ${growth.toFixed(1)} MB (process RSS ${(process.memoryUsage().rss / 1024 / 1024).toFixed(0)} MB)`,
      );
      app.close();
      uncached.close();
      staticServer.close();
      await feed.stop();
    } finally {
      nginx?.child.kill();
    }
  });
}
