import { spawn, type ChildProcess } from 'node:child_process';
import { projectRoot } from '../../lib/paths';

/**
 * An S3 test server (s3rver) in a process of its own on loopback `port`,
 * holding `bucket` under `directory` — so a test can freeze it (SIGSTOP:
 * connections are accepted by the kernel and nothing answers) and thaw it.
 */
export function spawnS3rver(port: number, directory: string, bucket: string): ChildProcess {
  const main = `
    const S3rver = require('s3rver');
    new S3rver({ port: ${port}, address: '127.0.0.1', silent: true, directory: ${JSON.stringify(directory)},
      configureBuckets: [{ name: ${JSON.stringify(bucket)} }] }).run().then(() => process.stdout.write('ready\\n'));`;
  return spawn(process.execPath, ['-e', main], { cwd: projectRoot, stdio: ['ignore', 'pipe', 'inherit'] });
}

/** Resolves when the spawned server says it listens. */
export function s3rverReady(child: ChildProcess): Promise<void> {
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (chunk) => String(chunk).includes('ready') && resolve());
    child.once('exit', (code) => reject(new Error(`s3rver exited (${code}) before it was ready`)));
  });
}
