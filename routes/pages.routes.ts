import path from 'node:path';
import { Router } from 'express';
import type { OutboxMailer } from '../services/mail/outbox.mailer';
import { publicDir } from '../lib/paths';
import { escapeHtml } from '../lib/html';
import { APP_PAGES } from '../contract/pages';
import { doc } from './api-doc';

/**
 * Pages: the front end's shell for each of its paths, the magic-link confirm
 * page, and in development the outbox of mail that had no SMTP server to go to.
 */
export function pageRoutes(outbox: OutboxMailer | undefined): Router {
  const router = Router();

  // The web front end's pages: one shell whose script draws the page for the
  // path, so the player keeps playing while the listener moves around.
  // '/' is index.html itself (served as a public file).
  const html = { status: 200, contentType: 'text/html' };
  router.get(
    APP_PAGES.filter((p) => p !== '/'),
    doc({ summary: 'A page of the web front end (HTML)', access: 'anyone', response: html }),
    (_req, res) => {
      res.set('Cache-Control', 'no-cache').sendFile(path.join(publicDir, 'index.html'));
    },
  );

  router.get('/auth/magic', doc({ summary: "The sign-in link's confirm page (HTML)", access: 'anyone', response: html }), (_req, res) => {
    res.set('Cache-Control', 'no-store').sendFile(path.join(publicDir, 'auth', 'magic.html'));
  });

  if (outbox) {
    router.get('/dev/outbox', doc({ summary: 'Mail that had no SMTP server (development only)', access: 'development' }), (_req, res) => {
      const items = outbox
        .list()
        .map(
          (m) =>
            `<article><h2>${escapeHtml(m.subject)}</h2><p>To ${escapeHtml(m.to)} at ${m.sentAt.toISOString()}</p>` +
            `<pre>${escapeHtml(m.text).replace(/(https?:\/\/[^\s<]+)/g, (url) => `<a href="${url}">${url}</a>`)}</pre></article>`,
        )
        .join('\n');
      res.set('Cache-Control', 'no-store').type('html').send(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Outbox — Song-Nexus (development)</title>
<link rel="stylesheet" href="/theme.css"><link rel="stylesheet" href="/css/app.css"></head>
<body class="standalone"><main class="card outbox"><h1>Development outbox</h1>
<p>Mail the store would have sent. No SMTP_URL is set, so it stays here.</p>
${items || '<p>No mail yet.</p>'}</main></body></html>`);
    });
  }
  return router;
}
