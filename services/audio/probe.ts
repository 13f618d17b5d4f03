import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { projectRoot } from '../../lib/paths';

export interface AudioProbe {
  container: string | null;
  codec: string | null;
  /** Seconds. */
  duration: number | null;
  /** Bits per second. */
  bitrate: number | null;
  sampleRate: number | null;
  channels: number | null;
  lossless: boolean | null;
}

// The worker is plain JavaScript beside the sources, found the same way from src and dist.
const WORKER = path.join(projectRoot, 'services', 'audio', 'probe-worker.mjs');
const PROBE_TIMEOUT_MS = 60_000;

/**
 * Reads an audio file's format with music-metadata (11.x) in a worker thread.
 * Rejects when the file cannot be parsed.
 */
export function probeAudio(file: string): Promise<AudioProbe> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(WORKER, { workerData: { path: file } });
    const timer = setTimeout(() => {
      void worker.terminate();
      reject(new Error('probing the audio took too long'));
    }, PROBE_TIMEOUT_MS);
    worker.once('message', (message: ({ ok: true } & AudioProbe) | { ok: false; error: string }) => {
      clearTimeout(timer);
      void worker.terminate();
      if (message.ok) {
        const { ok: _ok, ...probe } = message;
        resolve(probe);
      } else reject(new Error(message.error));
    });
    worker.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
  });
}
