import { startEmbeddedPostgres } from './embedded';

/** What the database layer needs to know: where the server is, or where the embedded one lives. */
export interface DatabaseSettings {
  /** Unset: the embedded PostgreSQL under `dataDir`. */
  databaseUrl: string | undefined;
  dataDir: string;
}

export interface Database {
  connectionString: string;
  /** Where the database comes from, for the start-up log (never the URL: it holds a password). */
  description: string;
  /** Stops the embedded server if this process started it. */
  close(): Promise<void>;
  /** Calls `listener` if the embedded server this process started exits on its own. */
  onUnexpectedExit(listener: () => void): void;
}

/**
 * The database the configuration names: DATABASE_URL as is, or else the
 * embedded PostgreSQL under DATA_DIR (joined if running, started if not).
 */
export async function openDatabase(config: DatabaseSettings, log: (message: string) => void = () => undefined): Promise<Database> {
  if (config.databaseUrl) {
    const url = new URL(config.databaseUrl);
    return {
      connectionString: config.databaseUrl,
      description: `PostgreSQL at ${url.hostname}:${url.port || 5432}${url.pathname}`,
      close: async () => undefined,
      onUnexpectedExit: () => undefined,
    };
  }
  const embedded = await startEmbeddedPostgres({ dataDir: config.dataDir, log });
  return {
    connectionString: embedded.connectionString,
    description: `embedded PostgreSQL in ${config.dataDir}/postgres on 127.0.0.1:${embedded.port}`,
    close: () => embedded.stop(),
    onUnexpectedExit: (listener) => embedded.onUnexpectedExit(listener),
  };
}
