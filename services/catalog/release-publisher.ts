import { publishDueReleases } from '../../db/repos/releases.repo';
import type { ServiceDeps } from '../deps';

/**
 * Publishes the releases whose scheduled time has come. Run by a timer on
 * every app server: the database decides, so each release is published
 * once however many servers run it, and one due while every server was down
 * is published at the next start.
 * @returns the ids this call published.
 */
export function publishScheduledReleases(deps: Pick<ServiceDeps, 'db' | 'clock'>): Promise<number[]> {
  return publishDueReleases(deps.db, deps.clock());
}
