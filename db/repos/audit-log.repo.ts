import { camelColumns } from '../columns';
import type { Page } from '../../lib/page';
import { selectPage, type Queryable, type Tx } from '../pool';

/** Who made a change: a signed-in user, a command-line script, the payment provider, or a scheduled job. */
export type AuditActorKind = 'user' | 'cli' | 'provider' | 'system';

export interface AuditEntry {
  id: number;
  at: Date;
  actorUserId: number | null;
  actorKind: AuditActorKind;
  action: string;
  targetType: string;
  targetId: string | null;
  changes: Record<string, unknown>;
}

export type NewAuditEntry = Omit<AuditEntry, 'id' | 'at'>;

const COLUMNS = camelColumns('id, at, actor_user_id, actor_kind, action, target_type, target_id, changes');

/**
 * Records a change. Takes a transaction on purpose: the row commits with the
 * change it describes or not at all.
 */
export async function insertAuditEntry(tx: Tx, entry: NewAuditEntry): Promise<void> {
  await tx.query(
    `INSERT INTO audit_log (actor_user_id, actor_kind, action, target_type, target_id, changes)
     VALUES ($1, $2, $3, $4, $5, $6)`,
    [entry.actorUserId, entry.actorKind, entry.action, entry.targetType, entry.targetId, JSON.stringify(entry.changes)],
  );
}

export interface AuditFilter {
  actorUserId?: number;
  /** An action (`user.deactivated`) or a family of them (`user`). */
  action?: string;
  from?: Date;
  /** Exclusive. */
  to?: Date;
}

/** A page of entries matching every given filter, newest first. */
export async function listAuditEntries(db: Queryable, filter: AuditFilter, page: Page): Promise<{ entries: AuditEntry[]; total: number }> {
  const where = `($1::int IS NULL OR actor_user_id = $1)
    AND ($2::text IS NULL OR action = $2 OR action LIKE $2 || '.%')
    AND ($3::timestamptz IS NULL OR at >= $3)
    AND ($4::timestamptz IS NULL OR at < $4)`;
  const values = [filter.actorUserId ?? null, filter.action ?? null, filter.from ?? null, filter.to ?? null];
  const { rows, total } = await selectPage<AuditEntry>(
    db,
    { select: COLUMNS, from: 'audit_log', where, values, orderBy: 'at DESC, id DESC' },
    page,
  );
  return { entries: rows, total };
}
