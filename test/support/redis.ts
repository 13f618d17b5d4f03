import { spawn, type ChildProcess } from 'node:child_process';
import { toolAvailable } from './require-tool';

const REDIS = '/usr/bin/redis-server';

/** Whether Debian's redis-server is here (in CI it must be). */
export const haveRedis = () => toolAvailable(REDIS, 'apt-get install redis-server');

/** A real Redis server for one test file on loopback `port`, in memory only (no snapshot, no log file). */
export function spawnRedis(port: number): ChildProcess {
  return spawn(REDIS, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
}
