import type { Tx } from '../db/pool';
import { insertAuditEntry, listAuditEntries, type AuditEntry, type AuditFilter } from '../db/repos/audit-log.repo';
import type { Page } from '../lib/page';
import { requireRole, type Actor } from './actor';
import type { ServiceDeps } from './deps';

/**
 * Who a change is recorded against: a signed-in user (the Actor of the
 * request), an operator's command-line script, the payment provider (a
 * webhook), or a scheduled job.
 */
export type AuditBy = Actor | 'cli' | 'provider' | 'system';

/** What a change was done to: `{ type: 'user', id: 12 }`. */
export interface AuditTarget {
  type: string;
  id: number | string | null;
}

/**
 * Records a change in the caller's transaction, so the row and the change
 * commit together or not at all. `changes` holds ids and changed fields only:
 * never an address, a name or a secret (an erased account must leave nothing
 * personal in the trail).
 */
export async function recordAudit(
  tx: Tx,
  by: AuditBy,
  action: string,
  target: AuditTarget,
  changes: Record<string, unknown> = {},
): Promise<void> {
  await insertAuditEntry(tx, {
    actorUserId: typeof by === 'string' ? null : by.userId,
    actorKind: typeof by === 'string' ? by : 'user',
    action,
    targetType: target.type,
    targetId: target.id === null ? null : String(target.id),
    changes,
  });
}

/** GET /api/admin/audit: the trail, newest first, filtered by actor, action (or its family) and time. */
export async function auditLog(
  deps: Pick<ServiceDeps, 'db'>,
  actor: Actor | undefined,
  filter: AuditFilter,
  page: Page,
): Promise<{ entries: AuditEntry[]; total: number }> {
  requireRole(actor, 'admin');
  return listAuditEntries(deps.db, filter, page);
}
