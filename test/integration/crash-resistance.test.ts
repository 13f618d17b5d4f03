import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { Readable } from 'node:stream';
import type { Storage } from '../../services/storage/storage';
import { testStorage } from '../support/storage';
import { TEST_ORIGIN, testApp } from '../support/app';
import { signInAs } from '../support/auth';
import { useTestDatabase } from '../support/db';
import { buildTrack } from '../support/factories';
import { png } from '../support/images';
import { until } from '../support/until';
import { tempDir } from '../support/temp-dir';

/**
 * Requests that used to end the process. Each runs against a store on a
 * real port; the suite's guard (jest fails a test on any unhandled rejection
 * or 'error' event) would turn a crash into a failure here, and each test
 * also checks that the store still answers afterwards.
 */

jest.setTimeout(60_000);
const db = useTestDatabase();
const uploads = tempDir('sn-crash-');

async function listen(storage: Storage): Promise<{ base: string; close: () => Promise<void> }> {
  const app = testApp(db.pool, { env: { UPLOAD_DIR: uploads, RATE_LIMIT_MAX: '1000000' }, storage });
  const server = await new Promise<http.Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const { port } = server.address() as { port: number };
  return {
    base: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

const incoming = () => (fs.existsSync(path.join(uploads, 'incoming')) ? fs.readdirSync(path.join(uploads, 'incoming')) : []);

describe('a client that hangs up mid-upload', () => {
  it('leaves the store serving and no temporary file behind', async () => {
    const store = await listen(testStorage(uploads));
    const artist = await signInAs(db.pool, 'artist');
    try {
      for (let attempt = 0; attempt < 3; attempt++) {
        const boundary = `----sn${attempt}`;
        const url = new URL('/api/artist/tracks', store.base);
        const req = http.request(url, {
          method: 'POST',
          headers: {
            Cookie: artist.cookie,
            Origin: TEST_ORIGIN,
            'Content-Type': `multipart/form-data; boundary=${boundary}`,
            'Content-Length': String(50 * 1024 * 1024),
          },
        });
        req.on('error', () => undefined); // we are the client that goes away
        req.write(`--${boundary}\r\nContent-Disposition: form-data; name="name"\r\n\r\nSlow song\r\n`);
        req.write(`--${boundary}\r\nContent-Disposition: form-data; name="audio"; filename="big.wav"\r\nContent-Type: audio/wav\r\n\r\n`);
        req.write(Buffer.alloc(2 * 1024 * 1024, attempt));
        // The file is being written when the client disappears.
        await until(() => incoming().length > 0, 'the upload to reach the disk');
        req.destroy();
        await until(() => incoming().length === 0, 'the temporary file to be removed');
      }
      expect((await fetch(`${store.base}/healthz`)).status).toBe(200);
      expect(incoming()).toEqual([]);
    } finally {
      await store.close();
    }
  });
});

describe('cover art that changes while it is read', () => {
  it('answers every reader while the artist keeps replacing the cover', async () => {
    const store = await listen(testStorage(uploads));
    const artist = await signInAs(db.pool, 'artist');
    const track = await buildTrack(db.pool, { artistUserId: artist.user.id, isPublished: true });
    const replace = async (side: number) => {
      const form = new FormData();
      form.append('cover', new Blob([new Uint8Array(png(side, side))], { type: 'image/png' }), 'c.png');
      const res = await fetch(`${store.base}/api/artist/tracks/${track.id}/cover`, {
        method: 'PUT',
        headers: { Cookie: artist.cookie, Origin: TEST_ORIGIN },
        body: form,
      });
      expect(res.status).toBe(200);
    };
    try {
      await replace(300);
      let replacing = true;
      const statuses = new Set<number>();
      const reader = async () => {
        while (replacing) {
          const res = await fetch(`${store.base}/api/tracks/${track.id}/cover`).catch(() => undefined);
          if (res) {
            statuses.add(res.status);
            await res.arrayBuffer().catch(() => undefined);
          }
        }
      };
      const replacer = async (offset: number) => {
        for (let i = 0; i < 25; i++) await replace(200 + offset + i);
      };
      const readers = Array.from({ length: 16 }, reader);
      try {
        await Promise.all([replacer(0), replacer(100)]);
      } finally {
        replacing = false;
        await Promise.all(readers);
      }
      expect([...statuses].every((s) => s === 200 || s === 404)).toBe(true);
      expect((await fetch(`${store.base}/api/tracks/${track.id}/cover`)).status).toBe(200);
    } finally {
      await store.close();
    }
  });

  it('answers 404 when the stored file vanished after it was looked up, and cuts only the response whose read fails', async () => {
    const disk = testStorage(uploads);
    let failure: 'vanish' | 'mid-read' | undefined;
    // A storage whose reads fail on demand: the only way to hit the moments between lookup and read every time.
    const flaky: Storage = Object.assign(Object.create(disk) as Storage, {
      createReadStream(key: string, range?: { start: number; end: number }) {
        if (failure === 'vanish') return fs.createReadStream(path.join(uploads, 'covers', 'gone.png'));
        if (failure === 'mid-read') {
          return Readable.from(
            (async function* () {
              yield Buffer.alloc(1); // fewer bytes than the file has
              throw Object.assign(new Error('disk read failed'), { code: 'EIO' });
            })(),
          );
        }
        return disk.createReadStream(key, range);
      },
    });
    const store = await listen(flaky);
    const artist = await signInAs(db.pool, 'artist');
    const track = await buildTrack(db.pool, { artistUserId: artist.user.id, isPublished: true });
    const form = new FormData();
    form.append('cover', new Blob([new Uint8Array(png(64, 64))], { type: 'image/png' }), 'c.png');
    await fetch(`${store.base}/api/artist/tracks/${track.id}/cover`, {
      method: 'PUT',
      headers: { Cookie: artist.cookie, Origin: TEST_ORIGIN },
      body: form,
    });
    try {
      failure = 'vanish';
      const vanished = await fetch(`${store.base}/api/tracks/${track.id}/cover`);
      expect([vanished.status, ((await vanished.json()) as { error: { code: string } }).error.code]).toEqual([404, 'cover_not_found']);
      failure = 'mid-read';
      await expect(fetch(`${store.base}/api/tracks/${track.id}/cover`).then((r) => r.arrayBuffer())).rejects.toThrow();
      failure = undefined;
      expect((await fetch(`${store.base}/api/tracks/${track.id}/cover`)).status).toBe(200);
    } finally {
      await store.close();
    }
  });
});
