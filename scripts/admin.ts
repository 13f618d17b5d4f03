import { z } from 'zod';
import { grantRole } from '../services/users.service';
import { runWithDatabase } from './lib/with-database';

/**
 * npm run admin -- grant <email> <role>
 *
 * Gives an address a role (user, artist, admin), creating the account if it
 * does not exist and re-activating it if it was deactivated. For the first
 * admin of a new store and for recovery; refuses to demote the last admin.
 */
const USAGE = 'usage: npm run admin -- grant <email> <user|artist|admin>';
const args = z.tuple([z.literal('grant'), z.string().trim().max(254).pipe(z.email()), z.enum(['user', 'artist', 'admin'])]);

const parsed = args.safeParse(process.argv.slice(2));
if (!parsed.success) {
  process.stderr.write(`${USAGE}\n${parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`).join('\n')}\n`);
  process.exit(64); // EX_USAGE
}
const [, email, role] = parsed.data;

void runWithDatabase('admin', async ({ db, logger }) => {
  const user = await grantRole(db, email, role);
  logger.info({ id: user.id, email: user.email, role: user.role }, `${user.email} is now ${user.role}`);
});
