import type http from 'node:http';
import v8 from 'node:v8';
import vm from 'node:vm';
import type { Logger } from '../lib/logger';

/**
 * Gives memory back when the store goes quiet after a busy spell. Under
 * load V8 lets its heap grow to several times what is alive before it
 * collects (at 2,000 range requests a second, ~200 MB of resident memory
 * for ~30 MB alive), and keeps it once the load has gone: nothing collects
 * an idle heap. So when `quietMs` pass without a request after at least
 * `minRequests` since the last release, the idle buffers are dropped
 * (`trim`) and one full collection runs (~40 ms, while nothing is asked):
 * in `npm run bench stream`, the store idled at 108 MB after its rounds
 * (186 MB without this).
 * Returns the function that stops watching.
 */
export function releaseMemoryWhenIdle(
  server: http.Server,
  options: { trim: () => void; collect?: (() => void) | undefined; quietMs?: number; minRequests?: number; logger?: Logger },
): () => void {
  const { trim, collect = fullCollector(), quietMs = 5_000, minRequests = 1_000, logger } = options;
  let requests = 0;
  let seen = 0;
  let released = 0;
  const count = () => void requests++;
  server.on('request', count);
  const timer = setInterval(() => {
    const quiet = requests === seen;
    seen = requests;
    if (!quiet || requests - released < minRequests) return;
    released = requests;
    const before = process.memoryUsage.rss();
    trim();
    collect?.();
    logger?.debug(
      { rssMb: Math.round(before / 1048576), afterMb: Math.round(process.memoryUsage.rss() / 1048576) },
      'quiet: memory released',
    );
  }, quietMs);
  timer.unref();
  return () => {
    clearInterval(timer);
    server.off('request', count);
  };
}

/**
 * V8's full collection, the one `--expose-gc` offers: the flag installs
 * `gc` in contexts made after it is set, so a fresh context hands it over
 * without exposing it to the application's own global scope. Undefined
 * where the runtime refuses (then only the buffers are dropped).
 */
export function fullCollector(): (() => void) | undefined {
  try {
    v8.setFlagsFromString('--expose-gc');
    const gc: unknown = vm.runInNewContext('gc');
    return typeof gc === 'function' ? () => void gc() : undefined;
  } catch {
    return undefined;
  }
}
