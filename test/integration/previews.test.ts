import fs from 'node:fs';
import path from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { sniffAudio } from '../../services/audio/audio-sniff';
import { Ffmpeg } from '../../services/audio/ffmpeg';
import { cutPreview, type CutFormat } from '../../services/audio/preview/cut-preview';
import { cutWithFfmpeg, type FfmpegCutFormat } from '../../services/audio/preview/ffmpeg-cut';
import { listFrames } from '../../services/audio/mp3-frames';
import { decodedSeconds, decodeErrors, haveFfmpeg, makeFixture, probeDuration } from '../support/ffmpeg';
import { tempDir } from '../support/temp-dir';

jest.setTimeout(60_000);
const run = promisify(execFile);

/**
 * Each accepted format, encoded by ffmpeg here (no binaries in git), cut by
 * our code, and measured by an independent decoder (ffprobe) and decoded in
 * full by ffmpeg.
 */
interface Case {
  name: string;
  file: string;
  format: CutFormat;
  options: string[];
  rate?: number;
  channels?: number;
  /** The longest a clip may run over the request: one codec frame, page block or sample. */
  frameSeconds: number;
}

const CASES: Case[] = [
  {
    name: 'MP3 CBR 128k stereo (MPEG-1, with ID3 and Xing)',
    file: 'cbr.mp3',
    format: 'mp3',
    options: ['-c:a', 'libmp3lame', '-b:a', '128k', '-metadata', 'title=Test'],
    frameSeconds: 1152 / 44_100,
  },
  { name: 'MP3 VBR stereo', file: 'vbr.mp3', format: 'mp3', options: ['-c:a', 'libmp3lame', '-q:a', '2'], frameSeconds: 1152 / 44_100 },
  {
    name: 'MP3 mono 22.05 kHz (MPEG-2)',
    file: 'mpeg2.mp3',
    format: 'mp3',
    options: ['-c:a', 'libmp3lame', '-b:a', '48k'],
    rate: 22_050,
    channels: 1,
    frameSeconds: 576 / 22_050,
  },
  { name: 'FLAC', file: 'a.flac', format: 'flac', options: ['-c:a', 'flac'], frameSeconds: 4608 / 44_100 },
  { name: 'Ogg Vorbis', file: 'a.ogg', format: 'ogg-vorbis', options: ['-c:a', 'libvorbis', '-q:a', '4'], frameSeconds: 0.001 },
  { name: 'Ogg Opus', file: 'a.opus', format: 'ogg-opus', options: ['-c:a', 'libopus', '-b:a', '64k'], rate: 48_000, frameSeconds: 0.02 },
  { name: 'WAV PCM 16-bit', file: 'a.wav', format: 'wav', options: ['-c:a', 'pcm_s16le'], frameSeconds: 1 / 44_100 },
];

const PREVIEW = 7.3;
const dir = tempDir('sn-previews-');

(haveFfmpeg() ? describe : describe.skip)('preview clips, checked by ffprobe', () => {
  beforeAll(async () => {
    await Promise.all(CASES.map((c) => makeFixture(path.join(dir, c.file), 20, c.options, c.rate, c.channels)));
  });

  it.each(CASES)('$name: sniffed by its bytes, cut within one frame of the request, decodes cleanly', async (c) => {
    const audio = fs.readFileSync(path.join(dir, c.file));
    expect(sniffAudio(audio.subarray(0, 64 * 1024))).toEqual({ format: c.format });

    const clip = cutPreview(c.format, audio, PREVIEW);
    const out = path.join(dir, `clip-${c.file}`);
    fs.writeFileSync(out, clip.data);

    const measured = await probeDuration(out);
    const slack = c.format === 'ogg-opus' ? 0.0065 : 0; // ffprobe counts Opus pre-skip (312 samples) in its duration
    expect(measured - slack).toBeGreaterThanOrEqual(PREVIEW - 0.0005);
    expect(measured - slack).toBeLessThanOrEqual(PREVIEW + c.frameSeconds + 0.0005);
    expect(Math.abs(clip.durationSeconds - (measured - slack))).toBeLessThan(0.002);
    expect(await decodeErrors(out)).toBe('');
    expect(clip.data.length).toBeLessThan(audio.length * 0.6);
  });

  it('gives MP3 clips their own Xing/Info frame and drops the track’s', async () => {
    const audio = fs.readFileSync(path.join(dir, 'vbr.mp3'));
    const clip = cutPreview('mp3', audio, PREVIEW);
    expect(clip.data.subarray(0, 3).toString('latin1')).not.toBe('ID3');
    const frames = listFrames(clip.data);
    const tagAt = clip.data.indexOf('Xing');
    expect(tagAt).toBeGreaterThan(0);
    expect(tagAt).toBeLessThan(frames[0]!.length);
    expect(clip.data.readUInt32BE(tagAt + 8)).toBe(frames.length - 1); // audio frames after the tag frame
    expect(clip.data.readUInt32BE(tagAt + 12)).toBe(clip.data.length);
    expect(clip.data.indexOf('Xing', tagAt + 4)).toBe(-1);
  });

  it('returns the whole track when it is shorter than the preview', async () => {
    for (const c of CASES) {
      const audio = fs.readFileSync(path.join(dir, c.file));
      const clip = cutPreview(c.format, audio, 60);
      const out = path.join(dir, `whole-${c.file}`);
      fs.writeFileSync(out, clip.data);
      const measured = await probeDuration(out);
      expect({ file: c.file, near20: Math.abs(measured - 20) < 0.1 }).toEqual({ file: c.file, near20: true });
    }
  });

  it('tells MPEG-4 (its codec is the probe’s to say) and AIFF by their bytes, and refuses unknown bytes', async () => {
    const m4a = path.join(dir, 'a.m4a');
    await makeFixture(m4a, 2, ['-c:a', 'aac', '-b:a', '96k']);
    expect(sniffAudio(fs.readFileSync(m4a))).toEqual({ format: 'mp4' });
    const aiff = path.join(dir, 'a.aiff');
    await makeFixture(aiff, 2, ['-c:a', 'pcm_s16be']);
    expect(sniffAudio(fs.readFileSync(aiff))).toEqual({ format: 'aiff' });
    expect(sniffAudio(Buffer.from('%PDF-1.7 definitely not audio at all'))).toEqual({ unsupported: 'unknown' });
    expect(sniffAudio(Buffer.alloc(0))).toEqual({ unsupported: 'unknown' });
    // A WAV that claims to be an MP3 by name is still a WAV.
    fs.copyFileSync(path.join(dir, 'a.wav'), path.join(dir, 'liar.mp3'));
    expect(sniffAudio(fs.readFileSync(path.join(dir, 'liar.mp3')))).toEqual({ format: 'wav' });
  });
});

