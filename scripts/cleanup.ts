import { deleteExpired } from '../services/cleanup.service';
import { systemClock } from '../lib/clock';
import { sweepTemporaries } from '../services/storage/temp-files';
import { runWithDatabase } from './lib/with-database';

// npm run cleanup — deletes expired sessions, dead sign-in links and expired
// WebAuthn challenges, and temporary files a crash left under UPLOAD_DIR
// (the server also does this at start and every 10 minutes).
void runWithDatabase('cleanup', async ({ config, db, logger }) => {
  const removed = await deleteExpired({ db, clock: systemClock });
  logger.info(removed, 'expired records removed');
  logger.info(await sweepTemporaries(config.uploadDir, systemClock()), 'leftover temporary files removed');
});
