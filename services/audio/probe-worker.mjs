// Worker thread for services/audio/probe.ts. music-metadata is published as
// ES modules only; a worker loads it natively (the rest of the server is
// CommonJS) and keeps the parsing off the main event loop.
import { parentPort, workerData } from 'node:worker_threads';
import { parseFile } from 'music-metadata';

try {
  const { format } = await parseFile(workerData.path, { duration: true, skipCovers: true });
  parentPort.postMessage({
    ok: true,
    container: format.container ?? null,
    codec: format.codec ?? null,
    duration: format.duration ?? null,
    bitrate: format.bitrate ?? null,
    sampleRate: format.sampleRate ?? null,
    channels: format.numberOfChannels ?? null,
    lossless: format.lossless ?? null,
  });
} catch (err) {
  parentPort.postMessage({ ok: false, error: err instanceof Error ? err.message : String(err) });
}
