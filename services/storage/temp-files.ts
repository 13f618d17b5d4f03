import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { STORAGE_FOLDERS, type Storage } from './storage';

/** Uploads are streamed to `incoming/<random>.upload.tmp` under UPLOAD_DIR. */
export const UPLOAD_TEMP_SUFFIX = '.upload.tmp';
/** Older temporaries than this belong to no request still running: a crash left them. */
export const TEMP_MAX_AGE_MS = 3_600_000;

export interface SweepResult {
  removed: number;
  bytes: number;
}

/**
 * Removes what a crash can leave under UPLOAD_DIR: uploads in `incoming/`
 * and half-written objects (`*.tmp` beside their target) in the storage
 * folders, once they are older than `maxAgeMs` — a live upload or write
 * keeps touching its file, so it is never that old.
 */
export async function sweepTemporaries(uploadDir: string, now: Date, maxAgeMs = TEMP_MAX_AGE_MS): Promise<SweepResult> {
  const result: SweepResult = { removed: 0, bytes: 0 };
  const places: [string, (name: string) => boolean][] = [
    ['incoming', (name) => name.endsWith(UPLOAD_TEMP_SUFFIX)],
    ...STORAGE_FOLDERS.map((folder): [string, (name: string) => boolean] => [folder, (name) => name.endsWith('.tmp')]),
  ];
  for (const [folder, isTemporary] of places) {
    const dir = path.join(uploadDir, folder);
    const names = await fs.promises.readdir(dir).catch(() => [] as string[]);
    for (const name of names.filter(isTemporary)) {
      const file = path.join(dir, name);
      const stat = await fs.promises.stat(file).catch(() => undefined);
      if (!stat?.isFile() || now.getTime() - stat.mtimeMs < maxAgeMs) continue;
      await fs.promises.rm(file, { force: true });
      result.removed++;
      result.bytes += stat.size;
    }
  }
  return result;
}

/**
 * Runs `work` with fresh file paths under `incoming/` (one per name; swept
 * like uploads should a crash leave them) and removes them after, whatever
 * happened: the scratch files of a transcode or a cut.
 */
export async function withWorkFiles<N extends string, T>(
  uploadDir: string,
  names: readonly N[],
  work: (files: Record<N, string>) => Promise<T>,
): Promise<T> {
  const dir = path.join(uploadDir, 'incoming');
  await fs.promises.mkdir(dir, { recursive: true });
  const base = path.join(dir, `work-${crypto.randomBytes(8).toString('hex')}`);
  const files = Object.fromEntries(names.map((name) => [name, `${base}-${name}${UPLOAD_TEMP_SUFFIX}`])) as Record<N, string>;
  try {
    return await work(files);
  } finally {
    await Promise.all(Object.values<string>(files).map((file) => fs.promises.rm(file, { force: true })));
  }
}

/** Copies a stored object into a local (scratch) file, streamed: what ffmpeg reads. */
export function copyToFile(storage: Storage, key: string, file: string): Promise<void> {
  return pipeline(storage.createReadStream(key), fs.createWriteStream(file));
}
