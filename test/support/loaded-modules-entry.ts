import fs from 'node:fs';

// Runs the real server (server/index.ts) and, when the process exits, writes
// the files it had loaded (require's cache) to LOADED_MODULES_FILE: what a
// start pulled into memory, for test/integration/production-graph.test.ts.
const out = process.env.LOADED_MODULES_FILE!;
process.on('exit', () => fs.writeFileSync(out, JSON.stringify(Object.keys(require.cache))));
// eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded after the exit hook is in place
require('../../server/index');
