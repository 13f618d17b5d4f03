import { ERROR_CATALOGUE } from '../lib/error-catalogue';
import { Router } from 'express';
import type { Queryable } from '../db/pool';
import { checkReadiness } from '../services/health.service';
import { buildInfo } from '../lib/version';

/** Liveness and readiness probes for process managers and load balancers, and the running version. */
export function healthRoutes(db: Queryable): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.set('Cache-Control', 'no-store').json({ status: 'ok' });
  });
  // What runs here, for an operator checking a deploy (and monitoring comparing servers).
  router.get('/api/version', (_req, res) => {
    const { version, commit } = buildInfo();
    res.set('Cache-Control', 'no-store').json({ version, commit });
  });
  router.get('/readyz', async (_req, res) => {
    const readiness = await checkReadiness(db);
    res.set('Cache-Control', 'no-store');
    if (readiness.ready) {
      res.json({ status: 'ready', database: readiness.database });
    } else {
      res.status(503).json({ error: { code: 'not_ready', message: ERROR_CATALOGUE.not_ready.message } });
    }
  });
  return router;
}
