import type { MailMessage } from './mailer';
import { escapeHtml } from '../../lib/html';

/** The sign-in mail: a link to the confirm page, valid for `minutes`. */
export function magicLinkMail(to: string, link: string, minutes: number): MailMessage {
  const text = [
    'Hello,',
    '',
    `Open this link to sign in to Song-Nexus. It works once, within ${minutes} minutes:`,
    '',
    link,
    '',
    'If you did not ask to sign in, ignore this mail: nothing happens until the link is used.',
  ].join('\n');
  const html = `<!doctype html>
<html><body style="font-family: sans-serif; line-height: 1.5">
<p>Hello,</p>
<p>Open this link to sign in to Song-Nexus. It works once, within ${minutes} minutes:</p>
<p><a href="${escapeHtml(link)}">Sign in to Song-Nexus</a></p>
<p style="color:#555">If the button does not work, copy this address into your browser:<br>${escapeHtml(link)}</p>
<p style="color:#555">If you did not ask to sign in, ignore this mail: nothing happens until the link is used.</p>
</body></html>`;
  return { to, subject: 'Your Song-Nexus sign-in link', text, html };
}
