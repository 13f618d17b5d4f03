import { withTransaction } from '../../db/pool';
import { deleteReleaseExtra, insertReleaseExtra, listReleaseExtras, type ReleaseExtra } from '../../db/repos/release-extras.repo';
import { fail } from '../../lib/errors';
import { requireRole, type Actor } from '../actor';
import { checkReleaseWritable, lockManaged } from './releases.service';
import type { ServiceDeps } from '../deps';
import { sniffImage } from '../images/image-sniff';
import { downloadName } from '../streaming/stream.service';
import { randomKey } from './track-files';

/**
 * Extras: files an artist attaches to a release — a PDF booklet, artwork,
 * photos — that go into every ZIP of it. Each is checked by its bytes (a
 * PDF from its header to its end marker, an image by its own header),
 * bounded in size and count, and named for people (the name given, else
 * the file's, with the extension its bytes call for).
 */

export const EXTRA_MAX_BYTES = 20 * 1024 * 1024;
export const EXTRAS_PER_RELEASE = 10;
const EXTRA_MAX_SIDE = 10_000;

/** What the bytes are: a whole PDF, or a PNG, JPEG or WebP image of a sane size. */
function sniffExtra(bytes: Buffer): { mime: string; ext: string } {
  if (bytes.subarray(0, 5).toString('latin1') === '%PDF-') {
    // A PDF ends with %%EOF (and perhaps a line break): one cut short lacks it.
    if (!bytes.subarray(Math.max(0, bytes.length - 1024)).includes('%%EOF')) throw fail('file_truncated');
    return { mime: 'application/pdf', ext: 'pdf' };
  }
  const image = sniffImage(bytes);
  if (!image) throw fail('unsupported_extra');
  if (image.width > EXTRA_MAX_SIDE || image.height > EXTRA_MAX_SIDE) {
    throw fail('image_too_large', { message: `Images may be at most ${EXTRA_MAX_SIDE} × ${EXTRA_MAX_SIDE} pixels.` });
  }
  return { mime: image.mime, ext: image.ext };
}

/** "Booklet (final).PDF" → "Booklet (final).pdf": the name without path or control characters, the extension the bytes call for. */
function extraName(given: string, ext: string): string {
  const base = given.replace(/^.*[\\/]/, '').replace(/\.[A-Za-z0-9]{1,5}$/, '');
  const name = downloadName(base).slice(0, 100).trim() || 'extra';
  return `${name}.${ext}`;
}

/** The actor, if the release is one they may change (theirs or an admin's, not deleted); 404 release_not_found otherwise. */
async function writableRelease(deps: ServiceDeps, actor: Actor | undefined, releaseId: number): Promise<Actor> {
  const me = requireRole(actor, 'artist', 'admin');
  await checkReleaseWritable(deps, me, releaseId);
  return me;
}

/** GET /api/artist/releases/:id/extras. */
export async function listManagedExtras(deps: ServiceDeps, actor: Actor | undefined, releaseId: number): Promise<ReleaseExtra[]> {
  await writableRelease(deps, actor, releaseId);
  return listReleaseExtras(deps.db, releaseId);
}

/**
 * Attaches a file to one of the actor's releases. The file is stored first
 * and recorded under the release's row lock (so the count holds with two
 * uploads at once); anything refused removes what was stored.
 */
export async function addReleaseExtra(
  deps: ServiceDeps,
  actor: Actor | undefined,
  releaseId: number,
  file: { bytes: Buffer; name: string },
): Promise<ReleaseExtra> {
  const me = await writableRelease(deps, actor, releaseId);
  if (file.bytes.length === 0) throw fail('empty_file', { message: 'The file is empty.' });
  if (file.bytes.length > EXTRA_MAX_BYTES) throw fail('file_too_large', { message: `Extras may be at most ${EXTRA_MAX_BYTES} bytes.` });
  const { mime, ext } = sniffExtra(file.bytes);
  const key = randomKey('extras', ext);
  await deps.storage.put(key, file.bytes);
  try {
    return await withTransaction(deps.db, async (tx) => {
      await lockManaged(tx, me, releaseId);
      if ((await listReleaseExtras(tx, releaseId)).length >= EXTRAS_PER_RELEASE) throw fail('too_many_extras');
      const name = extraName(file.name, ext);
      const extra = await insertReleaseExtra(tx, { releaseId, name, storageKey: key, mime, sizeBytes: file.bytes.length });
      if (!extra) throw fail('already_exists', { message: `This release has an extra named “${name}” already.` });
      return extra;
    });
  } catch (err) {
    await deps.storage.remove(key).catch(() => undefined);
    throw err;
  }
}

/** Removes an extra from one of the actor's releases, and then its file. */
export async function removeReleaseExtra(deps: ServiceDeps, actor: Actor | undefined, releaseId: number, extraId: number): Promise<void> {
  await writableRelease(deps, actor, releaseId);
  const removed = await deleteReleaseExtra(deps.db, releaseId, extraId);
  if (!removed) throw fail('extra_not_found');
  await deps.storage.remove(removed.storageKey);
}
