import { execFile } from 'node:child_process';
import fs from 'node:fs';
import { TASKSET } from './processes';

/** Debian's wrk, the load generator of the HTTP benchmarks (a C client well ahead of any server measured here). */
export const WRK = '/usr/bin/wrk';

export const hasWrk = (): boolean => fs.existsSync(WRK);

export interface WrkResult {
  requestsPerSecond: number;
  /** The 99th percentile of latency, in ms. */
  p99Ms: number;
}

const UNIT_MS: Record<string, number> = { us: 0.001, ms: 1, s: 1000, m: 60_000 };

/** Reads wrk's report (with --latency). Throws when any answer was not 2xx/3xx, or the report is not wrk's. */
export function parseWrk(report: string): WrkResult {
  const rate = /Requests\/sec:\s+([\d.]+)/.exec(report);
  const p99 = /^\s+99%\s+([\d.]+)(us|ms|s|m)\s*$/m.exec(report);
  if (!rate || !p99) throw new Error(`not a wrk --latency report:\n${report}`);
  const failed = /Non-2xx or 3xx responses:\s+(\d+)/.exec(report);
  if (failed) throw new Error(`${failed[1]} answers were errors:\n${report}`);
  const errors = /Socket errors:.*/.exec(report);
  if (errors && /(connect|read|write|timeout) [1-9]/.test(errors[0])) throw new Error(`${errors[0]}\n${report}`);
  return { requestsPerSecond: Number(rate[1]), p99Ms: Number(p99[1]) * UNIT_MS[p99[2]!]! };
}

export interface WrkOptions {
  threads: number;
  connections: number;
  seconds: number;
  headers?: Record<string, string>;
  /** A Lua script shaping each request (wrk's -s), and the environment it reads. */
  script?: string;
  env?: Record<string, string>;
  /** How long one answer may take before wrk counts it as a timeout (an error here); wrk's default is 2 s. */
  timeoutSeconds?: number;
  /** Run wrk on this CPU alone (taskset), away from the server measured. */
  cpu?: number;
}

/** `wrk -t threads -c connections -d seconds --latency url` (with headers, a script), parsed. */
export function runWrk(url: string, options: WrkOptions): Promise<WrkResult> {
  const args = ['-t', String(options.threads), '-c', String(options.connections), '-d', `${options.seconds}s`, '--latency'];
  for (const [name, value] of Object.entries(options.headers ?? {})) args.push('-H', `${name}: ${value}`);
  if (options.script) args.push('-s', options.script);
  if (options.timeoutSeconds) args.push('--timeout', `${options.timeoutSeconds}s`);
  const run = { timeout: (options.seconds + 30) * 1000, env: { ...process.env, ...options.env } };
  return new Promise((resolve, reject) => {
    const [command, prefix] = options.cpu === undefined ? [WRK, []] : [TASKSET, ['-c', String(options.cpu), WRK]];
    execFile(command, [...prefix, ...args, url], run, (err, stdout, stderr) => {
      if (err) return reject(new Error(`wrk failed: ${err.message}\n${stderr}`));
      try {
        resolve(parseWrk(stdout));
      } catch (parseErr) {
        reject(parseErr as Error);
      }
    });
  });
}

/**
 * A wrk script asking for a random `RANGE_BYTES` range of a `FILE_BYTES`
 * file on every request (each thread seeded differently). wrk counts a 206
 * as a success like any 2xx.
 */
export const RANDOM_RANGES_LUA = `
local size = tonumber(os.getenv("FILE_BYTES"))
local span = tonumber(os.getenv("RANGE_BYTES"))
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("seed", threads)
end
function init(args)
  math.randomseed(os.time() * 1000 + seed)
end
function request()
  local first = math.random(0, size - span - 1)
  wrk.headers["Range"] = "bytes=" .. first .. "-" .. (first + span - 1)
  return wrk.format(nil)
end
`;
