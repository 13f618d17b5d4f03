import type { ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import request from 'supertest';
import { S3Storage } from '../../services/storage/s3.storage';
import { signInAs } from '../support/auth';
import { testApp } from '../support/app';
import { useTestDatabase } from '../support/db';
import { buildTrack } from '../support/factories';
import { s3rverReady, spawnS3rver } from '../support/s3rver-process';
import { freePort } from '../support/server-process';
import { tempDir } from '../support/temp-dir';

/**
 * The object store frozen (SIGSTOP: it accepts connections and answers
 * nothing) under a store with STORAGE_DRIVER=s3: a stream answers 503
 * storage_unavailable within a moment instead of hanging, /readyz names the
 * storage, and everything works again once the store thaws — no restart.
 * s3rver runs in its own process so that it can be frozen.
 */

const db = useTestDatabase();
const BUCKET = 'song-nexus-outage';

describe('object store outages', () => {
  let s3: ChildProcess;
  let storage: S3Storage;
  let app: ReturnType<typeof testApp>;

  beforeAll(async () => {
    const port = await freePort();
    s3 = spawnS3rver(port, tempDir('sn-s3-outage-'), BUCKET);
    await s3rverReady(s3);
    const endpoint = `http://127.0.0.1:${port}`;
    storage = new S3Storage({
      bucket: BUCKET,
      region: 'us-east-1',
      endpoint,
      forcePathStyle: true,
      accessKeyId: 'S3RVER',
      secretAccessKey: 'S3RVER',
      prefix: '',
    });
    const env = {
      STORAGE_DRIVER: 's3',
      S3_BUCKET: BUCKET,
      S3_ENDPOINT: endpoint,
      S3_ACCESS_KEY_ID: 'S3RVER',
      S3_SECRET_ACCESS_KEY: 'S3RVER',
    };
    app = testApp(db.pool, { storage, env });
  });
  afterAll(async () => {
    s3.kill('SIGCONT');
    s3.kill('SIGTERM');
    await storage.close();
  });

  const timed = async (make: () => request.Test) => {
    const started = Date.now();
    const res = await make();
    return { res, ms: Date.now() - started };
  };

  it('answers 503 within a moment while the store is frozen, and recovers when it thaws', async () => {
    const owner = await signInAs(db.pool, 'artist');
    const full = crypto.randomBytes(2 * 1024 * 1024);
    const key = `audio/${crypto.randomBytes(16).toString('hex')}.mp3`;
    await storage.put(key, full);
    const track = await buildTrack(db.pool, {
      artistUserId: owner.user.id,
      audioFilename: key,
      audioMime: 'audio/mpeg',
      fileSizeBytes: full.length,
    });
    const stream = (range?: string) => {
      const req = request(app).get(`/api/tracks/${track.id}/stream`).set('Cookie', owner.cookie);
      return range ? req.set('Range', range) : req;
    };
    // Both ways the bytes leave the store: a short range read whole, a long one streamed.
    const short = 'bytes=0-999';
    const long = 'bytes=1000-';
    expect((await stream(short)).status).toBe(206);
    expect((await stream(long)).body.equals(full.subarray(1000))).toBe(true);

    s3.kill('SIGSTOP');
    try {
      for (const range of [short, long]) {
        const { res, ms } = await timed(() => stream(range));
        expect({ range, status: res.status, code: res.body.error?.code, retry: res.headers['retry-after'] }).toEqual({
          range,
          status: 503,
          code: 'storage_unavailable',
          retry: '5',
        });
        expect(ms).toBeLessThan(1_500);
      }
      const { res, ms } = await timed(() => request(app).get('/readyz'));
      expect([res.status, res.body.error.code]).toEqual([503, 'not_ready']);
      expect(res.body.error.message).toMatch(/Down: storage/);
      expect(res.body.error.details.dependencies.storage).toMatchObject({ ok: false, required: true });
      expect(ms).toBeLessThan(2_800);
      // What needs no file still works.
      expect((await request(app).get(`/api/tracks/${track.id}`)).status).toBeLessThan(500);
    } finally {
      s3.kill('SIGCONT');
    }

    expect((await request(app).get('/readyz')).status).toBe(200);
    expect((await stream(short)).body.equals(full.subarray(0, 1000))).toBe(true);
    expect((await stream(long)).body.equals(full.subarray(1000))).toBe(true);
  });
});
