import { withTransaction } from '../db/pool';
import { accountExport } from '../db/repos/account-export.repo';
import { eraseAccount } from '../db/repos/account-erasure.repo';
import { setUserEmail, takeEmailChange, upsertEmailChange } from '../db/repos/email-changes.repo';
import { refreshReleaseSummary } from '../db/repos/releases.repo';
import { findUserById, lockActiveAdmins } from '../db/repos/users.repo';
import { fail, forbidden, userNotFound } from '../lib/errors';
import { requireRole, requireSignedIn, type Actor } from './actor';
import { recordAudit } from './audit.service';
import { hashToken, isWellFormedToken, newToken } from './auth/tokens';
import type { ServiceDeps } from './deps';
import { blockMail } from './mail/block.mail';
import { lastAdmin, normaliseEmail } from './users.service';

/**
 * A person's account from end to end: take a copy of everything the store
 * holds about them, change the address they sign in with, and erase the
 * account. Orders and ledger entries outlive an erasure (tax and accounting
 * law require them), but nothing personal does.
 */

type Deps = Pick<ServiceDeps, 'db' | 'clock' | 'mailer' | 'config' | 'storage' | 'logger'>;

const EMAIL_LINK_HOURS = 24;

/** GET /api/me/export: every record about the signed-in person, as JSON. */
export async function exportMyAccount(deps: Pick<Deps, 'db' | 'clock' | 'config'>, actor: Actor | undefined) {
  const me = requireSignedIn(actor);
  const data = { exportedAt: deps.clock().toISOString(), store: deps.config.appOrigin, ...(await accountExport(deps.db, me.userId)) };
  return { userId: me.userId, data };
}

/**
 * DELETE /api/me: a listener erases their own account, typing its address
 * to confirm. An artist's account holds a catalogue and earnings that need
 * settling, so an admin erases it (403 artist_erasure_by_admin).
 */
export async function deleteMyAccount(deps: Deps, actor: Actor | undefined, typedEmail: string): Promise<void> {
  const me = requireSignedIn(actor);
  if (me.role === 'artist') throw fail('artist_erasure_by_admin');
  const user = await findUserById(deps.db, me.userId);
  if (!user) throw userNotFound();
  if (normaliseEmail(typedEmail).toLowerCase() !== user.email.toLowerCase())
    throw fail('invalid_value', { message: 'Type the address you sign in with to confirm.' });
  await erase(deps, me, me.userId);
}

/** DELETE /api/admin/users/:id: an admin erases any account (an artist's catalogue leaves the store with it). */
export async function eraseAccountAsAdmin(deps: Deps, actor: Actor | undefined, userId: number): Promise<void> {
  await erase(deps, requireRole(actor, 'admin'), userId);
}

async function erase(deps: Deps, by: Actor, userId: number): Promise<void> {
  const erased = await withTransaction(deps.db, async (tx) => {
    const admins = await lockActiveAdmins(tx);
    // An admin erasing someone else must still be one under the lock (a colleague may have demoted them).
    if (by.userId !== userId && !admins.includes(by.userId)) throw forbidden();
    const target = await findUserById(tx, userId);
    if (!target || target.erasedAt) throw userNotFound();
    if (target.role === 'admin' && target.isActive && admins.length <= 1) throw lastAdmin();
    const result = await eraseAccount(tx, userId, deps.clock());
    if (result.releaseIds.length) await refreshReleaseSummary(tx, result.releaseIds);
    await recordAudit(tx, by, 'account.deleted', { type: 'user', id: userId }, { role: target.role, self: by.userId === userId });
    return result;
  });
  // The files go after the commit: a rollback must not have lost them. One that cannot be removed now is an orphan cleanup finds.
  for (const key of erased.files) {
    await deps.storage.remove(key).catch((err: unknown) => deps.logger?.warn({ err, userId }, 'a file of an erased account stays'));
  }
}

/** `someone@example.com` → `s…e@example.com`: enough to recognise, too little to harvest. */
function masked(email: string): string {
  const at = email.lastIndexOf('@');
  const local = email.slice(0, at);
  return `${local.slice(0, 1)}…${local.length > 1 ? local.slice(-1) : ''}${email.slice(at)}`;
}

/**
 * POST /api/me/email { email }: the new address gets a link that makes the
 * change (once, for a day); the current address is told, so a stolen session
 * cannot move an account away unnoticed. Asking again replaces the link.
 */
export async function requestEmailChange(deps: Deps, actor: Actor | undefined, rawEmail: string): Promise<void> {
  const me = requireSignedIn(actor);
  const user = await findUserById(deps.db, me.userId);
  if (!user) throw userNotFound();
  const email = normaliseEmail(rawEmail);
  if (email.toLowerCase() === user.email.toLowerCase())
    throw fail('invalid_value', { message: 'This is the address you sign in with already.' });
  const { token, hash } = newToken();
  const expiresAt = new Date(deps.clock().getTime() + EMAIL_LINK_HOURS * 3_600_000);
  await upsertEmailChange(deps.db, { userId: me.userId, newEmail: email, tokenHash: hash, expiresAt });
  await deps.mailer.send(
    blockMail(email, 'Confirm your new address for Song-Nexus', [
      {
        p: 'Someone asked for their Song-Nexus account to sign in with this address from now on. If that was you, confirm it (the link works once, for a day):',
      },
      { link: { href: `${deps.config.appOrigin}/account/email#token=${token}`, text: 'Confirm this address' } },
      { p: 'If it was not you, ignore this mail: nothing changes.' },
    ]),
  );
  await deps.mailer.send(
    blockMail(user.email, 'A change of your Song-Nexus address was asked for', [
      {
        p: `Someone signed in to your account asked to change its address to ${masked(email)}. It changes only when the link sent there is opened.`,
      },
      {
        p: 'If that was not you, sign in, choose "Sign out everywhere" on your account page, and ask again for your own address to cancel it.',
      },
    ]),
  );
}

/** POST /api/auth/email-change/confirm { token }: the token alone proves the new mailbox (whoever opens the link). */
export async function confirmEmailChange(deps: Deps, token: string): Promise<{ userId: number; email: string }> {
  const change = isWellFormedToken(token) ? await takeEmailChange(deps.db, hashToken(token), deps.clock()) : undefined;
  if (!change) throw fail('email_link_invalid');
  const before = await findUserById(deps.db, change.userId);
  if (!before || before.erasedAt) throw fail('email_link_invalid');
  await withTransaction(deps.db, async (tx) => {
    if (!(await setUserEmail(tx, change.userId, change.newEmail))) throw fail('email_taken');
    await recordAudit(tx, { userId: before.id, role: before.role }, 'user.email_changed', { type: 'user', id: before.id });
  });
  await deps.mailer.send(
    blockMail(before.email, 'Your Song-Nexus address was changed', [
      { p: `Your account now signs in with ${masked(change.newEmail)}. Links sent to this address no longer sign you in.` },
      { p: 'If that was not you, write to the store at once.' },
    ]),
  );
  return { userId: before.id, email: change.newEmail };
}
