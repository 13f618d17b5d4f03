import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { toolAvailable } from './require-tool';

const run = promisify(execFile);

/** Debian's ffmpeg/ffprobe: fixtures made by the tests, and an independent decoder to check our clips. */
export const haveFfmpeg = () => toolAvailable('/usr/bin/ffprobe', 'apt-get install ffmpeg');

/** Encodes `seconds` of a two-tone test signal with the given ffmpeg output options. */
export async function makeFixture(file: string, seconds: number, options: string[], rate = 44_100, channels = 2): Promise<void> {
  await run('ffmpeg', [
    '-v',
    'error',
    '-y',
    '-f',
    'lavfi',
    '-i',
    `sine=frequency=440:duration=${seconds}:sample_rate=${rate}`,
    '-f',
    'lavfi',
    '-i',
    `sine=frequency=660:duration=${seconds}:sample_rate=${rate}`,
    '-filter_complex',
    'amix=inputs=2',
    '-ac',
    String(channels),
    '-ar',
    String(rate),
    ...options,
    file,
  ]);
}

/** The duration ffprobe reports for a file's container. */
export async function probeDuration(file: string): Promise<number> {
  const { stdout } = await run('ffprobe', ['-v', 'error', '-show_entries', 'format=duration', '-of', 'csv=p=0', file]);
  return Number(stdout.trim());
}

/** Decodes the whole file; resolves with whatever the decoder complained about ('' when clean). */
export async function decodeErrors(file: string): Promise<string> {
  try {
    const { stderr } = await run('ffmpeg', ['-v', 'error', '-i', file, '-f', 'null', '-']);
    return stderr.trim();
  } catch (err) {
    return String((err as { stderr?: string }).stderr ?? err);
  }
}

/** How long a file plays, counted in decoded samples by Debian's ffmpeg (edit lists and encoder priming honoured). */
export async function decodedSeconds(file: string, rate = 44_100): Promise<number> {
  const { stdout } = await run('ffmpeg', ['-v', 'error', '-i', file, '-ac', '1', '-ar', String(rate), '-f', 's16le', '-'], {
    encoding: 'buffer',
    maxBuffer: 512 * 1024 * 1024,
  });
  return stdout.length / 2 / rate;
}

/** The codec ffprobe reads in a file's first audio stream. */
export async function streamCodec(file: string): Promise<string> {
  const { stdout } = await run('ffprobe', [
    '-v',
    'error',
    '-select_streams',
    'a:0',
    '-show_entries',
    'stream=codec_name',
    '-of',
    'csv=p=0',
    file,
  ]);
  return stdout.trim();
}

/** A short music video (MPEG-4 with a picture track and AAC sound): MPEG-4, but not a master. */
export async function makeVideoFixture(file: string): Promise<void> {
  await run('ffmpeg', [
    '-v',
    'error',
    '-y',
    '-f',
    'lavfi',
    '-i',
    'testsrc=duration=2:size=64x64:rate=10',
    '-f',
    'lavfi',
    '-i',
    'sine=duration=2',
    '-c:v',
    'mpeg4',
    '-c:a',
    'aac',
    '-f',
    'mp4',
    file,
  ]);
}

/** Encodes `seconds` of the signal an ffmpeg `aevalsrc` expression of `t` describes (mono, 44.1 kHz). */
export async function makeSignal(file: string, expression: string, seconds: number, options: string[]): Promise<void> {
  await run('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', `aevalsrc=${expression}:d=${seconds}:s=44100`, ...options, file]);
}
