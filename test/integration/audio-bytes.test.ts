import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { PieceRead, Storage } from '../../services/storage/storage';
import { signInAs } from '../support/auth';
import { testApp } from '../support/app';
import { useTestDatabase } from '../support/db';
import { buildTrack } from '../support/factories';
import { testStorage } from '../support/storage';
import { tempDir } from '../support/temp-dir';
import { until } from '../support/until';

/**
 * A long range from local disk (a browser's `bytes=0-`) goes out piece by
 * piece: the next piece is read only when the socket took the last, so a
 * listener who stops reading stops the reads, one who hangs up ends them,
 * and a read that fails midway cuts only that response.
 */
const db = useTestDatabase();
const uploads = tempDir('sn-audio-bytes-');
const PIECE = 16 * 1024;
// Larger than the kernel's socket buffers on loopback (a few MiB each way) can hold.
const SIZE = 32 * 1024 * 1024;

let reads = 0;
let failAfter = Infinity;
const disk = testStorage(uploads);
// The disk, counting its reads, and failing on demand (the only way to fail a read midway every time).
const counting: Storage = Object.assign(Object.create(disk) as Storage, {
  readPieces<T>(key: string, use: (read: PieceRead) => Promise<T>): Promise<T> {
    return disk.readPieces(key, (read) =>
      use((range, into) => {
        if (++reads > failAfter) return Promise.reject(Object.assign(new Error('disk read failed'), { code: 'EIO' }));
        return read(range, into);
      }),
    );
  },
});

let server: http.Server;
let port: number;
let cookie: string;
let trackId: number;
let key: string;
const file = crypto.randomBytes(SIZE);

beforeAll(async () => {
  const owner = await signInAs(db.pool, 'artist');
  cookie = owner.cookie;
  key = `audio/${crypto.randomBytes(16).toString('hex')}.mp3`;
  await disk.put(key, file);
  trackId = (await buildTrack(db.pool, { artistUserId: owner.user.id, audioFilename: key, audioMime: 'audio/mpeg', fileSizeBytes: SIZE }))
    .id;
  server = http.createServer(testApp(db.pool, { env: { UPLOAD_DIR: uploads }, storage: counting }));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});

afterAll(() => new Promise((resolve) => server.close(resolve)));

beforeEach(() => {
  reads = 0;
  failAfter = Infinity;
});

const listen = () =>
  new Promise<http.IncomingMessage>((resolve, reject) => {
    http.get({ port, host: '127.0.0.1', path: `/api/tracks/${trackId}/stream`, headers: { Cookie: cookie } }, resolve).on('error', reject);
  });

/** Waits until `reads` has not changed for 300 ms. */
async function readsSettle(): Promise<number> {
  let last = -1;
  await until(async () => {
    const settled = reads === last;
    last = reads;
    await new Promise((r) => setTimeout(r, 300));
    return settled;
  }, 'the reads to stop');
  return reads;
}

it('stops reading while the listener does not read, and sends every byte once they do', async () => {
  const res = await listen();
  res.pause();
  expect(res.statusCode).toBe(200);
  const held = await readsSettle();
  // What the kernel holds plus one piece, far from the whole file.
  expect(held * PIECE).toBeLessThan(SIZE / 2);
  const chunks: Buffer[] = [];
  res.on('data', (chunk: Buffer) => chunks.push(chunk));
  res.resume();
  await new Promise((resolve) => res.on('end', resolve));
  expect(Buffer.concat(chunks).equals(file)).toBe(true);
  expect(reads).toBe(SIZE / PIECE);
});

it('stops reading when the listener hangs up midway, and answers the next one', async () => {
  const res = await listen();
  await new Promise((resolve) => res.once('data', resolve));
  res.destroy();
  const after = await readsSettle();
  expect(after * PIECE).toBeLessThan(SIZE / 2);
  const next = await listen();
  expect(next.statusCode).toBe(200);
  next.destroy();
});

it('cuts only the response whose read fails midway; the next is whole', async () => {
  failAfter = 3;
  const res = await listen();
  expect(res.statusCode).toBe(200); // the first pieces were sent before the failure
  const received = await new Promise<number>((resolve) => {
    let bytes = 0;
    res.on('data', (chunk: Buffer) => (bytes += chunk.length));
    res.on('error', () => resolve(bytes));
    res.on('aborted', () => resolve(bytes));
    res.on('end', () => resolve(bytes));
  });
  // Cut short (what the kernel had taken of the first pieces may be lost with the reset), never the whole file.
  expect(received).toBeLessThanOrEqual(3 * PIECE);
  failAfter = Infinity;
  const whole = await listen();
  const chunks: Buffer[] = [];
  for await (const chunk of whole) chunks.push(chunk as Buffer);
  expect(Buffer.concat(chunks).equals(file)).toBe(true);
});

it('answers with an error, not a cut, when the very first read fails: nothing was sent yet', async () => {
  failAfter = 0;
  const res = await listen();
  const body: Buffer[] = [];
  for await (const chunk of res) body.push(chunk as Buffer);
  expect([res.statusCode, JSON.parse(Buffer.concat(body).toString()).error.code]).toEqual([500, 'internal_error']);
});

it('sends the file as it was when the answer began, though it is replaced or removed meanwhile', async () => {
  const replaced = await listen();
  replaced.pause();
  await readsSettle();
  const other = crypto.randomBytes(SIZE);
  await disk.put(key, other);
  const chunks: Buffer[] = [];
  for await (const chunk of replaced) chunks.push(chunk as Buffer);
  expect(Buffer.concat(chunks).equals(file)).toBe(true);
  // The next listener hears the new file; one who began before its removal still gets all of it.
  const removed = await listen();
  removed.pause();
  await readsSettle();
  await disk.remove(key);
  const rest: Buffer[] = [];
  for await (const chunk of removed) rest.push(chunk as Buffer);
  expect(Buffer.concat(rest).equals(other)).toBe(true);
});
