/**
 * Values kept in memory only as long as PostgreSQL reports no change that
 * could make them wrong. The database's change feed (db/change-feed.ts)
 * flushes a cache when a change commits on any app server or from any
 * script, and nothing is kept while the feed is down. TTL and size bound
 * what a missed notification could cost, and the oldest entries go first
 * when the cache is full (least recently used).
 *
 * The server keeps three: the audio routes' sessions and tracks (so the
 * range requests of one playback ask nothing), and the catalogue's
 * per-filter counts and anonymous listing responses.
 */
export class FeedCache {
  private readonly entries = new Map<string, { value: unknown; storedAt: number; weight: number }>();
  /** Bumped by every flush: a load that began before a flush must not store its (maybe stale) result. */
  private generation = 0;
  private live = false;
  private weight = 0;
  /** Lookups answered from memory, and lookups that had to load (for the metrics' hit rate). */
  hits = 0;
  misses = 0;

  constructor(
    private readonly options: {
      ttlMs?: number;
      maxEntries?: number;
      /** How much an entry counts against maxWeight (bytes, say); 0 when absent. */
      weigh?: (value: unknown) => number;
      maxWeight?: number;
      now?: () => number;
    } = {},
  ) {}

  /**
   * The cached value for `key`, or what `load` gives (remembered while the
   * feed is live). `alias` is another key for the same value (weighing
   * nothing), kept while the value is, for a caller that can only ask by it.
   */
  async get<T>(key: string, load: () => Promise<T>, alias?: string): Promise<T> {
    if (!this.live) {
      this.misses++;
      return load();
    }
    const now = this.now();
    const hit = this.fresh(key, now);
    if (hit) {
      this.hits++;
      if (alias !== undefined && !this.entries.has(alias)) this.store(alias, hit.value, hit.storedAt, 0);
      return hit.value as T;
    }
    this.misses++;
    const generation = this.generation;
    const value = await load();
    if (this.live && generation === this.generation) {
      this.store(key, value, now, this.options.weigh?.(value) ?? 0);
      if (alias !== undefined) this.store(alias, value, now, 0);
    }
    return value;
  }

  /** The cached value for `key` if there is a fresh one; nothing is loaded. */
  peek(key: string): unknown {
    return this.live ? this.fresh(key, this.now())?.value : undefined;
  }

  private fresh(key: string, now: number) {
    const hit = this.entries.get(key);
    if (!hit || now - hit.storedAt >= (this.options.ttlMs ?? 30_000)) return undefined;
    // Most recently used last: the map's order is the eviction order.
    this.entries.delete(key);
    this.entries.set(key, hit);
    return hit;
  }

  private store(key: string, value: unknown, now: number, weight: number): void {
    this.remove(key);
    const maxWeight = this.options.maxWeight ?? Infinity;
    const maxEntries = this.options.maxEntries ?? 50_000;
    if (weight > maxWeight || maxEntries < 1) return;
    for (const oldest of this.entries.keys()) {
      if (this.entries.size < maxEntries && this.weight + weight <= maxWeight) break;
      this.remove(oldest);
    }
    this.entries.set(key, { value, storedAt: now, weight });
    this.weight += weight;
  }

  private remove(key: string): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.entries.delete(key);
    this.weight -= entry.weight;
  }

  /** Forget everything (a change was committed). */
  flush(): void {
    this.generation++;
    this.entries.clear();
    this.weight = 0;
  }

  /** Whether the change feed is listening; entries are only kept while it is. */
  setLive(live: boolean): void {
    this.live = live;
    this.flush();
  }

  /** Whether entries are being kept (the feed is listening). */
  get isLive(): boolean {
    return this.live;
  }

  get size(): number {
    return this.entries.size;
  }

  /** The summed weight of the entries kept. */
  get totalWeight(): number {
    return this.weight;
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }
}
