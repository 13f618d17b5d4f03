import { startChangeFeed } from '../db/change-feed';
import { AccessCache } from '../services/streaming/access-cache';
import { redactConnectionString, type Logger } from '../lib/logger';

/**
 * The audio routes' access cache, kept honest by the database's change feed:
 * range requests of one playback reuse the session and track they looked up
 * for as long as PostgreSQL reports no change to them (a change on any app
 * server arrives through the feed and empties the cache).
 */
export function startAccessCache(connectionString: string, logger?: Logger): { cache: AccessCache; stop: () => Promise<void> } {
  const cache = new AccessCache();
  const feed = startChangeFeed(
    { connectionString, application_name: 'song-nexus-feed' },
    {
      onChange: () => cache.flush(),
      onLive: (live) => cache.setLive(live),
      onError: (err) => logger?.warn({ err: redactConnectionString(err.message) }, 'access change feed lost; reconnecting'),
    },
  );
  return { cache, stop: () => feed.stop() };
}
