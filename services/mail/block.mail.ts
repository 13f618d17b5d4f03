import { escapeHtml } from '../../lib/html';
import type { MailMessage } from './mailer';

/**
 * Mail built from a few kinds of block — receipts, sale notices, digests,
 * address confirmations — each written once as plain text and as HTML
 * (every value escaped).
 */

export type Block = { p: string } | { rows: [string, string][] } | { link: { href: string; text: string } };

export function blockMail(to: string, subject: string, blocks: Block[]): MailMessage {
  const text = blocks
    .map((b) => {
      if ('p' in b) return b.p;
      if ('link' in b) return `${b.link.text}: ${b.link.href}`;
      const width = Math.max(...b.rows.map(([label]) => label.length));
      return b.rows.map(([label, value]) => `${label.padEnd(width)}  ${value}`).join('\n');
    })
    .join('\n\n');
  const html = `<!doctype html>
<html><body style="font-family: sans-serif; line-height: 1.5">
${blocks
  .map((b) => {
    if ('p' in b) return `<p>${escapeHtml(b.p)}</p>`;
    if ('link' in b) return `<p><a href="${escapeHtml(b.link.href)}">${escapeHtml(b.link.text)}</a></p>`;
    return `<table>${b.rows.map(([l, v]) => `<tr><td>${escapeHtml(l)}</td><td style="text-align: right">${escapeHtml(v)}</td></tr>`).join('')}</table>`;
  })
  .join('\n')}
</body></html>`;
  return { to, subject, text: `${text}\n`, html };
}
