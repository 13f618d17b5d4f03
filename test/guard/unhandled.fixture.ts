import fs from 'node:fs';
import { EventEmitter } from 'node:events';
import { PassThrough } from 'node:stream';

// Each case is what used to end the server: run by test/unit/test-guard.test.ts, never by the suite.
const which = process.env.GUARD_CASE;

it(`lets nothing unhandled pass (${which})`, async () => {
  if (which === 'rejection') void fs.promises.rm(undefined as unknown as string, { force: true });
  if (which === 'stream') fs.createReadStream('/nonexistent/cover.png').pipe(new PassThrough());
  if (which === 'emitter') setTimeout(() => new EventEmitter().emit('error', new Error('emitted without a listener')), 5);
  await new Promise((resolve) => setTimeout(resolve, 100));
});

// Skipped only when asked: the no-skips reporter must then fail a CI run.
(which === 'skipped' ? it.skip : it)('runs unless the skip case is asked for', () => {
  expect(which).not.toBe('skipped');
});
