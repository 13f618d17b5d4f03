import type pg from 'pg';
import { createLogger } from '../../lib/logger';
import { Background } from '../../services/background';
import { OutboxMailer } from '../../services/mail/outbox.mailer';
import { PlayRecorder } from '../../services/plays/play-recorder';
import { createApp, type AppDeps } from '../../server/app';
import { appDeps } from '../../server/compose';
import { parseConfig, type Config } from '../../server/config';

export const TEST_ORIGIN = 'http://store.test';

/** A test-mode configuration; `env` adds or overrides variables. */
export function testConfig(env: Record<string, string> = {}): Readonly<Config> {
  return parseConfig({ NODE_ENV: 'test', APP_ORIGIN: TEST_ORIGIN, ...env });
}

export type TestAppOptions = Partial<AppDeps> & {
  /** Configuration variables for testConfig (ignored when `config` is given). */
  env?: Record<string, string>;
};

/**
 * The real application on a test database, built the way the server builds
 * it (server/compose.ts) with any part swapped: a silent logger, the test
 * configuration, and a play recorder that writes every 200 ms (its timer
 * keeps no test alive) unless the test brings its own.
 */
export function testApp(db: pg.Pool, options: TestAppOptions = {}) {
  return createApp(testDeps(db, options));
}

/** The dependencies testApp builds the app from (for a test that also runs jobs with them). */
export function testDeps(db: pg.Pool, options: TestAppOptions = {}): AppDeps {
  const { env, config = testConfig(env), logger = createLogger('silent'), ...parts } = options;
  return appDeps({ config, db, logger }, { plays: new PlayRecorder(db, logger).start(), ...parts });
}

/** A mailer that keeps what it sends for the test to read, and the background runner that sends it: both silent. */
export function outbox(): { mailer: OutboxMailer; background: Background } {
  return { mailer: new OutboxMailer(createLogger('silent'), false), background: new Background(createLogger('silent')) };
}
