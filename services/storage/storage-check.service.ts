import { listThemeImageUrls } from '../../db/repos/design-system.repo';
import { listTrackFileKeys } from '../../db/repos/tracks.repo';
import type { ServiceDeps } from '../deps';
import { STORAGE_FOLDERS, type StoredObject } from './storage';
import { TEMP_MAX_AGE_MS } from './temp-files';

export interface StorageReport {
  /** Stored objects no row names (an upload that died between storing and inserting, a failed removal). */
  orphans: StoredObject[];
  /** Files rows name that storage does not have: the tracks or themes behind them cannot be served. */
  missing: { key: string; trackId?: number; kind: string }[];
  /** Orphans removed (only with `deleteOrphans`). */
  deleted: number;
  checked: number;
}

/**
 * A theme image is uploaded first and named by a theme only when the admin
 * saves; a draft may wait for days. Unnamed ones count as orphans after this.
 */
const THEME_ASSET_MIN_AGE_MS = 30 * 86_400_000;

/** An uploaded theme asset's storage key from the URL a token holds (`/assets/theme/<name>` → `theme/<name>`). */
const themeKeyOf = (url: string) => /^\/assets\/theme\/([a-f0-9]{32}\.(?:png|jpg|webp))$/.exec(url)?.[1];

/**
 * Compares what storage holds with what the database names
 * (`npm run storage:check`). Orphans younger than `orphanMinAgeMs` are left
 * out (an upload in progress stores its files before its row), and unnamed
 * theme images younger than 30 days (a draft theme may still use them). With
 * `deleteOrphans` the orphans found are removed; nothing a row names ever is.
 */
export async function checkStorage(
  deps: Pick<ServiceDeps, 'db' | 'storage' | 'clock'>,
  options: { deleteOrphans?: boolean; orphanMinAgeMs?: number } = {},
): Promise<StorageReport> {
  const minAge = options.orphanMinAgeMs ?? TEMP_MAX_AGE_MS;
  const named = new Map<string, { trackId?: number; kind: string }>();
  for (const file of await listTrackFileKeys(deps.db)) named.set(file.key, { trackId: file.trackId, kind: file.kind });
  for (const url of await listThemeImageUrls(deps.db)) {
    const key = themeKeyOf(url);
    if (key) named.set(`theme/${key}`, { kind: 'theme image' });
  }
  const report: StorageReport = { orphans: [], missing: [], deleted: 0, checked: 0 };
  const present = new Set<string>();
  const now = deps.clock().getTime();
  for (const folder of STORAGE_FOLDERS) {
    for await (const object of deps.storage.list(folder)) {
      report.checked++;
      present.add(object.key);
      const age = now - object.modifiedAt.getTime();
      if (named.has(object.key) || age < (folder === 'theme' ? Math.max(minAge, THEME_ASSET_MIN_AGE_MS) : minAge)) continue;
      report.orphans.push(object);
    }
  }
  for (const [key, owner] of named) if (!present.has(key)) report.missing.push({ key, ...owner });
  if (options.deleteOrphans) {
    for (const orphan of report.orphans) {
      await deps.storage.remove(orphan.key);
      report.deleted++;
    }
  }
  return report;
}
