import type { Page } from '../lib/page';
import { dailyPlays, listHistory, releaseTotals, storeTotals, trackTotals, type Range } from '../db/repos/statistics.repo';

import { requireRole, requireSignedIn, type Actor } from './actor';
import { addDays } from '../lib/clock';
import type { ServiceDeps } from './deps';
import { checkedRange } from '../lib/date-range';

const MAX_RANGE_DAYS = 366;

/** The range asked for, defaulting to the last 30 days, at most a year long. */
export function statsRange(deps: Pick<ServiceDeps, 'clock'>, from?: Date, to?: Date): Range {
  return checkedRange({ from, to }, { now: deps.clock(), defaultFrom: (end) => addDays(end, -30), maxDays: MAX_RANGE_DAYS });
}

export async function myHistory(deps: ServiceDeps, actor: Actor | undefined, page: Page) {
  const me = requireSignedIn(actor);
  return listHistory(deps.db, me.userId, page);
}

/** An artist's plays, listeners, purchases and revenue per track, sales of whole releases, and plays per day. */
export async function artistStats(deps: ServiceDeps, actor: Actor | undefined, range: Range) {
  const me = requireRole(actor, 'artist', 'admin');
  const [tracks, releases, daily] = await Promise.all([
    trackTotals(deps.db, me.userId, range),
    releaseTotals(deps.db, me.userId, range),
    dailyPlays(deps.db, me.userId, range),
  ]);
  return { range, tracks, releases, daily };
}

/** The whole store's numbers for admins. */
export async function adminStats(deps: ServiceDeps, actor: Actor | undefined, range: Range) {
  requireRole(actor, 'admin');
  const [totals, tracks, releases] = await Promise.all([
    storeTotals(deps.db, range),
    trackTotals(deps.db, null, range),
    releaseTotals(deps.db, null, range),
  ]);
  return { range, totals, topTracks: tracks.slice(0, 20), topReleases: releases.slice(0, 20) };
}
