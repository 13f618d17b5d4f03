import { writeWav } from '../test/support/wav';
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { insertUser } from '../db/repos/users.repo';
import { startSession } from '../services/auth/sessions.service';
import { systemClock } from '../lib/clock';
import { LocalDiskStorage } from '../services/storage/local-disk.storage';
import { createApp } from '../server/app';
import { parseConfig } from '../server/config';
import { createLogger } from '../lib/logger';
import { withBenchDatabase } from './lib/bench-database';
import { median } from './lib/http-load';
import { appDeps } from '../server/compose';

/**
 * A 100 MB WAV uploaded to POST /api/artist/tracks (multipart, streamed from
 * disk by the client) against copying the same file with `cp`, side by side
 * in one run. Reports the medians of the wall time ratio and of the server
 * process's peak RSS growth during the upload (sampled every 10 ms), which
 * shows the file is streamed to disk rather than held in memory.
 */

const SIZE_MB = 100;
const ROUNDS = 3;

/** Streams the file as multipart/form-data without buffering it; resolves with the status. */
function uploadFile(port: number, cookie: string, file: string): Promise<number> {
  const boundary = `----bench${crypto.randomBytes(8).toString('hex')}`;
  const field = (name: string, value: string) => `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`;
  const head = `${field('name', 'Bench upload')}${field('priceEur', '1.00')}--${boundary}\r\nContent-Disposition: form-data; name="audio"; filename="bench.wav"\r\nContent-Type: audio/wav\r\n\r\n`;
  const tail = `\r\n--${boundary}--\r\n`;
  const length = Buffer.byteLength(head) + fs.statSync(file).size + Buffer.byteLength(tail);
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        path: '/api/artist/tracks',
        method: 'POST',
        headers: { Cookie: cookie, 'Content-Type': `multipart/form-data; boundary=${boundary}`, 'Content-Length': length },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.write(head);
    const source = fs.createReadStream(file);
    source.on('end', () => req.end(tail));
    source.pipe(req, { end: false });
  });
}

export async function run(): Promise<void> {
  await withBenchDatabase('upload', async ({ dir, pool }) => {
    const source = path.join(dir, 'bench.wav');
    writeWav(source, SIZE_MB * 1024 * 1024);
    const uploads = path.join(dir, 'uploads');
    const config = parseConfig({
      NODE_ENV: 'test',
      APP_ORIGIN: 'http://bench.test',
      UPLOAD_DIR: uploads,
      MAX_UPLOAD_MB: '200',
      RATE_LIMIT_MAX: '100000',
    });
    const logger = createLogger('silent');
    const storage = new LocalDiskStorage(uploads);
    const artist = await insertUser(pool, { email: 'bench@bench.test', username: 'bench', role: 'artist' });
    const { token } = await startSession({ clock: systemClock }, pool, artist.id, { ipAddress: null, userAgent: 'bench' });
    const server = createApp(appDeps({ config, db: pool, logger }, { storage })).listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    const port = (server.address() as AddressInfo).port;

    const ratios: number[] = [];
    const growths: number[] = [];
    const uploadMs: number[] = [];
    const cpMs: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const copy = path.join(dir, `copy-${round}.wav`);
      let started = process.hrtime.bigint();
      execFileSync('cp', [source, copy]);
      const cp = Number(process.hrtime.bigint() - started) / 1e6;
      fs.rmSync(copy);

      global.gc?.();
      const baseline = process.memoryUsage().rss;
      let peak = baseline;
      const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 10);
      started = process.hrtime.bigint();
      const status = await uploadFile(port, `__Host-sn_session=${token}`, source);
      const up = Number(process.hrtime.bigint() - started) / 1e6;
      clearInterval(sampler);
      if (status !== 201) throw new Error(`upload answered ${status}`);
      uploadMs.push(up);
      cpMs.push(cp);
      ratios.push(up / cp);
      growths.push((peak - baseline) / 1024 / 1024);
    }
    server.close();
    console.log(`upload: ${SIZE_MB} MB WAV via POST /api/artist/tracks vs cp, ${ROUNDS} rounds (medians)`);
    console.log(`  cp                ${median(cpMs).toFixed(0)} ms`);
    console.log(
      `  upload            ${median(uploadMs).toFixed(0)} ms (multipart to disk, sniff, probe, truncation check, SHA-256, preview cut, move into storage)`,
    );
    console.log(`  time ratio        ${median(ratios).toFixed(1)}x cp`);
    console.log(`  peak RSS growth   ${median(growths).toFixed(1)} MB while uploading ${SIZE_MB} MB`);
  });
}
