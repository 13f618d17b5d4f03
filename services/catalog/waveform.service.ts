import { findTrackById, type Track } from '../../db/repos/tracks.repo';
import { findWaveform, saveWaveform } from '../../db/repos/waveforms.repo';
import { serviceUnavailable } from '../../lib/errors';
import type { Actor } from '../actor';
import { PeakCollector, WAVEFORM_RATE } from '../audio/waveform-peaks';
import type { ServiceDeps } from '../deps';
import { JOBS } from '../jobs/job-queue';
import { copyToFile, withWorkFiles } from '../storage/temp-files';
import { findVisibleTrack } from './catalog.service';

/**
 * Waveforms: the peaks of a track's master, computed once by a job (ffmpeg
 * decodes the master to 8 kHz mono; the peaks are folded into 1,000 bins)
 * and kept with the master's checksum, so a new master computes anew. The
 * player draws them as its seek bar, for previews and full tracks alike.
 */

type Deps = Pick<ServiceDeps, 'db' | 'storage' | 'jobs' | 'ffmpeg' | 'config'>;

const masterOf = (track: Track) => track.audioSha256 ?? track.audioFilename;

export interface TrackWaveform {
  /** 0–255 of full scale, one per equal stretch of the whole track. */
  peaks: number[];
  durationSeconds: number | null;
  /** A strong validator: the master's. */
  etag: string;
}

/**
 * GET /api/tracks/:id/waveform: the waveform of a track the actor may see,
 * or null while it is computed (queued once, however many ask); 503 while
 * the transcoder that decodes masters is missing.
 */
export async function trackWaveform(deps: Deps, actor: Actor | undefined, trackId: number): Promise<TrackWaveform | null> {
  const track = await findVisibleTrack(deps, actor, trackId);
  const made = await findWaveform(deps.db, track.id);
  if (made && made.master === masterOf(track)) {
    return { peaks: [...made.peaks], durationSeconds: track.durationSeconds, etag: `"w-${masterOf(track).slice(0, 32)}"` };
  }
  if (!(await deps.ffmpeg.available())) throw serviceUnavailable('The waveform cannot be computed right now (the transcoder is missing).');
  await queueWaveform(deps, track);
  return null;
}

const queueWaveform = (deps: Pick<Deps, 'jobs'>, track: Track) =>
  deps.jobs.send(JOBS.waveform, { trackId: track.id }, { singletonKey: `${track.id}:${masterOf(track)}` });

/** Queues a new master's waveform at upload, so its first listeners see it (on a durable queue; otherwise on first request). */
export async function prepareWaveform(deps: Pick<Deps, 'jobs'>, track: Track): Promise<void> {
  if (deps.jobs.durable) await queueWaveform(deps, track);
}

/** The waveform job: decodes the master and records its peaks (nothing when it is gone or done already). */
export async function makeWaveform(deps: Deps, trackId: number): Promise<void> {
  const track = await findTrackById(deps.db, trackId);
  if (!track || track.isDeleted) return;
  if ((await findWaveform(deps.db, track.id))?.master === masterOf(track)) return;
  await withWorkFiles(deps.config.uploadDir, ['master'], async ({ master }) => {
    await copyToFile(deps.storage, track.audioFilename, master);
    const collector = new PeakCollector(track.durationSeconds ?? 0);
    await deps.ffmpeg.run(['-i', master, '-map', '0:a:0', '-ac', '1', '-ar', String(WAVEFORM_RATE), '-f', 's16le', 'pipe:1'], (chunk) =>
      collector.add(chunk),
    );
    const peaks = collector.peaks();
    await saveWaveform(deps.db, track.id, masterOf(track), peaks.length > 0 ? peaks : new Uint8Array(1));
  });
}
