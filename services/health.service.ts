import type { Queryable } from '../db/pool';
import { ping } from '../db/health.repo';

export interface Readiness {
  ready: boolean;
  database: 'ok' | 'unreachable';
}

/** Whether the service can do its work: today that means the database answers. */
export async function checkReadiness(db: Queryable, timeoutMs = 2_000): Promise<Readiness> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
  });
  try {
    const ok = await Promise.race([
      ping(db)
        .then(() => true)
        .catch(() => false),
      timeout,
    ]);
    return { ready: ok, database: ok ? 'ok' : 'unreachable' };
  } finally {
    clearTimeout(timer);
  }
}
