import crypto from 'node:crypto';
import http from 'node:http';
import { Router } from 'express';
import { doc } from '../routes/api-doc';
import type { Logger } from '../lib/logger';
import type { ShutdownStep } from './lifecycle';
import type { StoreMetrics } from './metrics';

const sha256 = (value: string) => crypto.createHash('sha256').update(value).digest();

/** Whether an Authorization header carries the bearer token (compared in constant time). */
function bearerMatches(header: string | undefined, token: string): boolean {
  const given = /^Bearer ([\x21-\x7e]+)$/.exec(header ?? '')?.[1];
  return given !== undefined && crypto.timingSafeEqual(sha256(given), sha256(token));
}

/** GET /metrics on the app: the exposition for a scraper that sends `Authorization: Bearer <METRICS_TOKEN>`; 401 otherwise. */
export function metricsRoutes(metrics: StoreMetrics, token: string): Router {
  const router = Router();
  const text = { status: 200, contentType: 'text/plain; version=0.0.4' };
  router.get(
    '/metrics',
    doc({ summary: 'Prometheus metrics', access: 'a scraper with METRICS_TOKEN', response: text }),
    async (req, res) => {
      if (!bearerMatches(req.get('authorization'), token)) {
        res
          .status(401)
          .set('WWW-Authenticate', 'Bearer realm="metrics"')
          .json({ error: { code: 'unauthenticated', message: 'A metrics token is required.' } });
        return;
      }
      const { contentType, body } = await metrics.render();
      res.set('Cache-Control', 'no-store').type(contentType).send(body);
    },
  );
  return router;
}

/**
 * METRICS_PORT: a listener of its own serving GET /metrics only, without a
 * token (bind it to a private address: METRICS_HOST, loopback by default).
 * Stopped with the server.
 */
export async function startMetricsListener(
  metrics: StoreMetrics,
  where: { host: string; port: number },
  steps: ShutdownStep[],
  logger: Logger,
): Promise<void> {
  const server = http.createServer((req, res) => {
    if (req.method !== 'GET' || (req.url ?? '').split('?')[0] !== '/metrics') {
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found\n');
      return;
    }
    metrics
      .render()
      .then(({ contentType, body }) => res.writeHead(200, { 'Content-Type': contentType, 'Cache-Control': 'no-store' }).end(body))
      .catch((err: unknown) => {
        logger.error({ err }, 'metrics: rendering failed');
        res.writeHead(500, { 'Content-Type': 'text/plain' }).end('metrics failed\n');
      });
  });
  server.requestTimeout = 10_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(where.port, where.host, () => resolve());
  });
  steps.unshift({ name: 'metrics listener', run: () => new Promise<void>((resolve) => server.close(() => resolve())) });
  logger.info(`metrics: GET http://${where.host}:${where.port}/metrics`);
}
