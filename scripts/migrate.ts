import { migrate } from '../db/migrate';
import { runWithDatabase } from './lib/with-database';

// npm run db:migrate — applies pending migrations and says what it did.
void runWithDatabase(
  'migrate',
  async ({ db, logger }) => {
    const applied = await migrate(db, { log: (message) => logger.info(message) });
    logger.info(applied.length ? `applied ${applied.length} migration(s)` : 'the schema is up to date');
  },
  { migrateFirst: false },
);
