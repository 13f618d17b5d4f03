import type { AudioFormat } from '../audio-sniff';
import type { Ffmpeg } from '../ffmpeg';
import { probeAudio } from '../probe';

/**
 * Previews of the masters cut by ffmpeg rather than by our own cutters. AAC
 * in MPEG-4 is stream-copied (not re-encoded): the clip ends on an AAC
 * frame boundary, at most one frame (1,024 samples) past the request, with
 * the index written first. ALAC and AIFF clips are decoded and stored as
 * FLAC — the same samples, cut to the exact sample (ffmpeg trims decoded
 * audio exactly) — because neither Chromium nor Firefox plays ALAC or AIFF,
 * and a preview is for listening in the browser.
 */

export type FfmpegCutFormat = 'aac' | 'alac' | 'aiff';

const CUTS: Record<FfmpegCutFormat, { ext: string; mime: string; args: string[] }> = {
  aac: { ext: 'm4a', mime: 'audio/mp4', args: ['-c:a', 'copy', '-f', 'ipod', '-movflags', '+faststart'] },
  alac: { ext: 'flac', mime: 'audio/flac', args: ['-c:a', 'flac', '-f', 'flac'] },
  aiff: { ext: 'flac', mime: 'audio/flac', args: ['-c:a', 'flac', '-f', 'flac'] },
};

export const isFfmpegCut = (format: AudioFormat): format is FfmpegCutFormat => format in CUTS;

export const ffmpegCutOutput = (format: FfmpegCutFormat) => ({ ext: CUTS[format].ext, mime: CUTS[format].mime });

/** Writes the first `seconds` of `input` (its first audio stream, no tags) to `output`; resolves to the clip's length in seconds. */
export async function cutWithFfmpeg(ffmpeg: Ffmpeg, format: FfmpegCutFormat, input: string, seconds: number, output: string) {
  await ffmpeg.run(['-y', '-i', input, '-map', '0:a:0', '-map_metadata', '-1', '-t', String(seconds), ...CUTS[format].args, output]);
  const { duration } = await probeAudio(output);
  if (!duration) throw new Error('the cut preview has no length');
  return duration;
}
