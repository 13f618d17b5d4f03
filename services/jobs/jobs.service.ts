import { requireRole, type Actor } from '../actor';
import type { ServiceDeps } from '../deps';
import type { JobCount } from './job-queue';

/** GET /api/admin/jobs: the background jobs by queue and state. */
export function listJobCounts(deps: Pick<ServiceDeps, 'jobs'>, actor: Actor | undefined): Promise<JobCount[]> {
  requireRole(actor, 'admin');
  return deps.jobs.counts();
}
