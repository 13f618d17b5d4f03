import { addDays } from '../../lib/clock';
import { checkedRange } from '../../lib/date-range';
import { fail } from '../../lib/errors';
import { earningsTotals, ledgerEntriesBetween, monthlyNet, ossSummary, type LedgerEntry } from '../../db/repos/ledger.repo';
import { paidOut } from '../../db/repos/payouts.repo';
import { requireRole, type Actor } from '../actor';
import type { ServiceDeps } from '../deps';

/**
 * What the ledger says, to the artist it concerns and to admins: balances
 * (pending during the refund hold, then available), totals, net per month,
 * and the rows of the sales report and the OSS VAT report.
 */

type Deps = Pick<ServiceDeps, 'db' | 'clock' | 'config'>;

/** Whose ledger: an artist sees their own; an admin the whole store's. */
function scopeOf(actor: Actor, scope: 'mine' | 'store'): number | undefined {
  if (scope === 'mine') return actor.userId;
  requireRole(actor, 'admin');
  return undefined;
}

/** GET /api/artist/earnings and GET /api/admin/earnings. */
export async function earnings(deps: Deps, actor: Actor | undefined, scope: 'mine' | 'store') {
  const me = requireRole(actor, 'artist', 'admin');
  const artistUserId = scopeOf(me, scope);
  const holdSince = addDays(deps.clock(), -deps.config.ledger.payoutHoldDays);
  const [totals, months, paid] = await Promise.all([
    earningsTotals(deps.db, artistUserId, holdSince),
    monthlyNet(deps.db, artistUserId),
    paidOut(deps.db, artistUserId),
  ]);
  // What payouts hold is no longer available (a failed or returned payout holds nothing).
  const withPayouts = totals.map((t) => ({
    ...t,
    paidOutMinor: paid.get(t.currency) ?? 0,
    availableMinor: t.availableMinor - (paid.get(t.currency) ?? 0),
  }));
  return { totals: withPayouts, months, holdDays: deps.config.ledger.payoutHoldDays, platformFeeBp: deps.config.ledger.platformFeeBp };
}

const MAX_REPORT_DAYS = 366;

/** The sales report's entries for a period (default: this calendar month so far), at most a year. */
export async function salesReport(
  deps: Deps,
  actor: Actor | undefined,
  scope: 'mine' | 'store',
  range: { from?: Date; to?: Date },
): Promise<{ from: Date; to: Date; entries: LedgerEntry[] }> {
  const me = requireRole(actor, 'artist', 'admin');
  const now = deps.clock();
  const startOfMonth = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
  const { from, to } = checkedRange(range, { now, defaultFrom: () => startOfMonth, maxDays: MAX_REPORT_DAYS });
  return { from, to, entries: await ledgerEntriesBetween(deps.db, { from, to, artistUserId: scopeOf(me, scope) }) };
}

/** "2026-Q4" → its first day and the next quarter's (UTC). */
export function quarterRange(quarter: string): { from: Date; to: Date } {
  const match = /^(\d{4})-Q([1-4])$/.exec(quarter);
  if (!match) throw fail('invalid_value', { message: 'A quarter looks like 2026-Q4.' });
  const year = Number(match[1]);
  const first = (Number(match[2]) - 1) * 3;
  return { from: new Date(Date.UTC(year, first, 1)), to: new Date(Date.UTC(year, first + 3, 1)) };
}

/** GET /api/admin/tax/oss.csv: per country and rate, the net and the VAT of a quarter's sales (refunds deducted). */
export async function ossReport(deps: Deps, actor: Actor | undefined, quarter: string) {
  requireRole(actor, 'admin');
  const range = quarterRange(quarter);
  return { ...range, rows: await ossSummary(deps.db, range) };
}
