import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

const root = path.resolve(__dirname, '..', '..');

/** A port nothing listens on at the moment. */
export function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = http.createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

async function waitFor(url: string, child: ChildProcess, what: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${what} exited with ${child.exitCode}`);
    const ok = await fetch(url).then(
      (res) => res.ok,
      () => false,
    );
    if (ok) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${what} did not start`);
}

/** A benchmark's server in a process of its own: its port, its pid (for its memory), and how to stop it. */
export interface BenchProcess {
  port: number;
  pid: number;
  stop(): Promise<void>;
}

/**
 * Runs an entry that serves HTTP on `$PORT` — TypeScript through tsx, or
 * compiled JavaScript (`.js`, as `npm start` runs dist/) with plain node —
 * with this process's environment plus `env`, and waits until `probe`
 * answers 2xx.
 */
export async function startProcess(what: string, args: string[], env: Record<string, string>, probe: string): Promise<BenchProcess> {
  const port = await freePort();
  const loader = args[0]?.endsWith('.js') ? [] : ['--import', 'tsx'];
  const child = spawn(process.execPath, [...loader, ...args.map((a) => a.replace('$PORT', String(port)))], {
    cwd: root,
    env: { ...process.env, ...env, PORT: String(port) },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  await waitFor(`http://127.0.0.1:${port}${probe}`, child, what);
  return {
    port,
    pid: child.pid!,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/** A process's resident memory now and at its peak since the last resetPeakRss, in MB (Linux /proc). */
export function rssOf(pid: number): { rssMb: number; peakMb: number } {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { rssMb: kb('VmRSS') / 1024, peakMb: kb('VmHWM') / 1024 };
}

/** Starts a new peak (VmHWM) at the process's present RSS. */
export function resetPeakRss(pid: number): void {
  fs.writeFileSync(`/proc/${pid}/clear_refs`, '5');
}

/** Debian's taskset (util-linux): where present, servers and load generator are kept on cores of their own. */
export const TASKSET = '/usr/bin/taskset';

/**
 * Confines a process and all its threads (and what it starts later) to one
 * CPU, so a benchmark's server and its load generator never compete for a
 * core, and a run does not depend on where the scheduler happens to put them.
 * False where taskset is missing or the machine has a single CPU.
 */
export function pinToCpu(pid: number, cpu: number): boolean {
  if (!fs.existsSync(TASKSET) || os.availableParallelism() < 2) return false;
  execFileSync(TASKSET, ['-a', '-c', '-p', String(cpu), String(pid)], { stdio: 'ignore' });
  // Processes it started already (nginx's workers) are pinned with it.
  const children = fs.readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim();
  for (const child of children ? children.split(' ') : []) pinToCpu(Number(child), cpu);
  return true;
}
