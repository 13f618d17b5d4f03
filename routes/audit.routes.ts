import { Router } from 'express';
import { z } from 'zod';
import type { ApiAuditEntry } from '../contract/api';
import type { AuditEntry } from '../db/repos/audit-log.repo';
import { fail, parseInput } from '../lib/errors';
import { auditLog } from '../services/audit.service';
import type { RouteDeps } from './deps';
import { pageFields, pageOf, presentPage } from './pagination';
import { idString, instantField } from './request';
import { doc } from './api-doc';
import { responses } from './response-schemas';

const auditQuery = z
  .object({
    actor: idString.optional(),
    /** An action (`user.deactivated`) or its family (`user`). */
    action: z
      .string()
      .regex(/^[a-z_]{1,30}(\.[a-z_]{1,29})?$/, 'must be an action such as user.deactivated, or a family such as user')
      .optional(),
    from: instantField.optional(),
    to: instantField.optional(),
    ...pageFields,
  })
  .strict();

const presentEntry = (e: AuditEntry): ApiAuditEntry => ({
  id: e.id,
  at: e.at.toISOString(),
  actor: { kind: e.actorKind, userId: e.actorUserId },
  action: e.action,
  target: { type: e.targetType, id: e.targetId },
  changes: e.changes,
});

/** GET /api/admin/audit: who did what to whom and when. */
export function auditRoutes(deps: RouteDeps): Router {
  const router = Router();

  router.get(
    '/api/admin/audit',
    doc({ summary: 'The audit trail, filtered', access: 'admin', query: auditQuery, response: { status: 200, schema: responses.audit } }),
    async (req, res) => {
      const query = parseInput(auditQuery, req.query, 'query');
      if (query.from && query.to && query.from >= query.to) throw fail('invalid_range', { message: '"from" must be before "to".' });
      const page = pageOf(query, 50);
      const filter = { actorUserId: query.actor, action: query.action, from: query.from, to: query.to };
      const { entries, total } = await auditLog(deps, req.actor, filter, page);
      res.set('Cache-Control', 'no-store').json({ entries: entries.map(presentEntry), ...presentPage(page, total) });
    },
  );

  return router;
}
