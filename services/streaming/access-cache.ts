/**
 * What the audio routes may reuse between the many range requests of one
 * playback: who a session is and what a track's files are. Every entry is
 * dropped the moment PostgreSQL reports a change that could matter (the
 * change feed, db/change-feed.ts: a session ended, a user's role or active
 * flag changed, a track's files or state changed — on any app server), and
 * nothing is cached while the feed is down. Purchases are never cached: a
 * purchase or a refund shows on the very next request. TTL and size bound
 * what a missed notification could cost.
 */
export class AccessCache {
  private readonly entries = new Map<string, { value: unknown; storedAt: number }>();
  /** Bumped by every flush: a load that began before a flush must not store its (maybe stale) result. */
  private generation = 0;
  private live = false;

  constructor(private readonly options: { ttlMs?: number; maxEntries?: number; now?: () => number } = {}) {}

  /** The cached value for `key`, or what `load` gives (remembered while the feed is live). */
  async get<T>(key: string, load: () => Promise<T>): Promise<T> {
    if (!this.live) return load();
    const now = this.now();
    const hit = this.entries.get(key);
    if (hit && now - hit.storedAt < (this.options.ttlMs ?? 30_000)) return hit.value as T;
    const generation = this.generation;
    const value = await load();
    if (this.live && generation === this.generation) {
      if (this.entries.size >= (this.options.maxEntries ?? 50_000)) this.entries.clear();
      this.entries.set(key, { value, storedAt: now });
    }
    return value;
  }

  /** Forget everything (a change was committed). */
  flush(): void {
    this.generation++;
    this.entries.clear();
  }

  /** Whether the change feed is listening; entries are only kept while it is. */
  setLive(live: boolean): void {
    this.live = live;
    this.flush();
  }

  get size(): number {
    return this.entries.size;
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }
}
