import { seedDemoCatalog } from '../services/demo-catalog.service';
import { createStorage } from '../services/storage/create-storage';
import { runWithDatabase } from './lib/with-database';

// npm run seed:demo — creates whatever part of the demo catalog is missing; safe to repeat.
void runWithDatabase('seed-demo', async ({ config, db, logger }) => {
  const result = await seedDemoCatalog(db, createStorage(config), {
    log: (message) => logger.info(message),
    currency: config.currency,
  });
  logger.info(result, result.tracksCreated || result.usersCreated ? 'demo catalog seeded' : 'demo catalog already complete');
});
