import pg from 'pg';

/** The channel the access triggers (migration 0007) notify on. */
export const ACCESS_CHANNEL = 'song_nexus_access';
/** The channel the catalogue triggers (migration 0020) notify on: anything a public listing shows changed. */
export const CATALOG_CHANNEL = 'song_nexus_catalog';

export interface ChangeFeedEvents {
  /** A change committed somewhere (this server or another); `table` names what changed, `channel` which feed it is on. */
  onChange(table: string, channel: string): void;
  /** The feed is (or stopped being) connected; while it is not, nothing may be trusted from a cache. */
  onLive(live: boolean): void;
  onError?(err: Error): void;
}

export interface ChangeFeed {
  stop(): Promise<void>;
}

/** SQLSTATE cannot_connect_now: the server refuses new sessions because it is shutting down (or starting). */
const CANNOT_CONNECT_NOW = '57P03';

export interface ChangeFeedOptions {
  /** How often a live feed checks that the server still takes new sessions, in ms (default 5 s). */
  probeIntervalMs?: number;
}

/**
 * A dedicated connection (not from the pool) that LISTENs for access
 * changes. When it breaks, it says so at once (caches stop being used) and
 * reconnects with a growing pause, up to 5 s; once listening again it says
 * so, and caches start empty.
 *
 * A PostgreSQL told to stop (SIGTERM, "smart" shutdown) waits for every
 * session to end and tells none of them. So while live the feed probes with
 * a fresh connection now and then; when the server answers that it is
 * shutting down, the feed lets go of its session (and reconnects later,
 * once a server is back), so the shutdown can finish.
 */
export function startChangeFeed(connection: pg.ClientConfig, events: ChangeFeedEvents, options: ChangeFeedOptions = {}): ChangeFeed {
  let stopped = false;
  let client: pg.Client | undefined;
  let retryMs = 100;
  let timer: NodeJS.Timeout | undefined;
  const probeMs = options.probeIntervalMs ?? 5_000;

  const probe = setInterval(() => {
    const listening = client;
    if (!listening || stopped) return;
    const check = new pg.Client({ ...connection, connectionTimeoutMillis: Math.min(probeMs, 5_000) });
    check.on('error', () => undefined);
    check.connect().then(
      () => check.end().catch(() => undefined),
      (err: { code?: string }) => {
        if (err?.code === CANNOT_CONNECT_NOW && client === listening)
          listening.emit('error', Object.assign(new Error('the database is shutting down'), { code: CANNOT_CONNECT_NOW }));
      },
    );
  }, probeMs);
  probe.unref();

  const connect = async () => {
    const c = new pg.Client(connection);
    client = c;
    const lost = (err?: Error) => {
      if (client !== c) return;
      client = undefined;
      events.onLive(false);
      if (err) events.onError?.(err);
      c.end().catch(() => undefined);
      if (!stopped) timer = setTimeout(() => void connect(), retryMs);
      retryMs = Math.min(retryMs * 2, 5_000);
    };
    c.on('error', lost);
    c.on('end', () => lost());
    c.on('notification', (msg) => events.onChange(msg.payload ?? '', msg.channel));
    try {
      await c.connect();
      await c.query(`LISTEN ${ACCESS_CHANNEL}; LISTEN ${CATALOG_CHANNEL}`);
      if (client !== c) return;
      retryMs = 100;
      events.onLive(true);
    } catch (err) {
      lost(err as Error);
    }
  };
  void connect();

  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      clearInterval(probe);
      const c = client;
      client = undefined;
      events.onLive(false);
      await c?.end().catch(() => undefined);
    },
  };
}
