import { seedDemoCatalog } from '../services/demo-catalog.service';
import { LocalDiskStorage } from '../services/storage/local-disk.storage';
import { runWithDatabase } from './lib/with-database';

// npm run seed:demo — creates whatever part of the demo catalog is missing; safe to repeat.
void runWithDatabase('seed-demo', async ({ config, db, logger }) => {
  const result = await seedDemoCatalog(db, new LocalDiskStorage(config.uploadDir), {
    log: (message) => logger.info(message),
  });
  logger.info(result, result.tracksCreated || result.usersCreated ? 'demo catalog seeded' : 'demo catalog already complete');
});
