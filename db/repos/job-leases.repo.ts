import type { Queryable } from '../pool';

/** Takes (or renews) the lease of a job this worker runs. */
export async function renewLease(db: Queryable, lease: { jobId: string; queue: string; worker: string }): Promise<void> {
  await db.query(
    `INSERT INTO job_leases (job_id, queue, worker) VALUES ($1, $2, $3)
     ON CONFLICT (job_id) DO UPDATE SET beat_at = CURRENT_TIMESTAMP, worker = EXCLUDED.worker`,
    [lease.jobId, lease.queue, lease.worker],
  );
}

export async function dropLease(db: Queryable, jobId: string): Promise<void> {
  await db.query('DELETE FROM job_leases WHERE job_id = $1', [jobId]);
}

/**
 * Claims the leases not renewed for `seconds`: removed and returned in one
 * statement, so of several sweeping workers exactly one handles each.
 */
export async function claimStaleLeases(db: Queryable, seconds: number): Promise<{ jobId: string; queue: string; worker: string }[]> {
  const { rows } = await db.query<{ jobId: string; queue: string; worker: string }>(
    `DELETE FROM job_leases WHERE beat_at < CURRENT_TIMESTAMP - make_interval(secs => $1)
     RETURNING job_id AS "jobId", queue, worker`,
    [seconds],
  );
  return rows;
}
