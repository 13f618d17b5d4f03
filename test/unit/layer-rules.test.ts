import path from 'node:path';
import { checkFile, importsOf, MAX_LINES } from '../../scripts/lib/layer-rules';

const file = (...parts: string[]) => path.join(...parts);

describe('the layer check', () => {
  it.each([
    [
      'the kernel importing a service',
      file('lib', 'x.ts'),
      "import { a } from '../services/catalog/catalog.service';",
      /kernel imports no app layer/,
    ],
    ['the kernel importing a route', file('lib', 'x.ts'), "import { a } from '../routes/deps';", /kernel imports no app layer/],
    [
      'a service importing contract values',
      file('services', 'x.ts'),
      "import { APP_PAGES } from '../contract/pages';",
      /the contract is for routes/,
    ],
    ['the contract importing anything', file('contract', 'x.ts'), "import { z } from 'zod';", /contract imports nothing/],
    [
      'a service importing the entry layer',
      file('services', 'a', 'x.ts'),
      "import { loadConfig } from '../../server/config';",
      /services never see HTTP or the entry layer/,
    ],
    ['a service re-exporting from server/', file('services', 'x.ts'), "export { AppError } from '../server/errors';", /services never see/],
    ['a service requiring express', file('services', 'x.ts'), "const e = require('express');", /services never see/],
    ['a repo importing a service', file('db', 'repos', 'x.ts'), "import { a } from '../../services/deps';", /repos know SQL only/],
    ['a repo importing server/ lazily', file('db', 'x.ts'), "const c = await import('../server/config');", /repos know SQL only/],
    [
      'a route importing a repo',
      file('routes', 'x.ts'),
      "import { findTrackById } from '../db/repos/tracks.repo';",
      /routes call services/,
    ],
    ['a route importing pg', file('routes', 'x.ts'), "import pg from 'pg';", /routes call services/],
    ['the browser importing a package', file('public', 'ts', 'x.ts'), "import { z } from 'zod';", /browser code imports only/],
    [
      'the server importing dev/ statically',
      file('server', 'index.ts'),
      "import { startPaypalStandin } from '../dev/paypal/standin';",
      /development tools load only through/,
    ],
    [
      'a service loading dev/',
      file('services', 'x.ts'),
      "const s = require('../dev/paypal/standin');",
      /development tools load only through/,
    ],
    ['a reader of process.env', file('services', 'x.ts'), 'const port = process.env.PORT;', /only server\/config\.ts may/],
    ['a file past the size limit', file('services', 'x.ts'), 'const a = 1;\n'.repeat(MAX_LINES + 1), /split it by role/],
  ])('fails on %s', (_what, name, text, message) => {
    const problems = checkFile(name, text);
    expect(problems.some((p) => message.test(p))).toBe(true);
  });

  it.each([
    ['a route importing a repo type', file('routes', 'x.ts'), "import type { Track } from '../db/repos/tracks.repo';"],
    ['a service importing the kernel', file('services', 'x.ts'), "import { AppError } from '../lib/errors';"],
    ['the kernel using the contract', file('lib', 'money.ts'), "export { toCents } from '../contract/money';"],
    ['a service importing contract types', file('services', 'x.ts'), "import type { CaptureOutcome } from '../contract/checkout';"],
    [
      'the dev loader requiring dev/ on call',
      file('server', 'dev-tools.ts'),
      "const s = require('../dev/paypal/standin') as typeof import('../dev/paypal/standin');",
    ],
    ['a test importing dev/', file('test', 'support', 'x.ts'), "import { startPaypalStandin } from '../../dev/paypal/standin';"],
    ['the browser importing its own modules', file('public', 'ts', 'views', 'x.ts'), "import { h } from '../lib/dom.js';"],
    ['the browser importing the compiled contract', file('public', 'ts', 'x.ts'), "import { formatMoney } from './contract/money.js';"],
  ])('accepts %s', (_what, name, text) => {
    expect(checkFile(name, text)).toEqual([]);
  });

  it('sees every kind of import', () => {
    const text = [
      "import a from 'a';",
      "import type { B } from 'b';",
      "export { c } from 'c';",
      "export * from 'd';",
      "import 'e';",
      "const f = await import('f');",
      "const g = require('g');",
      "type H = typeof import('h');",
    ].join('\n');
    expect(
      importsOf(text)
        .map((s) => `${s.specifier}:${s.typeOnly ? 'type' : 'value'}`)
        .sort(),
    ).toEqual(['a:value', 'b:type', 'c:value', 'd:value', 'e:value', 'f:value', 'g:value', 'h:type'].sort());
  });
});
