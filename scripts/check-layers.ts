import fs from 'node:fs';
import path from 'node:path';
import { projectRoot } from '../lib/paths';
import { checkFile } from './lib/layer-rules';

// `npm run lint` (after types, ESLint and Prettier): the layer rules of
// scripts/lib/layer-rules.ts over every TypeScript file of the project.

const CODE_DIRS = ['lib', 'contract', 'server', 'routes', 'services', 'db', 'dev', 'scripts', 'bench', 'test', path.join('public', 'ts')];

function tsFiles(dir: string): string[] {
  const abs = path.join(projectRoot, dir);
  if (!fs.existsSync(abs)) return [];
  return fs
    .readdirSync(abs, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts'))
    .map((f) => path.join(dir, f));
}

const problems = CODE_DIRS.flatMap(tsFiles).flatMap((file) => checkFile(file, fs.readFileSync(path.join(projectRoot, file), 'utf8')));
if (problems.length > 0) {
  process.stderr.write(`layer check failed:\n${problems.map((p) => `  - ${p}`).join('\n')}\n`);
  process.exit(1);
}
process.stdout.write('layer check passed\n');
