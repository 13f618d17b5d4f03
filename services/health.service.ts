import type { Queryable } from '../db/pool';
import { ping } from '../db/health.repo';
import type { Storage } from './storage/storage';

/** One dependency's state: whether it answered within the time allowed, and how long it took (ms). */
export interface DependencyState {
  ok: boolean;
  ms: number;
  /** Whether the instance is unready without it (the database, the files) or only degraded (the rate-limit counters). */
  required: boolean;
}

export interface Readiness {
  ready: boolean;
  database: 'ok' | 'unreachable';
  dependencies: Record<string, DependencyState>;
}

/** What the instance depends on, each checked with a time limit. */
export interface ReadinessProbes {
  db: Queryable;
  storage?: Pick<Storage, 'check'>;
  /** The rate-limit counters' server (Redis), when there is one. */
  counters?: () => Promise<boolean>;
  /** Whether PayPal accepted the store's credentials (the start-up check, repeated while it fails). */
  payments?: () => Promise<boolean>;
}

async function timed(check: () => Promise<boolean>, timeoutMs: number): Promise<{ ok: boolean; ms: number }> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
  });
  try {
    const ok = await Promise.race([check().catch(() => false), timeout]);
    return { ok, ms: Math.round((performance.now() - started) * 10) / 10 };
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Whether the instance can do its work: the database and the files must
 * answer; the rate-limit counters and PayPal's acceptance of the store's
 * credentials are reported but do not make it unready
 * (without them reads pass uncounted and sign-in is refused, see
 * server/middleware/rate-limit-store.ts). Each check runs at once, bounded by `timeoutMs`.
 */
export async function checkReadiness(probes: ReadinessProbes, timeoutMs = 2_000): Promise<Readiness> {
  const { db, storage, counters, payments } = probes;
  const [database, files, redis, paypal] = await Promise.all([
    timed(() => ping(db).then(() => true), timeoutMs),
    storage ? timed(() => storage.check().then(() => true), timeoutMs) : undefined,
    counters ? timed(counters, timeoutMs) : undefined,
    payments ? timed(payments, timeoutMs) : undefined,
  ]);
  const dependencies: Record<string, DependencyState> = { database: { ...database, required: true } };
  if (files) dependencies.storage = { ...files, required: true };
  if (redis) dependencies.redis = { ...redis, required: false };
  if (paypal) dependencies.paypal = { ...paypal, required: false };
  const ready = Object.values(dependencies).every((d) => d.ok || !d.required);
  return { ready, database: database.ok ? 'ok' : 'unreachable', dependencies };
}
