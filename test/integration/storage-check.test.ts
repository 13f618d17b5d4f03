import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { systemClock } from '../../lib/clock';
import { testStorage } from '../support/storage';
import { checkStorage } from '../../services/storage/storage-check.service';
import { sweepTemporaries } from '../../services/storage/temp-files';
import { useTestDatabase } from '../support/db';
import { buildTrack } from '../support/factories';
import { tempDir } from '../support/temp-dir';

/** What a crash leaves behind: swept temporaries, and stored objects compared with the rows that name them. */

const db = useTestDatabase();
const root = tempDir('sn-storage-check-');
const storage = testStorage(root);

const hex = () => crypto.randomBytes(16).toString('hex');
const HOUR = 3_600_000;
/** Makes a file look `ms` old. */
const age = (file: string, ms: number) => fs.utimesSync(file, new Date(Date.now() - ms), new Date(Date.now() - ms));
/** Files for the sweep, in an UPLOAD_DIR of their own. */
const sweepRoot = path.join(root, 'sweep');
const write = (relative: string, bytes = 10) => {
  const file = path.join(sweepRoot, relative);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, Buffer.alloc(bytes));
  return file;
};

it('sweeps temporaries older than an hour (uploads cut off, half-written objects) and keeps younger ones and real objects', async () => {
  const oldUpload = write(`incoming/${hex()}.upload.tmp`, 27_000);
  const liveUpload = write(`incoming/${hex()}.upload.tmp`);
  const oldPartial = write(`audio/${hex()}.mp3.a1b2c3d4e5f6.tmp`);
  const object = write(`audio/${hex()}.mp3`);
  const stranger = write('incoming/README');
  for (const file of [oldUpload, oldPartial, object, stranger]) age(file, 2 * HOUR);
  const result = await sweepTemporaries(sweepRoot, new Date());
  expect(result).toEqual({ removed: 2, bytes: 27_010 });
  expect([oldUpload, liveUpload, oldPartial, object, stranger].map((f) => fs.existsSync(f))).toEqual([false, true, false, true, true]);
});

it('reports stored objects no row names and rows whose files are missing, and removes only old orphans on request', async () => {
  const audio = `audio/${hex()}.mp3`;
  const cover = `covers/${hex()}.png`;
  await storage.put(audio, Buffer.alloc(100));
  await storage.put(cover, Buffer.alloc(50));
  const missingPreview = `previews/${hex()}.mp3`;
  const track = await buildTrack(db.pool, { audioFilename: audio, coverFilename: cover, previewFilename: missingPreview });
  const deleted = await buildTrack(db.pool, { audioFilename: `audio/${hex()}.mp3` });
  await db.pool.query('UPDATE tracks SET is_deleted = true, deleted_at = now() WHERE id = $1', [deleted.id]);
  await storage.put(deleted.audioFilename, Buffer.alloc(10)); // a deleted track's audio stays for its buyers
  const orphan = `audio/${hex()}.flac`;
  const freshOrphan = `previews/${hex()}.mp3`;
  const themeUnused = `theme/${hex()}.png`;
  const themeUsed = `theme/${hex()}.webp`;
  for (const k of [orphan, freshOrphan, themeUnused, themeUsed]) await storage.put(k, Buffer.alloc(7));
  for (const k of [orphan, themeUnused, themeUsed, audio, cover, deleted.audioFilename]) age(path.join(root, k), 2 * HOUR);
  await db.pool.query(`UPDATE design_system SET logo_url = $1 WHERE is_active`, [`/assets/theme/${themeUsed.slice(6)}`]);

  const report = await checkStorage({ db: db.pool, storage, clock: systemClock });
  expect(report.orphans.map((o) => o.key)).toEqual([orphan]); // the fresh one may be an upload in progress; theme drafts wait 30 days
  expect(report.missing).toEqual([{ key: missingPreview, trackId: track.id, kind: 'preview' }]);
  expect(report.deleted).toBe(0);
  expect(await storage.exists(orphan)).toBe(true);

  const cleaned = await checkStorage({ db: db.pool, storage, clock: systemClock }, { deleteOrphans: true });
  expect(cleaned.deleted).toBe(1);
  for (const [k, kept] of [
    [orphan, false],
    [freshOrphan, true],
    [themeUnused, true],
    [themeUsed, true],
    [audio, true],
    [cover, true],
    [deleted.audioFilename, true],
  ] as const) {
    expect({ k, kept: await storage.exists(k) }).toEqual({ k, kept });
  }
});
