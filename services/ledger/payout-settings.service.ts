import { confirmPayoutEmail, findPayoutAccount, requestPayoutEmail, type PayoutAccount } from '../../db/repos/payout-accounts.repo';
import { fail } from '../../lib/errors';
import { requireRole, type Actor } from '../actor';
import { hashToken, isWellFormedToken, newToken } from '../auth/tokens';
import type { ServiceDeps } from '../deps';
import { blockMail } from '../mail/block.mail';

/**
 * Where an artist is paid: a PayPal address, which takes effect only when
 * the link mailed to it is opened (so a mistyped address, or someone else's
 * session, cannot divert payouts). The token is stored as its SHA-256 only
 * and lasts a day; asking again replaces it.
 */

type Deps = Pick<ServiceDeps, 'db' | 'clock' | 'mailer' | 'config'>;

const TOKEN_HOURS = 24;

/** GET /api/artist/payout-settings. */
export async function myPayoutSettings(deps: Deps, actor: Actor | undefined): Promise<PayoutAccount | undefined> {
  const me = requireRole(actor, 'artist', 'admin');
  return findPayoutAccount(deps.db, me.userId);
}

/** PUT /api/artist/payout-settings { paypalEmail }: mails the confirmation link to that address. */
export async function requestPayoutAddress(deps: Deps, actor: Actor | undefined, email: string): Promise<PayoutAccount> {
  const me = requireRole(actor, 'artist', 'admin');
  const { token, hash } = newToken();
  const expiresAt = new Date(deps.clock().getTime() + TOKEN_HOURS * 3_600_000);
  await requestPayoutEmail(deps.db, { artistUserId: me.userId, email, tokenHash: hash, expiresAt });
  const link = `${deps.config.appOrigin}/payouts/confirm#token=${token}`;
  await deps.mailer.send(
    blockMail(email, 'Confirm your PayPal address for Song-Nexus payouts', [
      {
        p: 'Someone asked for Song-Nexus payouts to be sent to this PayPal address. If that was you, confirm it (the link works once, for a day):',
      },
      { link: { href: link, text: 'Confirm this address for payouts' } },
      { p: 'If it was not you, ignore this mail: nothing changes.' },
    ]),
  );
  return (await findPayoutAccount(deps.db, me.userId))!;
}

/** POST /api/payouts/confirm { token }: the token alone proves the mailbox (whoever opens the link). */
export async function confirmPayoutAddress(deps: Deps, token: string): Promise<PayoutAccount> {
  const confirmed = isWellFormedToken(token) ? await confirmPayoutEmail(deps.db, hashToken(token), deps.clock()) : undefined;
  if (!confirmed) throw fail('payout_link_invalid');
  return confirmed;
}
