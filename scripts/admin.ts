import { z } from 'zod';
import { emailAddress } from '../lib/email-address';
import { grantRole } from '../services/users.service';
import { runWithDatabase } from './lib/with-database';

/**
 * npm run admin -- grant <email> <role> [--name "<display name>"]
 *
 * Gives an address a role (user, artist, admin), creating the account if it
 * does not exist and re-activating it if it was deactivated; `--name` sets
 * the name the store shows (an artist's name on their releases). For the
 * first admin of a new store and for recovery; refuses to demote the last
 * admin. Recorded in the audit trail as done by `cli`.
 */
const USAGE = 'usage: npm run admin -- grant <email> <user|artist|admin> [--name "<display name>"]';
const displayName = z.string().trim().min(1).max(100);
const args = z.union([
  z.tuple([z.literal('grant'), emailAddress, z.enum(['user', 'artist', 'admin'])]),
  z.tuple([z.literal('grant'), emailAddress, z.enum(['user', 'artist', 'admin']), z.literal('--name'), displayName]),
]);

const parsed = args.safeParse(process.argv.slice(2));
if (!parsed.success) {
  process.stderr.write(`${USAGE}\n${parsed.error.issues.map((i) => `  ${i.path.join('.') || 'arguments'}: ${i.message}`).join('\n')}\n`);
  process.exit(64); // EX_USAGE
}
const [, email, role, , name] = parsed.data;

void runWithDatabase('admin', async ({ db, logger }) => {
  const user = await grantRole(db, email, role, { displayName: name });
  logger.info({ id: user.id, role: user.role }, `${user.email} is now ${user.role}${user.displayName ? ` (${user.displayName})` : ''}`);
});
