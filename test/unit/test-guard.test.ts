import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { Writable } from 'node:stream';
import { fatalHandler, requestIds } from '../../server/fatal';
import { createLogger } from '../../lib/logger';

const run = promisify(execFile);
const root = path.join(__dirname, '..', '..');

/** Runs the guard fixture under the project's jest settings; resolves with its exit code and output. */
async function runFixture(which: string, env: Record<string, string> = {}): Promise<{ code: number; output: string }> {
  try {
    const { stdout, stderr } = await run(
      process.execPath,
      [path.join(root, 'node_modules', 'jest', 'bin', 'jest.js'), '--config', path.join(root, 'test', 'guard', 'jest.config.js')],
      {
        cwd: root,
        env: { ...process.env, GUARD_CASE: which, ...env },
      },
    );
    return { code: 0, output: stdout + stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, output: e.stdout + e.stderr };
  }
}

describe('the test guard', () => {
  jest.setTimeout(60_000);

  it('passes a test in which nothing goes unhandled', async () => {
    expect((await runFixture('none')).code).toBe(0);
  });

  it.each([
    ['rejection', /path.*argument must be of type string/],
    ['stream', /ENOENT.*nonexistent\/cover\.png/],
    ['emitter', /emitted without a listener/],
  ])('fails the suite on an unhandled %s', async (which, message) => {
    const { code, output } = await runFixture(which);
    expect(code).not.toBe(0);
    expect(output).toMatch(message);
    expect(output).toMatch(/1 failed/);
  });
});

describe('skipped tests', () => {
  jest.setTimeout(60_000);

  it('fail a CI run (any non-empty CI), and pass on a laptop', async () => {
    const ci = await runFixture('skipped', { CI: '1' });
    expect(ci.code).not.toBe(0);
    expect(ci.output).toMatch(/1 test\(s\) skipped or todo under CI/);
    expect((await runFixture('skipped', { CI: '' })).code).toBe(0);
  });
});

describe('the production handler for unhandled errors', () => {
  it('logs a fatal line naming the request the error came from, and stops the process', async () => {
    let out = '';
    const logger = createLogger('info', new Writable({ write: (chunk, _e, done) => ((out += String(chunk)), done()) }));
    const stopped: string[] = [];
    const handle = fatalHandler(logger, (reason) => stopped.push(reason));
    await requestIds.run('req-42', async () => {
      await new Promise((resolve) => setTimeout(resolve, 1));
      handle(new Error('boom'));
    });
    const line = JSON.parse(out.trim());
    expect(line).toMatchObject({ level: 'fatal', reqId: 'req-42', err: { message: 'boom' } });
    expect(stopped).toEqual(['unhandled error']);
  });
});
