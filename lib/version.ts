import fs from 'node:fs';
import path from 'node:path';
import { projectRoot } from './paths';

/** What runs: package.json's version, and the commit it was built from when that is known. */
export interface BuildInfo {
  version: string;
  /** 40 hex digits, or null (a copy without git and not built by `npm run build`). */
  commit: string | null;
}

const COMMIT = /^[0-9a-f]{40}$/;

/** `npm run build` writes dist/build-info.json; a checkout run from sources reads .git without running git. */
function commitOf(root: string): string | null {
  try {
    const built = JSON.parse(fs.readFileSync(path.join(root, 'dist', 'build-info.json'), 'utf8')) as { commit?: unknown };
    if (typeof built.commit === 'string' && COMMIT.test(built.commit)) return built.commit;
  } catch {
    // not built, or built without git: try the checkout itself
  }
  try {
    const head = fs.readFileSync(path.join(root, '.git', 'HEAD'), 'utf8').trim();
    if (COMMIT.test(head)) return head; // a detached HEAD names the commit itself
    const ref = /^ref: (refs\/[\w./-]+)$/.exec(head)?.[1];
    if (!ref) return null;
    const loose = path.join(root, '.git', ref);
    if (fs.existsSync(loose)) return fs.readFileSync(loose, 'utf8').trim().match(COMMIT)?.[0] ?? null;
    // A packed ref: "<commit> <ref>" lines.
    const packed = fs.readFileSync(path.join(root, '.git', 'packed-refs'), 'utf8');
    return (
      packed
        .split('\n')
        .find((line) => line.endsWith(` ${ref}`))
        ?.slice(0, 40) ?? null
    );
  } catch {
    return null;
  }
}

let cached: BuildInfo | undefined;

/** Read once per process (the files do not change under a running server). */
export function buildInfo(root = projectRoot): BuildInfo {
  if (root !== projectRoot) return readBuildInfo(root);
  return (cached ??= readBuildInfo(root));
}

function readBuildInfo(root: string): BuildInfo {
  const { version } = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { version: string };
  return { version, commit: commitOf(root) };
}
