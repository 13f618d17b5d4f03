import { deleteExpired } from '../services/cleanup.service';
import { systemClock } from '../services/clock';
import { runWithDatabase } from './lib/with-database';

// npm run cleanup — deletes expired sessions, dead sign-in links and expired
// WebAuthn challenges (the server also does this every 10 minutes).
void runWithDatabase('cleanup', async ({ db, logger }) => {
  const removed = await deleteExpired({ db, clock: systemClock });
  logger.info(removed, 'expired records removed');
});
