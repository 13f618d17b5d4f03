import type http from 'node:http';
import type { Logger } from '../lib/logger';

export interface ShutdownStep {
  name: string;
  run: () => Promise<void>;
}

/**
 * Stops the HTTP server gracefully: no new connections, idle keep-alive
 * connections closed, in-flight requests given `timeoutMs` to finish (then
 * cut), and then each step (pool, embedded database, …) run in order, each
 * one even if an earlier one failed.
 * @returns true when every step succeeded.
 */
export async function shutdown(
  server: http.Server | undefined,
  steps: ShutdownStep[],
  timeoutMs: number,
  logger: Logger,
): Promise<boolean> {
  if (server) await closeServer(server, timeoutMs, logger);
  let ok = true;
  for (const step of steps) {
    try {
      await step.run();
    } catch (err) {
      ok = false;
      logger.error({ err, step: step.name }, 'shutdown step failed');
    }
  }
  return ok;
}

async function closeServer(server: http.Server, timeoutMs: number, logger: Logger): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  // Keep-alive connections become idle as their last response ends; close
  // them as soon as they do, rather than waiting for the keep-alive timeout.
  server.closeIdleConnections();
  const sweeper = setInterval(() => server.closeIdleConnections(), 50);
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs);
  });
  if ((await Promise.race([closed, timedOut])) === 'timeout') {
    logger.warn({ timeoutMs }, 'requests still running after the shutdown timeout; closing their connections');
    server.closeAllConnections();
    await closed;
  }
  clearTimeout(timer);
  clearInterval(sweeper);
}
