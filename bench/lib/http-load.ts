import http from 'node:http';
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
