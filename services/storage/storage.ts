import type { Readable } from 'node:stream';

/**
 * Where audio, previews and images are kept. Keys are chosen by the server
 * (`audio/<32 hex>.mp3`), never by a client, and are checked by `assertKey`
 * so no key can name a path outside the store.
 */
export interface Storage {
  /** Writes the whole object atomically: readers see the old object or the new, never half. */
  put(key: string, data: Buffer): Promise<void>;
  /** Moves a local file into the store (streamed, never read into memory), atomically like put. */
  putFile(key: string, sourcePath: string): Promise<void>;
  /**
   * The object's bytes (or a range of them) as a stream. `pieceBytes`: the
   * most it reads ahead of its consumer (default 64 KiB) — small for a
   * response to a listener who may read slowly, so each one holds little.
   */
  createReadStream(key: string, range?: { start: number; end: number }, options?: { pieceBytes?: number }): Readable;
  /**
   * One range read whole into memory: for small ranges (a player's requests), where a stream costs more than it saves.
   * `into`: a buffer at least the range's length that the store may read into (the answer is then a view of it), so a
   * caller can reuse its buffers; a store that cannot (an object store's response) answers with its own.
   */
  readRange(key: string, range: { start: number; end: number }, into?: Buffer): Promise<Buffer>;
  /**
   * Reads of one object for as long as `use` runs, all from the object as it was when they began (one open
   * file: a replacement or removal meanwhile is not seen), each a range into a given buffer. Local stores
   * only, where a read is a system call and not a request: long ranges are then sent piece by piece through
   * one reused buffer, rather than through createReadStream.
   */
  readPieces?<T>(key: string, use: (read: PieceRead) => Promise<T>): Promise<T>;
  size(key: string): Promise<number>;
  exists(key: string): Promise<boolean>;
  /** Removes the object; removing a missing object is not an error. */
  remove(key: string): Promise<void>;
  /** Every object in one folder (`audio`, `previews`, …), in no particular order; for audits, not hot paths. */
  list(folder: string): AsyncIterable<StoredObject>;
  /**
   * A URL at which anyone may GET the object (and ranges of it) until it
   * expires, with the response headers given; object stores only — local
   * disk has no such thing (DELIVERY=s3 needs STORAGE_DRIVER=s3).
   */
  presignedGet?(key: string, options: PresignedGet): Promise<string>;
  /** Resolves when the store can be read and written now (for readiness); rejects otherwise. */
  check(): Promise<void>;
  /** Lets go of what the store holds open (cached file handles, connections); called at shutdown. */
  close(): Promise<void>;
}

/** A range of the object readPieces opened, read into `into` (the answer is a view of it). */
export type PieceRead = (range: { start: number; end: number }, into: Buffer) => Promise<Buffer>;

export interface PresignedGet {
  expiresInSeconds: number;
  /** When the URL is signed (the app's clock); it stops working expiresInSeconds later. */
  signedAt: Date;
  contentType: string;
  /** Sent as the response's Content-Disposition (a download's file name). */
  contentDisposition?: string;
  cacheControl: string;
}

export interface StoredObject {
  key: string;
  sizeBytes: number;
  modifiedAt: Date;
}

/** The folders the store writes objects into. */
export const STORAGE_FOLDERS = ['audio', 'previews', 'covers', 'theme', 'renditions', 'extras', 'zips'] as const;

const KEY_PATTERN = /^[a-z]+\/[a-f0-9]{32}\.[a-z0-9]{1,5}$/;

/** Whether a name is a key this store could have written (anything else in a folder is not ours). */
export const isStorageKey = (key: string) => KEY_PATTERN.test(key);

export function assertKey(key: string): void {
  if (!KEY_PATTERN.test(key)) throw new Error(`invalid storage key: ${JSON.stringify(key)}`);
}
