import { LocalDiskStorage } from '../../services/storage/local-disk.storage';

const opened: LocalDiskStorage[] = [];

/**
 * A local-disk store under `dir` for a test, closed when the test file ends
 * (test/support/file-end.ts), so no cached file handle is left for the
 * garbage collector to close.
 */
export function testStorage(dir: string): LocalDiskStorage {
  const storage = new LocalDiskStorage(dir);
  opened.push(storage);
  return storage;
}

/** Closes every store testStorage() made in this file. */
export async function closeTestStorages(): Promise<void> {
  await Promise.all(opened.splice(0).map((storage) => storage.close()));
}
