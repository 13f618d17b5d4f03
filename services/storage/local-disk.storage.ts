import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { OpenFiles } from './open-files';
import { assertKey, isStorageKey, type PieceRead, type Storage, type StoredObject } from './storage';

/** Objects as files under one folder (UPLOAD_DIR), one sub-folder per kind. */
export class LocalDiskStorage implements Storage {
  /** Files kept open between range reads (a playback reads one file many times). */
  private readonly openFiles = new OpenFiles(64);

  close(): Promise<void> {
    return this.openFiles.closeAll();
  }

  constructor(private readonly root: string) {}

  private file(key: string): string {
    assertKey(key);
    return path.join(this.root, key);
  }

  async put(key: string, data: Buffer): Promise<void> {
    const target = this.file(key);
    await fs.promises.mkdir(path.dirname(target), { recursive: true });
    const temp = `${target}.${crypto.randomBytes(6).toString('hex')}.tmp`;
    try {
      await fs.promises.writeFile(temp, data, { flag: 'wx' });
      await fs.promises.rename(temp, target);
      this.openFiles.forget(target); // after the rename: no read may keep the old file
    } catch (err) {
      await fs.promises.rm(temp, { force: true });
      throw err;
    }
  }

  async putFile(key: string, sourcePath: string): Promise<void> {
    const target = this.file(key);
    await fs.promises.mkdir(path.dirname(target), { recursive: true });
    try {
      await this.moveInto(sourcePath, target);
    } finally {
      this.openFiles.forget(target);
    }
  }

  private async moveInto(sourcePath: string, target: string): Promise<void> {
    try {
      await fs.promises.rename(sourcePath, target);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EXDEV') throw err;
      // Another file system: copy to a temporary name beside the target, then rename.
      const temp = `${target}.${crypto.randomBytes(6).toString('hex')}.tmp`;
      try {
        await fs.promises.copyFile(sourcePath, temp);
        await fs.promises.rename(temp, target);
        await fs.promises.rm(sourcePath, { force: true });
      } catch (copyErr) {
        await fs.promises.rm(temp, { force: true });
        throw copyErr;
      }
    }
  }

  createReadStream(key: string, range?: { start: number; end: number }, options: { pieceBytes?: number } = {}): Readable {
    return fs.createReadStream(this.file(key), { ...range, highWaterMark: options.pieceBytes });
  }

  readRange(key: string, range: { start: number; end: number }, into?: Buffer): Promise<Buffer> {
    return this.openFiles.use(this.file(key), (handle) => readExactly(handle, key, range, into));
  }

  readPieces<T>(key: string, use: (read: PieceRead) => Promise<T>): Promise<T> {
    // The handle is in use until `use` ends: a forget() meanwhile closes it only then.
    return this.openFiles.use(this.file(key), (handle) => use((range, into) => readExactly(handle, key, range, into)));
  }

  async size(key: string): Promise<number> {
    return (await fs.promises.stat(this.file(key))).size;
  }

  /** The folder exists (a new store has none until its first file: made here) and may be read and written. */
  async check(): Promise<void> {
    await fs.promises.mkdir(this.root, { recursive: true });
    await fs.promises.access(this.root, fs.constants.R_OK | fs.constants.W_OK);
  }

  async exists(key: string): Promise<boolean> {
    try {
      await fs.promises.access(this.file(key));
      return true;
    } catch {
      return false;
    }
  }

  async *list(folder: string): AsyncIterable<StoredObject> {
    const dir = path.join(this.root, folder);
    let names: string[];
    try {
      names = await fs.promises.readdir(dir);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw err;
    }
    for (const name of names) {
      const key = `${folder}/${name}`;
      if (!isStorageKey(key)) continue; // temporaries and strangers: not objects
      const stat = await fs.promises.stat(path.join(dir, name)).catch(() => undefined);
      if (stat?.isFile()) yield { key, sizeBytes: stat.size, modifiedAt: stat.mtime };
    }
  }

  async remove(key: string): Promise<void> {
    await fs.promises.rm(this.file(key), { force: true });
    this.openFiles.forget(this.file(key));
  }
}

/** Bytes `range` of an open file, into `into` when it is long enough; a file shorter than the range is an error. */
async function readExactly(
  handle: fs.promises.FileHandle,
  key: string,
  range: { start: number; end: number },
  into: Buffer | undefined,
): Promise<Buffer> {
  const length = range.end - range.start + 1;
  const buffer = into && into.length >= length ? into.subarray(0, length) : Buffer.allocUnsafe(length);
  const { bytesRead } = await handle.read(buffer, 0, length, range.start);
  if (bytesRead !== length) throw Object.assign(new Error(`${key} is shorter than ${range.end + 1} bytes`), { code: 'ESHORT' });
  return buffer;
}
