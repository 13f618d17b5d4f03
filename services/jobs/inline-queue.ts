import type { Background } from '../background';
import type { JobCount, JobHandlers, JobName, JobQueue } from './job-queue';

/**
 * Runs each job at once in this process, in the background, without
 * durability: for tools and tests that start no queue (the durable queue
 * is pg-boss-queue.ts, tested on its own). The handlers are the real ones.
 */
export class InlineQueue implements JobQueue {
  readonly durable = false;

  constructor(
    private readonly background: Background,
    private readonly handlers: () => JobHandlers,
  ) {}

  async send(name: JobName, data: object): Promise<string | null> {
    this.background.run(`job ${name}`, () => this.handlers()[name](data as Record<string, unknown>));
    return null;
  }

  async counts(): Promise<JobCount[]> {
    return [];
  }
}
