import { systemClock } from '../lib/clock';
import { createStorage } from '../services/storage/create-storage';
import { checkStorage } from '../services/storage/storage-check.service';
import { runWithDatabase } from './lib/with-database';

// npm run storage:check [-- --delete] — reports stored objects no row names
// (orphans older than an hour) and files rows name that storage lacks; with
// --delete it removes the orphans. Exits 1 when files are missing.
void runWithDatabase('storage:check', async ({ config, db, logger }) => {
  const deleteOrphans = process.argv.includes('--delete');
  const report = await checkStorage({ db, storage: createStorage(config), clock: systemClock }, { deleteOrphans });
  for (const orphan of report.orphans)
    logger.info(
      { key: orphan.key, bytes: orphan.sizeBytes, modifiedAt: orphan.modifiedAt },
      deleteOrphans ? 'orphan removed' : 'orphan (run with --delete to remove)',
    );
  for (const gone of report.missing) logger.error(gone, 'missing: a row names a file storage does not have');
  logger.info(
    { checked: report.checked, orphans: report.orphans.length, deleted: report.deleted, missing: report.missing.length },
    'storage check done',
  );
  if (report.missing.length > 0) process.exitCode = 1;
});
