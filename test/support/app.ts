import type pg from 'pg';
import { createApp } from '../../server/app';
import { parseConfig, type Config } from '../../server/config';
import { createLogger, type Logger } from '../../server/logger';

export const TEST_ORIGIN = 'http://store.test';

/** A test-mode configuration; `env` adds or overrides variables. */
export function testConfig(env: Record<string, string> = {}): Readonly<Config> {
  return parseConfig({ NODE_ENV: 'test', APP_ORIGIN: TEST_ORIGIN, ...env });
}

/** The real application on a test database, with a silent logger unless one is given. */
export function createTestApp(db: pg.Pool, options: { env?: Record<string, string>; logger?: Logger } = {}) {
  const config = testConfig(options.env);
  return createApp({ config, db, logger: options.logger ?? createLogger('silent') });
}
