import { ACCESS_CHANNEL, CATALOG_CHANNEL, startChangeFeed } from '../db/change-feed';
import { FeedCache } from '../services/feed-cache';
import { redactConnectionString, type Logger } from '../lib/logger';

/** The caches the database's change feed keeps honest, and how to stop the feed. */
export interface FeedCaches {
  /** The audio routes' sessions and tracks: range requests of one playback ask nothing. */
  accessCache: FeedCache;
  /** Per-filter totals of the public listings. */
  listingCounts: FeedCache;
  /** Anonymous listing responses, serialised; absent when LISTING_CACHE_MB is 0. */
  listingResponses: FeedCache | undefined;
  stop: () => Promise<void>;
}

export interface ListingCacheSettings {
  /** Largest total size of the kept responses, in bytes; 0 keeps none. */
  maxBytes: number;
  /** How long a kept response may be served, in ms (bounds how old a shown play count is). */
  ttlMs: number;
}

/**
 * One LISTEN connection for every cache: an access change (a session ended,
 * a role or a track's files changed) empties the access cache; a catalogue
 * change (anything a public listing shows) empties the listing caches. A
 * change on any app server arrives through the feed; while the feed is
 * down nothing is cached.
 */
export function startCacheFeed(connectionString: string, listings: ListingCacheSettings, logger?: Logger): FeedCaches {
  const accessCache = new FeedCache();
  // Counts depend on no play count, so they may live longer than the responses.
  const listingCounts = new FeedCache({ ttlMs: 5 * 60_000, maxEntries: 10_000 });
  const listingResponses =
    listings.maxBytes > 0
      ? new FeedCache({
          ttlMs: listings.ttlMs,
          maxEntries: 10_000,
          maxWeight: listings.maxBytes,
          weigh: (value) => (value as { body: Buffer }).body.length,
        })
      : undefined;
  const feed = startChangeFeed(
    { connectionString, application_name: 'song-nexus-feed' },
    {
      onChange: (_table, channel) => {
        if (channel === ACCESS_CHANNEL) accessCache.flush();
        if (channel === CATALOG_CHANNEL) {
          listingCounts.flush();
          listingResponses?.flush();
        }
      },
      onLive: (live) => [accessCache, listingCounts, listingResponses].forEach((cache) => cache?.setLive(live)),
      onError: (err) => logger?.warn({ err: redactConnectionString(err.message) }, 'change feed lost; reconnecting'),
    },
  );
  return { accessCache, listingCounts, listingResponses, stop: () => feed.stop() };
}
