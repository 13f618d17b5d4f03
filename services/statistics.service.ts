import type { Page } from '../lib/page';
import { dailyPlays, listHistory, storeTotals, trackTotals, type Range } from '../db/repos/statistics.repo';

import { requireRole, requireSignedIn, type Actor } from './actor';
import { addDays } from '../lib/clock';
import type { ServiceDeps } from './deps';
import { fail } from '../lib/errors';

const MAX_RANGE_DAYS = 366;

/** The range asked for, defaulting to the last 30 days, at most a year long. */
export function statsRange(deps: Pick<ServiceDeps, 'clock'>, from?: Date, to?: Date): Range {
  const end = to ?? deps.clock();
  const start = from ?? addDays(end, -30);
  if (start >= end) throw fail('invalid_range', { message: '"from" must be before "to".' });
  if (end.getTime() - start.getTime() > MAX_RANGE_DAYS * 86_400_000) {
    throw fail('invalid_range', { message: `A range may span at most ${MAX_RANGE_DAYS} days.` });
  }
  return { from: start, to: end };
}

export async function myHistory(deps: ServiceDeps, actor: Actor | undefined, page: Page) {
  const me = requireSignedIn(actor);
  return listHistory(deps.db, me.userId, page);
}

/** An artist's plays, listeners, purchases and revenue per track, and plays per day. */
export async function artistStats(deps: ServiceDeps, actor: Actor | undefined, range: Range) {
  const me = requireRole(actor, 'artist', 'admin');
  const [tracks, daily] = await Promise.all([trackTotals(deps.db, me.userId, range), dailyPlays(deps.db, me.userId, range)]);
  return { range, tracks, daily };
}

/** The whole store's numbers for admins. */
export async function adminStats(deps: ServiceDeps, actor: Actor | undefined, range: Range) {
  requireRole(actor, 'admin');
  const [totals, tracks] = await Promise.all([storeTotals(deps.db, range), trackTotals(deps.db, null, range)]);
  return { range, totals, topTracks: tracks.slice(0, 20) };
}
