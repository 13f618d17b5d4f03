import type { ServiceDeps } from '../services/deps';
import type { Config } from '../server/config';

/** What routers get: the services' dependencies, with the whole configuration (limits, cookies, upload paths). */
export type RouteDeps = ServiceDeps & { config: Readonly<Config> };
