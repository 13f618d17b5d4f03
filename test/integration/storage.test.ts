import fs from 'node:fs';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import crypto from 'node:crypto';
// s3rver has no type declarations; it is an S3-compatible server run in this process.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const S3rver = require('s3rver') as new (options: object) => { run(): Promise<AddressInfo>; close(): Promise<void> };
import { testStorage } from '../support/storage';
import { S3Storage } from '../../services/storage/s3.storage';
import type { Storage } from '../../services/storage/storage';
import { tempDir } from '../support/temp-dir';

const tmp = tempDir('sn-storage-');
let s3server: { close(): Promise<void> };
let s3: S3Storage;

beforeAll(async () => {
  const server = new S3rver({
    port: 0,
    address: '127.0.0.1',
    silent: true,
    directory: path.join(tmp, 's3rver'),
    configureBuckets: [{ name: 'song-nexus-test' }],
  });
  const address = await server.run();
  s3server = server;
  s3 = new S3Storage({
    bucket: 'song-nexus-test',
    region: 'us-east-1',
    endpoint: `http://127.0.0.1:${address.port}`,
    forcePathStyle: true,
    accessKeyId: 'S3RVER',
    secretAccessKey: 'S3RVER',
    prefix: 'store-a/',
  });
});
afterAll(async () => {
  await s3server?.close();
});

const key = (folder = 'audio', ext = 'mp3') => `${folder}/${crypto.randomBytes(16).toString('hex')}.${ext}`;

async function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

// The same contract for every driver: local disk, and S3 against an S3-compatible server.
describe.each([
  ['local disk', () => testStorage(path.join(tmp, 'local')) as Storage],
  ['S3 (s3rver)', () => s3 as Storage],
])('%s storage', (_name, make) => {
  const data = crypto.randomBytes(300_000);

  it('stores an object and reads it back whole and by byte range', async () => {
    const storage = make();
    const k = key();
    await storage.put(k, data);
    expect(await storage.exists(k)).toBe(true);
    expect(await storage.size(k)).toBe(data.length);
    expect((await readAll(storage.createReadStream(k))).equals(data)).toBe(true);
    expect((await readAll(storage.createReadStream(k, { start: 1000, end: 1999 }))).equals(data.subarray(1000, 2000))).toBe(true);
    expect((await readAll(storage.createReadStream(k, { start: data.length - 1, end: data.length - 1 }))).equals(data.subarray(-1))).toBe(
      true,
    );
    expect((await storage.readRange(k, { start: 1000, end: 263_143 })).equals(data.subarray(1000, 263_144))).toBe(true);
    expect((await storage.readRange(k, { start: 0, end: 0 })).equals(data.subarray(0, 1))).toBe(true);
  });

  it('never reads a replaced or removed object through what it read before', async () => {
    const storage = make();
    const k = key();
    await storage.put(k, data);
    expect((await storage.readRange(k, { start: 0, end: 99 })).equals(data.subarray(0, 100))).toBe(true);
    const other = crypto.randomBytes(data.length);
    await storage.put(k, other);
    expect((await storage.readRange(k, { start: 0, end: 99 })).equals(other.subarray(0, 100))).toBe(true);
    await storage.remove(k);
    await expect(storage.readRange(k, { start: 0, end: 99 })).rejects.toMatchObject({ code: 'ENOENT' });
    // Many files in turn: the oldest idle ones are closed, every read still right.
    const keys = Array.from({ length: 80 }, () => key());
    await Promise.all(keys.map((k2, i) => storage.put(k2, Buffer.alloc(10, i))));
    for (const [i, k2] of keys.entries())
      expect((await storage.readRange(k2, { start: 0, end: 9 })).equals(Buffer.alloc(10, i))).toBe(true);
  });

  it('moves a local file in, and removes objects idempotently', async () => {
    const storage = make();
    const source = path.join(tmp, `upload-${crypto.randomBytes(4).toString('hex')}`);
    fs.writeFileSync(source, data);
    const k = key('previews', 'flac');
    await storage.putFile(k, source);
    expect(fs.existsSync(source)).toBe(false);
    expect((await readAll(storage.createReadStream(k))).equals(data)).toBe(true);
    await storage.remove(k);
    expect(await storage.exists(k)).toBe(false);
    await expect(storage.remove(k)).resolves.toBeUndefined();
  });

  it('lists the objects of a folder with their sizes, and nothing that is not an object', async () => {
    const storage = make();
    const folder = `list${crypto.randomBytes(3).toString('hex').replace(/[0-9]/g, 'x')}`;
    const keys = [key(folder, 'png'), key(folder, 'jpg')];
    for (const k of keys) await storage.put(k, data.subarray(0, 100));
    const listed = [];
    for await (const object of storage.list(folder)) listed.push(object);
    expect(listed.map((o) => o.key).sort()).toEqual([...keys].sort());
    expect(listed.every((o) => o.sizeBytes === 100 && o.modifiedAt.getTime() > Date.now() - 60_000)).toBe(true);
    const none = [];
    for await (const object of storage.list('nosuchfolder')) none.push(object);
    expect(none).toEqual([]);
  });

  it('reports missing objects, and refuses keys that could name another path', async () => {
    const storage = make();
    const missing = key();
    expect(await storage.exists(missing)).toBe(false);
    await expect(storage.size(missing)).rejects.toMatchObject({ code: 'ENOENT' });
    await expect(readAll(storage.createReadStream(missing))).rejects.toMatchObject({ code: 'ENOENT' });
    for (const bad of ['../etc/passwd', 'audio/../../x.mp3', '/abs/path.mp3', 'audio/UPPER.mp3', 'audio/x.mp3']) {
      await expect(storage.put(bad, data)).rejects.toThrow(/invalid storage key/);
    }
  });
});
