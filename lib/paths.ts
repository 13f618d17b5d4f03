import fs from 'node:fs';
import path from 'node:path';

/**
 * The project's root folder (the one holding package.json), found by walking
 * up from this file so it is the same whether the code runs from TypeScript
 * sources (`server/`) or from the build (`dist/server/`).
 */
function findProjectRoot(start: string): string {
  let dir = start;
  for (;;) {
    if (fs.existsSync(path.join(dir, 'package.json')) && fs.existsSync(path.join(dir, 'db', 'schema.sql'))) {
      return dir;
    }
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`cannot find the project root above ${start}`);
    dir = parent;
  }
}

export const projectRoot = findProjectRoot(__dirname);
export const schemaFile = path.join(projectRoot, 'db', 'schema.sql');
export const migrationsDir = path.join(projectRoot, 'db', 'migrations');
export const publicDir = path.join(projectRoot, 'public');
