import fs from 'node:fs';
import path from 'node:path';
import { projectRoot } from '../lib/paths';

/**
 * `npm run lint` (after the type check): keeps the architecture visible by
 * refusing the imports that would bend the one-way layers
 * routes → services → db, `process.env` outside server/config.ts, and files
 * grown past the size where they should be split.
 */

interface Rule {
  layer: string;
  /** Import specifiers (value imports; `import type` is allowed) this layer must not use. */
  forbidden: RegExp;
  why: string;
}

const RULES: Rule[] = [
  { layer: 'routes', forbidden: /^pg$|\/db\//, why: 'routes call services, never the database' },
  { layer: 'services', forbidden: /^express$|\/routes\//, why: 'services never see HTTP' },
  { layer: 'db', forbidden: /^express$|\/routes\/|\/services\//, why: 'repos know SQL only' },
  { layer: 'public', forbidden: /^\.\.\/\.\.\/|^[^.]/, why: 'browser code imports only its own modules, by relative path' },
];
const MAX_LINES = 400;
/** The only files that may touch process.env, and why. */
const ENV_READERS = new Set([
  path.join('server', 'config.ts'), // the one reader of configuration
  path.join('scripts', 'check-layers.ts'), // mentions it in its own rule
  path.join('scripts', 'with-db-env.ts'), // hands its environment, plus PG*, to the command it runs
]);
const CODE_DIRS = ['server', 'routes', 'services', 'db', 'scripts', path.join('public', 'ts')];

function tsFiles(dir: string): string[] {
  const abs = path.join(projectRoot, dir);
  if (!fs.existsSync(abs)) return [];
  return fs
    .readdirSync(abs, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts'))
    .map((f) => path.join(dir, f));
}

const problems: string[] = [];
for (const file of CODE_DIRS.flatMap(tsFiles)) {
  const text = fs.readFileSync(path.join(projectRoot, file), 'utf8');
  const layer = file.split(path.sep)[0]!;
  const lines = text.split('\n');
  if (lines.length > MAX_LINES) problems.push(`${file}: ${lines.length} lines; split it by role (limit ${MAX_LINES})`);
  if (!ENV_READERS.has(file) && /process\.env\b/.test(text)) {
    problems.push(`${file}: reads process.env; only server/config.ts may`);
  }
  for (const rule of RULES.filter((r) => r.layer === layer)) {
    for (const match of text.matchAll(/^import\s+(?!type\b)[^'"]*['"]([^'"]+)['"]/gm)) {
      if (rule.forbidden.test(match[1]!)) problems.push(`${file}: imports ${match[1]} (${rule.why})`);
    }
  }
}

if (problems.length > 0) {
  process.stderr.write(`layer check failed:\n${problems.map((p) => `  - ${p}`).join('\n')}\n`);
  process.exit(1);
}
process.stdout.write('layer check passed\n');
