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
  createReadStream(key: string, range?: { start: number; end: number }): Readable;
  /** One range read whole into memory: for small ranges (a player's requests), where a stream costs more than it saves. */
  readRange(key: string, range: { start: number; end: number }): Promise<Buffer>;
  size(key: string): Promise<number>;
  exists(key: string): Promise<boolean>;
  /** Removes the object; removing a missing object is not an error. */
  remove(key: string): Promise<void>;
  /** Every object in one folder (`audio`, `previews`, …), in no particular order; for audits, not hot paths. */
  list(folder: string): AsyncIterable<StoredObject>;
  /** Lets go of what the store holds open (cached file handles, connections); called at shutdown. */
  close(): Promise<void>;
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
