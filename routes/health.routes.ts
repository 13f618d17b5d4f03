import { ERROR_CATALOGUE } from '../lib/error-catalogue';
import { Router } from 'express';
import { checkReadiness, type ReadinessProbes } from '../services/health.service';
import { buildInfo } from '../lib/version';
import { doc } from './api-doc';
import { responses } from './response-schemas';

/** Liveness and readiness probes for process managers and load balancers, and the running version. */
export function healthRoutes(probes: ReadinessProbes): Router {
  const router = Router();
  router.get(
    '/healthz',
    doc({ summary: 'Liveness: the process runs', access: 'anyone', response: { status: 200, schema: responses.health } }),
    (_req, res) => {
      res.set('Cache-Control', 'no-store').json({ status: 'ok' });
    },
  );
  // What runs here, for an operator checking a deploy (and monitoring comparing servers).
  router.get(
    '/api/version',
    doc({ summary: 'The version and commit running', access: 'anyone', response: { status: 200, schema: responses.version } }),
    (_req, res) => {
      const { version, commit } = buildInfo();
      res.set('Cache-Control', 'no-store').json({ version, commit });
    },
  );
  router.get('/readyz', doc({ summary: 'Readiness: each dependency checked, with its latency', access: 'anyone' }), async (_req, res) => {
    const { ready, database, dependencies } = await checkReadiness(probes);
    res.set('Cache-Control', 'no-store');
    if (ready) {
      res.json({ status: 'ready', database, dependencies });
    } else {
      const down = Object.entries(dependencies)
        .filter(([, d]) => !d.ok && d.required)
        .map(([name]) => name);
      res.status(503).json({
        error: { code: 'not_ready', message: `${ERROR_CATALOGUE.not_ready.message} Down: ${down.join(', ')}.`, details: { dependencies } },
      });
    }
  });
  return router;
}
