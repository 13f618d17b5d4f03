import { Router } from 'express';
import { z } from 'zod';
import { pageFields, pageOf, presentPage } from './pagination';
import type { RouteDeps } from './deps';
import {
  activateTheme,
  getActiveTheme,
  getThemeCss,
  saveTheme,
  storeThemeAsset,
  THEME_ASSET_MAX_BYTES,
  themeDocument,
  themeEtag,
  themeHistory,
  etagOf,
} from '../services/theme/theme.service';
import { fail, parseInput } from '../lib/errors';
import { singleFileInMemory } from '../server/middleware/upload';
import { idParam } from './request';
import { sendStoredFile } from './stored-file';
import { doc } from './api-doc';

const historyQuery = z.object(pageFields);
const ASSET_NAME = /^([a-f0-9]{32})\.(png|jpg|webp)$/;
const ASSET_TYPES: Record<string, string> = { png: 'image/png', jpg: 'image/jpeg', webp: 'image/webp' };

/** The theme: public tokens and stylesheet, and the admin editor's API. */
export function themeRoutes(deps: RouteDeps): Router {
  const router = Router();

  // Express answers 304 itself when If-None-Match matches the ETag set here.
  router.get('/api/design-system', doc({ summary: "The active theme's tokens", access: 'anyone' }), async (_req, res) => {
    const theme = await getActiveTheme(deps);
    res.set({ ETag: themeEtag(theme), 'Cache-Control': 'no-cache' }).json(themeDocument(theme));
  });

  router.get(
    '/theme.css',
    doc({ summary: 'The active theme as CSS custom properties', access: 'anyone', response: { status: 200, contentType: 'text/css' } }),
    async (_req, res) => {
      const css = await getThemeCss(deps);
      res
        .set({ ETag: etagOf(css), 'Cache-Control': 'public, max-age=60, must-revalidate' })
        .type('text/css; charset=utf-8')
        .send(css);
    },
  );

  router.put(
    '/api/admin/design-system',
    doc({ summary: 'Save theme tokens (If-Match: the ETag edited)', access: 'admin' }),
    async (req, res) => {
      const { theme, contrast } = await saveTheme(deps, req.actor, { tokens: req.body, ifMatch: req.get('if-match') });
      res.set('ETag', themeEtag(theme)).json({ theme: themeDocument(theme), contrast });
    },
  );

  router.get(
    '/api/admin/design-system/history',
    doc({ summary: 'Earlier token sets, newest first', access: 'admin', query: historyQuery }),
    async (req, res) => {
      const page = pageOf(parseInput(historyQuery, req.query, 'query'), 20);
      const { themes, total } = await themeHistory(deps, req.actor, page);
      res.set('Cache-Control', 'no-store').json({
        themes: themes.map((t) => ({ ...themeDocument(t), isActive: t.isActive, basedOnId: t.basedOnId })),
        ...presentPage(page, total),
      });
    },
  );

  router.post(
    '/api/admin/design-system/:id/activate',
    doc({ summary: 'Make an earlier token set active again', access: 'admin' }),
    async (req, res) => {
      const theme = await activateTheme(deps, req.actor, idParam(req));
      res.set('ETag', themeEtag(theme)).json({ theme: themeDocument(theme) });
    },
  );

  router.post(
    '/api/admin/design-system/assets',
    doc({ summary: 'Upload an image for the theme', access: 'admin', response: { status: 201 }, upload: { field: 'file' } }),
    singleFileInMemory('file', THEME_ASSET_MAX_BYTES),
    async (req, res) => {
      const url = await storeThemeAsset(deps, req.actor, req.file!.buffer);
      res.status(201).json({ url });
    },
  );

  router.get(
    '/assets/theme/:name',
    doc({ summary: 'A theme image', access: 'anyone', response: { status: 200, contentType: 'image/*' } }),
    async (req, res) => {
      const match = ASSET_NAME.exec(String(req.params.name));
      const key = match ? `theme/${match[1]}.${match[2]}` : undefined;
      const missing = () => fail('asset_not_found');
      if (!key) throw missing();
      await sendStoredFile(deps.storage, req, res, {
        key,
        // Names are random and never reused: cache for good.
        headers: { 'Content-Type': ASSET_TYPES[match![2]!]!, 'Cache-Control': 'public, max-age=31536000, immutable' },
        missing,
      });
    },
  );

  return router;
}
