import type { Readable } from 'node:stream';
import yazl from 'yazl';
import type { Storage } from '../storage/storage';

/** One file in a ZIP: its name inside the archive and the stored object it is read from. */
export interface ZipEntry {
  name: string;
  key: string;
}

/**
 * A ZIP of stored objects, streamed: each entry is read from storage as the
 * archive is written (stored, not deflated: audio and images are compressed
 * already), so memory holds a buffer's worth however large the release.
 * Every entry carries `mtime`, so the same entries make the same bytes (the
 * archive streamed on a first download is the one stored after). `close()`
 * lets go of every file the archive had open — for a reader that stopped (a
 * client that hung up).
 */
export function zipOf(storage: Storage, entries: ZipEntry[], mtime: Date): { output: Readable; close: () => void } {
  const zip = new yazl.ZipFile();
  const streams: Readable[] = [];
  for (const entry of entries) {
    const stream = storage.createReadStream(entry.key);
    streams.push(stream);
    zip.addReadStream(stream, entry.name, { compress: false, mtime });
  }
  zip.end();
  return { output: zip.outputStream as Readable, close: () => streams.forEach((s) => s.destroy()) };
}
