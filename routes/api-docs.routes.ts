import path from 'node:path';
import { Router } from 'express';
import { openApiDocument } from './openapi';
import { doc } from './api-doc';

/** The page that shows the description: Swagger UI's files, served from this app (no CDN). */
const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Song-Nexus API</title>
<link rel="stylesheet" href="/api/docs/assets/swagger-ui.css">
</head>
<body>
<div id="api"></div>
<script src="/api/docs/assets/swagger-ui-bundle.js"></script>
<script src="/api/docs/start.js"></script>
</body>
</html>
`;
// In a file of its own: the page's Content-Security-Policy allows no inline script.
const START = `window.ui = SwaggerUIBundle({ url: '/api/openapi.json', dom_id: '#api', deepLinking: true, validatorUrl: null });\n`;

/**
 * GET /api/openapi.json (the OpenAPI 3.1 description of every route of
 * `routers`, built once) and GET /api/docs, a readable page of it.
 */
export function apiDocsRoutes(routers: Router[], info: Parameters<typeof openApiDocument>[1]): Router {
  const router = Router();
  let built: string | undefined;
  const html = (contentType: string) => ({ status: 200, contentType });

  router.get('/api/openapi.json', doc({ summary: 'This description, as OpenAPI 3.1', access: 'anyone' }), (_req, res) => {
    // Built at the first request, when every router (this one too) is in place.
    built ??= JSON.stringify(openApiDocument([...routers, router], info));
    res.set('Cache-Control', 'no-cache').type('application/json').send(built);
  });
  router.get(
    '/api/docs',
    doc({ summary: 'A readable page of this description', access: 'anyone', response: html('text/html') }),
    (_req, res) => {
      res.set('Cache-Control', 'no-cache').type('html').send(PAGE);
    },
  );
  router.get(
    '/api/docs/start.js',
    doc({ summary: 'The docs page’s script', access: 'anyone', response: html('text/javascript') }),
    (_req, res) => {
      res.set('Cache-Control', 'no-cache').type('text/javascript').send(START);
    },
  );
  const uiFiles = path.dirname(require.resolve('swagger-ui-dist/package.json'));
  router.get(
    '/api/docs/assets/:file',
    doc({ summary: 'The docs page’s files (Swagger UI)', access: 'anyone', response: html('application/octet-stream') }),
    (req, res, next) => {
      const file = String(req.params.file);
      if (!/^swagger-ui(-bundle\.js|\.css)$/.test(file)) return next();
      res.sendFile(path.join(uiFiles, file), { maxAge: '1d' });
    },
  );
  return router;
}
