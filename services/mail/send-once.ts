import { claimMail, releaseMail } from '../../db/repos/sent-mail.repo';
import type { ServiceDeps } from '../deps';
import type { MailMessage } from './mailer';

/**
 * Sends the mail known by `key` once: the key is claimed in `sent_mail`
 * before sending — so of a job and a webhook at once, or a retried job, one
 * sends it — and given back when the mail server refuses (or there is
 * nothing to send yet), so a retry sends it. A crash between claim and send
 * loses that one mail: never twice.
 */
export async function sendOnce(
  deps: Pick<ServiceDeps, 'db' | 'mailer'>,
  key: string,
  build: () => Promise<MailMessage | undefined>,
): Promise<void> {
  if (!(await claimMail(deps.db, key))) return; // sent already, or being sent by another job or webhook right now
  try {
    const message = await build();
    if (message) await deps.mailer.send(message);
    else await releaseMail(deps.db, key); // nothing to say yet (the order not completed): a later run may
  } catch (err) {
    await releaseMail(deps.db, key).catch(() => undefined); // the mail server refused: the job's retry sends it
    throw err;
  }
}
