import fs from 'node:fs';
import path from 'node:path';

/**
 * `npm run bench [name]`: runs every bench/*.bench.ts (or those whose name
 * contains the argument), one after another. Benchmarks are never run as tests.
 */
async function main(): Promise<void> {
  const filter = process.argv[2] ?? '';
  const files = fs
    .readdirSync(__dirname)
    .filter((f) => f.endsWith('.bench.ts') && f.includes(filter))
    .sort();
  for (const file of files) {
    const mod = (await import(path.join(__dirname, file))) as { run: () => Promise<void> };
    await mod.run();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
