import { LocalDiskStorage } from './local-disk.storage';
import type { S3Settings } from './s3.storage';
import type { Storage } from './storage';

/** Where files live, as the configuration says. */
export interface StorageSettings {
  uploadDir: string;
  storage: { driver: 'local' | 's3'; s3: S3Settings | undefined };
}

/**
 * The storage driver the configuration names: local disk under UPLOAD_DIR,
 * or S3. The AWS SDK is loaded only for S3: a store on local disk does not
 * carry its tens of megabytes of code in every process.
 */
export function createStorage(config: StorageSettings): Storage {
  if (config.storage.driver !== 's3') return new LocalDiskStorage(config.uploadDir);
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on demand, see above
  const { S3Storage } = require('./s3.storage') as typeof import('./s3.storage');
  return new S3Storage(config.storage.s3!);
}
