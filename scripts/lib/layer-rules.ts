import path from 'node:path';

/**
 * The architecture's import rules, as a program can check them: one-way
 * layers (routes → services → db, all → lib; contract imported by routes and
 * the browser only), development tools out of the production graph, one
 * reader of process.env, and files small enough to read.
 */

interface Rule {
  /** The top-level folder the rule applies to. */
  layer: string;
  /** Specifiers this layer may not import (resolved to a path from the project root, or the bare package name). */
  forbidden: RegExp;
  /** Whether type-only imports are exempt (they vanish at run time). */
  typesAllowed: boolean;
  why: string;
}

const APP_LAYERS = /^(server|routes|services|db|dev|scripts|public|bench|test)\//;

export const RULES: Rule[] = [
  // lib may use the contract (a leaf of pure rules): money is converted one way on both sides.
  { layer: 'lib', forbidden: APP_LAYERS, typesAllowed: false, why: 'the kernel imports no app layer' },
  { layer: 'contract', forbidden: /./, typesAllowed: false, why: 'the contract imports nothing' },
  { layer: 'routes', forbidden: /^pg$|^db\//, typesAllowed: true, why: 'routes call services, never the database' },
  { layer: 'services', forbidden: /^express$|^routes\/|^server\//, typesAllowed: false, why: 'services never see HTTP or the entry layer' },
  { layer: 'services', forbidden: /^contract\//, typesAllowed: true, why: 'the contract is for routes and the browser; services use lib' },
  { layer: 'db', forbidden: /^express$|^routes\/|^services\/|^server\//, typesAllowed: false, why: 'repos know SQL only' },
  { layer: 'db', forbidden: /^contract\//, typesAllowed: true, why: 'repos may name the contract’s row shapes, never use its code' },
  {
    layer: 'public',
    forbidden: /^(?!public\/)/,
    typesAllowed: false,
    why: 'browser code imports only its own modules (and the compiled contract)',
  },
];

/** The one file outside dev/ and test/ that may load a development tool, and only on call. */
export const DEV_LOADER = path.join('server', 'dev-tools.ts');
export const MAX_LINES = 400;
/** The only files that may touch process.env, and why. */
const ENV_READERS = new Set([
  path.join('server', 'config.ts'), // the one reader of configuration
  path.join('scripts', 'with-db-env.ts'), // hands its environment, plus PG*, to the command it runs
  path.join('scripts', 'lib', 'layer-rules.ts'), // names it in its own rule
]);

export interface ImportSite {
  specifier: string;
  typeOnly: boolean;
  dynamic: boolean;
}

/** Every import of a file: `import`, `export … from`, `import()` and `require()`. */
export function importsOf(text: string): ImportSite[] {
  const sites: ImportSite[] = [];
  for (const m of text.matchAll(/^\s*(import|export)\s+(type\s+)?[^'";]*?\bfrom\s+['"]([^'"]+)['"]/gm)) {
    sites.push({ specifier: m[3]!, typeOnly: Boolean(m[2]), dynamic: false });
  }
  for (const m of text.matchAll(/^\s*import\s+['"]([^'"]+)['"]/gm)) sites.push({ specifier: m[1]!, typeOnly: false, dynamic: false });
  for (const m of text.matchAll(/(?<![\w.$])(import|require)\s*\(\s*['"]([^'"]+)['"]\s*\)/g)) {
    // `typeof import('…')` in a type position loads nothing.
    const before = text.slice(Math.max(0, m.index - 7), m.index);
    sites.push({ specifier: m[2]!, typeOnly: /typeof\s$/.test(before), dynamic: true });
  }
  return sites;
}

/** A specifier as a path from the project root (relative ones resolved against the file), or the package name. */
function target(file: string, specifier: string): string {
  if (!specifier.startsWith('.')) return specifier;
  return path
    .normalize(path.join(path.dirname(file), specifier))
    .split(path.sep)
    .join('/');
}

/** What is wrong with one file (its path from the project root, and its text). */
export function checkFile(file: string, text: string): string[] {
  const problems: string[] = [];
  const layer = file.split(path.sep)[0]!;
  const lines = text.split('\n').length;
  if (lines > MAX_LINES && layer !== 'test') problems.push(`${file}: ${lines} lines; split it by role (limit ${MAX_LINES})`);
  if (!ENV_READERS.has(file) && /process\.env\b/.test(text) && layer !== 'test' && layer !== 'bench' && layer !== 'dev') {
    problems.push(`${file}: reads process.env; only server/config.ts may`);
  }
  for (const site of importsOf(text)) {
    const to = target(file, site.specifier);
    for (const rule of RULES.filter((r) => r.layer === layer)) {
      if (site.typeOnly && rule.typesAllowed) continue;
      if (rule.forbidden.test(to)) problems.push(`${file}: imports ${site.specifier} (${rule.why})`);
    }
    if (/^dev\//.test(to) && !site.typeOnly && layer !== 'dev' && layer !== 'test') {
      if (file !== DEV_LOADER || !site.dynamic)
        problems.push(`${file}: imports ${site.specifier} (development tools load only through ${DEV_LOADER}, on call)`);
    }
  }
  return problems;
}
