import type { MailMessage } from './mailer';
import { escapeHtml } from '../../lib/html';

export interface GiftLine {
  title: string;
  link: string;
}

/** The gift mail: who sent it, their message, and one claim link per item (each works once). */
export function giftMail(to: string, gift: { from: string; message: string | null; lines: GiftLine[] }): MailMessage {
  const text = [
    'Hello,',
    '',
    `${gift.from} bought you music on Song-Nexus.`,
    ...(gift.message ? ['', `“${gift.message}”`] : []),
    '',
    'Open each link to add it to your library (sign in or make an account with any address; each link works once):',
    '',
    ...gift.lines.flatMap((line) => [line.title, line.link, '']),
  ].join('\n');
  const html = `<!doctype html>
<html><body style="font-family: sans-serif; line-height: 1.5">
<p>Hello,</p>
<p>${escapeHtml(gift.from)} bought you music on Song-Nexus.</p>
${gift.message ? `<blockquote>${escapeHtml(gift.message)}</blockquote>` : ''}
<p>Open each link to add it to your library (sign in or make an account with any address; each link works once):</p>
<ul>${gift.lines.map((line) => `<li><a href="${escapeHtml(line.link)}">${escapeHtml(line.title)}</a></li>`).join('')}</ul>
</body></html>`;
  return { to, subject: `${gift.from} sent you music on Song-Nexus`, text, html };
}
