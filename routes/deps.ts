import type { ServiceDeps } from '../services/deps';
import type { FeedCache } from '../services/feed-cache';
import type { Config } from '../server/config';

/**
 * What routers get: the services' dependencies, with the whole configuration
 * (limits, cookies, upload paths), and the anonymous listing responses kept
 * until the catalogue changes (absent: always built).
 */
export type RouteDeps = ServiceDeps & { config: Readonly<Config>; listingResponses?: FeedCache };
