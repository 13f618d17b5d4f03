import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { fullCollector, releaseMemoryWhenIdle } from '../../server/idle-memory';

/**
 * Memory goes back when the store goes quiet after a busy spell: once per
 * spell, never while requests keep coming, never after a handful. A real
 * HTTP server; the collection is counted (the real one is checked apart).
 */

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('releaseMemoryWhenIdle', () => {
  let server: http.Server;
  let port: number;
  beforeEach(async () => {
    server = http.createServer((_req, res) => res.end('ok'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterEach(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const ask = (times: number) =>
    Promise.all(Array.from({ length: times }, () => fetch(`http://127.0.0.1:${port}/`).then((res) => res.text())));

  it('releases once after a busy spell goes quiet, not while it lasts, and not again until the next spell', async () => {
    let trimmed = 0;
    let collected = 0;
    const stop = releaseMemoryWhenIdle(server, { trim: () => trimmed++, collect: () => collected++, quietMs: 300, minRequests: 5 });
    try {
      // Busy: a request every 25 ms for 1.5 s, five windows of 300 ms.
      const busy = setInterval(() => void ask(1), 25);
      await sleep(1_500);
      clearInterval(busy);
      expect(collected).toBe(0);
      await sleep(800); // two quiet windows
      expect([trimmed, collected]).toEqual([1, 1]);
      await sleep(700);
      expect(collected).toBe(1); // still quiet: nothing new to give back

      await ask(2); // a few requests are no busy spell
      await sleep(700);
      expect(collected).toBe(1);
      await ask(5);
      await sleep(800);
      expect([trimmed, collected]).toEqual([2, 2]);
    } finally {
      stop();
    }
    await ask(10);
    await sleep(800);
    expect(collected).toBe(2); // stopped: no longer counting or releasing
  });

  it('gets V8’s full collection without exposing gc to the application', () => {
    const collect = fullCollector();
    expect(collect).toEqual(expect.any(Function));
    expect(() => collect!()).not.toThrow();
    expect((globalThis as { gc?: unknown }).gc).toBeUndefined();
  });
});
