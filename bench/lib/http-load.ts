import http from 'node:http';
import { Worker } from 'node:worker_threads';
import type { AddressInfo } from 'node:net';

/**
 * A small closed-loop HTTP load generator on loopback: `concurrency` clients
 * on keep-alive connections send `requests` GETs in total. Returns requests
 * per second. Bounded in count; it stops by itself.
 */
export async function load(
  server: http.Server | number,
  path: string,
  requests: number,
  concurrency: number,
  headers: () => http.OutgoingHttpHeaders = () => ({}),
): Promise<number> {
  const port = typeof server === 'number' ? server : (server.address() as AddressInfo).port;
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  let sent = 0;
  const worker = async () => {
    while (sent < requests) {
      sent++;
      await new Promise<void>((resolve, reject) => {
        http
          .get({ host: '127.0.0.1', port, path, agent, headers: headers() }, (res) => {
            if (res.statusCode! >= 400) reject(new Error(`${path} answered ${res.statusCode}`));
            res.resume();
            res.on('end', resolve);
          })
          .on('error', reject);
      });
    }
  };
  const started = process.hrtime.bigint();
  await Promise.all(Array.from({ length: concurrency }, worker));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  agent.destroy();
  return requests / seconds;
}

export function listen(handler: http.RequestListener): Promise<http.Server> {
  const server = http.createServer(handler);
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** What each request of `loadRangesInWorker` carries: a random `rangeBytes` range of a `fileBytes` file, and headers. */
export interface RangeLoad {
  rangeBytes: number;
  fileBytes: number;
  headers?: Record<string, string>;
}

// The load generator as plain JavaScript for a worker thread (no TypeScript loader there).
const RANGE_WORKER = `
const http = require('node:http');
const { parentPort, workerData: w } = require('node:worker_threads');
const agent = new http.Agent({ keepAlive: true, maxSockets: w.concurrency });
let sent = 0;
const one = () => new Promise((resolve, reject) => {
  const start = Math.floor(Math.random() * (w.fileBytes - w.rangeBytes));
  const headers = { ...w.headers, Range: 'bytes=' + start + '-' + (start + w.rangeBytes - 1) };
  http.get({ host: '127.0.0.1', port: w.port, path: w.path, agent, headers }, (res) => {
    if (res.statusCode >= 400) reject(new Error(w.path + ' answered ' + res.statusCode));
    res.resume();
    res.on('end', resolve);
  }).on('error', reject);
});
const worker = async () => { while (sent < w.requests) { sent++; await one(); } };
const started = process.hrtime.bigint();
Promise.all(Array.from({ length: w.concurrency }, worker)).then(
  () => { agent.destroy(); parentPort.postMessage({ rps: w.requests / (Number(process.hrtime.bigint() - started) / 1e9) }); },
  (err) => parentPort.postMessage({ error: String(err) }),
);
`;

/**
 * Like `load`, for range requests, but the clients run in a worker thread:
 * the servers under test (in this process, or nginx in its own) then keep
 * their event loop to themselves, so none is charged for the load
 * generator's work. Returns requests per second.
 */
export function loadRangesInWorker(
  server: http.Server | number,
  path: string,
  requests: number,
  concurrency: number,
  spec: RangeLoad,
): Promise<number> {
  const port = typeof server === 'number' ? server : (server.address() as AddressInfo).port;
  return new Promise((resolve, reject) => {
    const worker = new Worker(RANGE_WORKER, {
      eval: true,
      workerData: { port, path, requests, concurrency, ...spec, headers: spec.headers ?? {} },
    });
    worker.once('message', (msg: { rps?: number; error?: string }) => (msg.error ? reject(new Error(msg.error)) : resolve(msg.rps!)));
    worker.once('error', reject);
  });
}
