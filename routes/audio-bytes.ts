import { once } from 'node:events';
import { pipeline } from 'node:stream/promises';
import type { Response } from 'express';
import { BufferPool } from '../lib/buffer-pool';
import type { Storage } from '../services/storage/storage';

/**
 * Ranges up to this many bytes (a player's seek or a 256 KiB range) are
 * read into memory and sent in one write, which the kernel's socket buffer
 * takes whole on most connections; larger ones — a browser's `bytes=0-` —
 * go out in PIECE_BYTES pieces, so a listener who reads slowly costs one
 * piece in this process, not the range.
 */
const WHOLE_READ_MAX = 256 * 1024;
const PIECE_BYTES = 16 * 1024;

/**
 * The buffers reads go into, reused rather than allocated per request (see
 * BufferPool): whole reads keep as many idle as a busy store has ranges in
 * flight (64 × 256 KiB = 16 MiB; with half that, half the requests of 64
 * busy connections allocated again and the rate fell), pieces 256 (4 MiB).
 */
const wholeReads = new BufferPool(WHOLE_READ_MAX, 64);
const pieces = new BufferPool(PIECE_BYTES, 256);

/** Lets the idle buffers of both pools go (server/idle-memory.ts, when the store has gone quiet). */
export function trimAudioBuffers(): void {
  wholeReads.trim();
  pieces.trim();
}

type Range = { start: number; end: number };

/** Sends bytes `range` of a stored file as the body of `res`, whose headers are set: the bytes of every DELIVERY=node answer. */
export function sendStoredBytes(storage: Storage, res: Response, key: string, range: Range): Promise<void> {
  if (range.end - range.start < WHOLE_READ_MAX) return sendWhole(storage, res, key, range);
  return storage.readPieces ? sendPieces(storage.readPieces.bind(storage), res, key, range) : sendStream(storage, res, key, range);
}

/** One read into a pooled buffer, one write; the buffer goes back once the socket has taken the bytes. */
async function sendWhole(storage: Storage, res: Response, key: string, range: Range): Promise<void> {
  const buffer = wholeReads.take();
  let bytes: Buffer;
  try {
    bytes = await storage.readRange(key, range, buffer);
  } catch (err) {
    wholeReads.give(buffer);
    throw err;
  }
  // A listener who hung up first leaves it to the collector: the socket may still hold it.
  res.end(bytes, () => wholeReads.give(buffer));
}

/**
 * A local file, one piece at a time through one pooled buffer: the next
 * piece is read only when the socket has taken the last, so a listener who
 * reads slowly holds a single piece here and the kernel's socket buffer
 * holds the rest. The first piece is read before anything is sent: a file
 * that cannot be read is still an error the client can be told.
 */
async function sendPieces(readPieces: NonNullable<Storage['readPieces']>, res: Response, key: string, range: Range): Promise<void> {
  const buffer = pieces.take();
  let reusable = true;
  try {
    // One open file for the whole answer: a file replaced or removed meanwhile is neither mixed in nor cut short.
    await readPieces(key, async (read) => {
      for (let at = range.start; at <= range.end;) {
        const last = Math.min(range.end, at + PIECE_BYTES - 1);
        const bytes = await read({ start: at, end: last }, buffer);
        if (res.destroyed) return; // the listener went away (seeking, skipping): nothing to answer
        reusable = false;
        if (!(await taken(res, bytes))) return;
        reusable = true;
        at = last + 1;
      }
      res.end();
    });
  } finally {
    if (reusable) pieces.give(buffer);
  }
}

/** Writes bytes; true once the socket has taken them, false when the connection closed first. */
function taken(res: Response, bytes: Buffer): Promise<boolean> {
  return new Promise((resolve) => {
    const closed = () => resolve(false);
    res.once('close', closed);
    res.write(bytes, (err) => {
      res.off('close', closed);
      resolve(!err);
    });
  });
}

/** From an object store: its stream, in pieces with backpressure. */
async function sendStream(storage: Storage, res: Response, key: string, range: Range): Promise<void> {
  const source = storage.createReadStream(key, range, { pieceBytes: PIECE_BYTES });
  // The first bytes before the answer begins: a store that fails or says nothing (frozen) is then
  // still an error the client can be told (503 storage_unavailable), not a connection cut mid-file.
  const gone = () => source.destroy(new Error('the listener went away'));
  res.once('close', gone);
  try {
    await once(source, 'readable');
  } catch (err) {
    if (res.destroyed) return;
    throw err;
  } finally {
    res.off('close', gone);
  }
  try {
    await pipeline(source, res);
  } catch (err) {
    // The listener closed the connection (seeking, skipping): nothing to answer.
    if ((err as NodeJS.ErrnoException).code === 'ERR_STREAM_PREMATURE_CLOSE' || res.destroyed) return;
    throw err;
  }
}
