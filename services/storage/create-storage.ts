import type { Config } from '../../server/config';
import { LocalDiskStorage } from './local-disk.storage';
import { S3Storage } from './s3.storage';
import type { Storage } from './storage';

/** The storage driver the configuration names: local disk under UPLOAD_DIR, or S3. */
export function createStorage(config: Pick<Config, 'uploadDir' | 'storage'>): Storage {
  return config.storage.driver === 's3' ? new S3Storage(config.storage.s3!) : new LocalDiskStorage(config.uploadDir);
}
