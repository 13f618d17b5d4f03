import { LocalDiskStorage } from './local-disk.storage';
import { S3Storage, type S3Settings } from './s3.storage';
import type { Storage } from './storage';

/** Where files live, as the configuration says. */
export interface StorageSettings {
  uploadDir: string;
  storage: { driver: 'local' | 's3'; s3: S3Settings | undefined };
}

/** The storage driver the configuration names: local disk under UPLOAD_DIR, or S3. */
export function createStorage(config: StorageSettings): Storage {
  return config.storage.driver === 's3' ? new S3Storage(config.storage.s3!) : new LocalDiskStorage(config.uploadDir);
}
