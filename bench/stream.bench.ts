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
import { appDeps } from '../server/compose';

/**
 * GET /api/tracks/:id/stream as an entitled user (session lookup, entitlement
 * check, range evaluation, storage stream) — as deployed, with the access
 * cache, and without it — against the same 10 MB file served
 * by a bare express.static app and by Debian's nginx with sendfile, side by
 * side in one run: 256 KiB ranges at random offsets over 64 keep-alive
 * connections from a worker thread (so no server shares its event loop with
 * the clients), rounds alternating between the targets. Then peak RSS with 500
 * concurrent slow readers of the full file through the app.
 */

const FILE_MB = 10;
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
      const track = await insertTrack(pool, {
        name: 'Bench',
        artist: 'Bench',
        artistUserId: owner.id,
        audioFilename: key,
        priceEur: '1.00',
        fileSizeBytes: size,
        audioMime: 'audio/mpeg',
        isPublished: true,
      });
      const { token } = await startSession({ clock: systemClock }, pool, owner.id, { ipAddress: null, userAgent: 'bench' });
      const cookie = `__Host-sn_session=${token}`;
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
      // The same app reading session and track from PostgreSQL on every request.
      const uncached = await listen(
        createApp(appDeps({ config, db: pool, logger: createLogger('silent') }, { storage: new LocalDiskStorage(uploads) })),
      );
      const bare = express();
      bare.use(express.static(uploads));
      const staticServer = await listen(bare);

      const spec = (headers: Record<string, string> = {}) => ({ rangeBytes: RANGE, fileBytes: size, headers });
      const targets: [string, () => Promise<number>][] = [
        [
          'song-nexus stream',
          () => loadRangesInWorker(app, `/api/tracks/${track.id}/stream`, REQUESTS, CONNECTIONS, spec({ Cookie: cookie })),
        ],
        [
          '  without cache',
          () => loadRangesInWorker(uncached, `/api/tracks/${track.id}/stream`, REQUESTS, CONNECTIONS, spec({ Cookie: cookie })),
        ],
        ['express.static', () => loadRangesInWorker(staticServer, `/${key}`, REQUESTS, CONNECTIONS, spec())],
        ...(nginx
          ? [
              ['nginx sendfile', () => loadRangesInWorker(nginx.port, `/${key}`, REQUESTS, CONNECTIONS, spec())] as [
                string,
                () => Promise<number>,
              ],
            ]
          : []),
      ];
      const results = new Map<string, number[]>(targets.map(([name]) => [name, []]));
      for (const [, go] of targets) await go(); // warm-up
      for (let round = 0; round < ROUNDS; round++) {
        for (const [name, go] of targets) results.get(name)!.push(await go());
      }
      const rps = (name: string) => median(results.get(name)!);
      const mbps = (name: string) => (rps(name) * RANGE) / 1024 / 1024;
      console.log(
        `stream: ${FILE_MB} MB file, ${RANGE / 1024} KiB random ranges, ${CONNECTIONS} connections, ${ROUNDS} rounds x ${REQUESTS} requests (medians)`,
      );
      for (const [name] of targets) console.log(`  ${name.padEnd(18)} ${rps(name).toFixed(0)} req/s  ${mbps(name).toFixed(0)} MB/s`);
      console.log(
        `  ratio vs express.static  ${(rps('song-nexus stream') / rps('express.static')).toFixed(2)} (without cache ${(rps('  without cache') / rps('express.static')).toFixed(2)})`,
      );
      if (nginx) console.log(`  ratio vs nginx           ${(rps('song-nexus stream') / rps('nginx sendfile')).toFixed(2)}`);
      else console.log('  nginx: not installed (apt-get install nginx-light), not compared');
      const growth = await slowReaders((app.address() as AddressInfo).port, `/api/tracks/${track.id}/stream`, cookie);
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
