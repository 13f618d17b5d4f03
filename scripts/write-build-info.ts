import fs from 'node:fs';
import path from 'node:path';
import { buildInfo } from '../lib/version';
import { projectRoot } from '../lib/paths';

/**
 * `npm run build`'s last step: records the commit being built in
 * dist/build-info.json, so a deployed copy without .git still says what it
 * runs (GET /api/version, the start-up log).
 */
const info = buildInfo();
fs.writeFileSync(path.join(projectRoot, 'dist', 'build-info.json'), `${JSON.stringify({ commit: info.commit })}\n`);
process.stdout.write(`build-info: ${info.version} ${info.commit ?? '(commit unknown)'}\n`);
