import { AsyncLocalStorage } from 'node:async_hooks';
import type { Logger } from '../lib/logger';

/** The id of the request whose work is running, wherever in its async chain (set by requestContext). */
export const requestIds = new AsyncLocalStorage<string>();

/**
 * What the process does with an error nobody handled (an unhandled
 * rejection, an 'error' event without a listener, a throw in a callback):
 * the state it leaves is unknown, so it is logged as fatal — with the id of
 * the request it came from, when it came from one — and the process stops
 * (gracefully, exit code 1) for its supervisor to start a fresh one.
 */
export function fatalHandler(logger: Logger, stop: (reason: string) => void): (err: unknown) => void {
  return (err) => {
    logger.fatal({ err, reqId: requestIds.getStore() }, 'unhandled error; stopping so that a supervisor restarts the store');
    stop('unhandled error');
  };
}