/**
 * AAC, ALAC and AIFF masters, cut by the npm package's ffmpeg (what a fresh
 * machine runs) and measured by Debian's ffprobe: AAC is stream-copied to an
 * AAC frame boundary, ALAC and AIFF become FLAC clips of exactly the
 * requested length.
 */
const FFMPEG_CASES: { name: string; file: string; format: FfmpegCutFormat; options: string[]; codec: string; frameSeconds: number }[] = [
  { name: 'AAC in M4A', file: 'b.m4a', format: 'aac', options: ['-c:a', 'aac', '-b:a', '128k'], codec: 'aac', frameSeconds: 1024 / 44_100 },
  {
    name: 'AAC in M4A, index at the end',
    file: 'c.m4a',
    format: 'aac',
    options: ['-c:a', 'aac', '-f', 'mp4'],
    codec: 'aac',
    frameSeconds: 1024 / 44_100,
  },
  { name: 'ALAC in M4A', file: 'b-alac.m4a', format: 'alac', options: ['-c:a', 'alac'], codec: 'flac', frameSeconds: 1 / 44_100 },
  { name: 'AIFF 16-bit', file: 'b.aiff', format: 'aiff', options: ['-c:a', 'pcm_s16be'], codec: 'flac', frameSeconds: 1 / 44_100 },
  { name: 'AIFF 24-bit', file: 'b24.aiff', format: 'aiff', options: ['-c:a', 'pcm_s24be'], codec: 'flac', frameSeconds: 1 / 44_100 },
];

(haveFfmpeg() ? describe : describe.skip)('preview clips cut by ffmpeg, checked by ffprobe', () => {
  const ffmpeg = new Ffmpeg({ path: undefined, concurrency: 2, timeoutMs: 30_000 });
  beforeAll(async () => {
    await Promise.all(FFMPEG_CASES.map((c) => makeFixture(path.join(dir, c.file), 20, c.options)));
  });

  it.each(FFMPEG_CASES)('$name: cut within one frame of the request, in a format browsers play, decodes cleanly', async (c) => {
    const out = path.join(dir, `clip-${c.file}.out`); // no extension to go by, as in the app
    const seconds = await cutWithFfmpeg(ffmpeg, c.format, path.join(dir, c.file), PREVIEW, out);
    const heard = await decodedSeconds(out);
    expect(heard).toBeGreaterThanOrEqual(PREVIEW - 0.0005);
    expect(heard).toBeLessThanOrEqual(PREVIEW + c.frameSeconds + 0.0005);
    // The length the store shows: an AAC clip's container counts the encoder's priming (one more frame) with it.
    expect(Math.abs(seconds - heard)).toBeLessThanOrEqual(2 * c.frameSeconds + 0.001);
    expect(await decodeErrors(out)).toBe('');
    const { stdout } = await run('ffprobe', ['-v', 'error', '-show_entries', 'stream=codec_name', '-of', 'csv=p=0', out]);
    expect(stdout.trim()).toBe(c.codec);
  });
});
