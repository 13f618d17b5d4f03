import crypto from 'node:crypto';
import fs from 'node:fs';

import { AUDIO_EXT, AUDIO_MIME, type AudioFormat } from '../audio/audio-sniff';
import { cutPreview, type CutFormat } from '../audio/preview/cut-preview';
import { cutWithFfmpeg, ffmpegCutOutput, isFfmpegCut } from '../audio/preview/ffmpeg-cut';
import type { ServiceDeps } from '../deps';
import { copyToFile, withWorkFiles } from '../storage/temp-files';
import { sniffImage } from '../images/image-sniff';
import { fail, serviceUnavailable } from '../../lib/errors';

/** Reads the first `bytes` bytes of the audio, wherever it is. */
export type ReadPrefix = (bytes: number) => Promise<Buffer>;

export interface StoredPreview {
  key: string;
  seconds: number;
  sizeBytes: number;
  /** The clip's own type (an ALAC or AIFF master's clip is FLAC). */
  mime: string;
}

/** A track's master, as the preview cutters read it. */
export interface PreviewSource<F extends AudioFormat = AudioFormat> {
  format: F;
  sizeBytes: number;
  durationSeconds: number;
  readPrefix: ReadPrefix;
  /** The whole master as a local file (ffmpeg reads MPEG-4's index from wherever it is): its path, given a scratch path to copy to. */
  wholeFile: (scratch: string) => Promise<string>;
}

export const randomKey = (folder: string, ext: string) => `${folder}/${crypto.randomBytes(16).toString('hex')}.${ext}`;

/**
 * Cuts and stores the preview clip of a track: the first `previewSeconds`
 * (the whole track if shorter), or nothing for a 0-second preview. Only a
 * prefix of the audio is read — enough for the clip with room to spare —
 * and the whole file only if that prefix fell short (very uneven VBR).
 */
export async function storePreview(
  deps: Pick<ServiceDeps, 'storage'>,
  audio: Omit<PreviewSource<CutFormat>, 'wholeFile'>,
  previewSeconds: number,
): Promise<StoredPreview | null> {
  if (previewSeconds <= 0) return null;
  const wanted = Math.min(previewSeconds, audio.durationSeconds);
  const share = audio.durationSeconds > 0 ? Math.min(1, (previewSeconds + 1) / audio.durationSeconds) : 1;
  let bytes = Math.min(audio.sizeBytes, Math.ceil(audio.sizeBytes * share * 1.25) + 512 * 1024);
  let clip = cutPreview(audio.format, await audio.readPrefix(bytes), previewSeconds);
  if (clip.durationSeconds < wanted - 0.05 && bytes < audio.sizeBytes) {
    bytes = audio.sizeBytes;
    clip = cutPreview(audio.format, await audio.readPrefix(bytes), previewSeconds);
  }
  const key = randomKey('previews', AUDIO_EXT[audio.format]);
  await deps.storage.put(key, clip.data);
  return { key, seconds: roundSeconds(clip.durationSeconds), sizeBytes: clip.data.length, mime: AUDIO_MIME[audio.format] };
}

const roundSeconds = (seconds: number) => Math.round(seconds * 1000) / 1000;

/**
 * The preview of an uploaded or stored master in any accepted format: our
 * own cutters for MP3, FLAC, Ogg and WAV; ffmpeg for AAC, ALAC and AIFF
 * (which then needs the transcoder: 503 while it is missing).
 */
export async function storeTrackPreview(
  deps: Pick<ServiceDeps, 'storage' | 'ffmpeg' | 'config'>,
  audio: PreviewSource,
  previewSeconds: number,
): Promise<StoredPreview | null> {
  const format = audio.format;
  if (!isFfmpegCut(format)) return storePreview(deps, { ...audio, format }, previewSeconds);
  if (previewSeconds <= 0) return null;
  if (!(await deps.ffmpeg.available())) {
    throw serviceUnavailable(
      'AAC, ALAC and AIFF previews cannot be cut right now (the transcoder is missing); MP3, FLAC, Ogg and WAV work.',
    );
  }
  const output = ffmpegCutOutput(format);
  return withWorkFiles(deps.config.uploadDir, ['master', 'clip'], async (files) => {
    const master = await audio.wholeFile(files.master);
    const seconds = await cutWithFfmpeg(deps.ffmpeg, format, master, Math.min(previewSeconds, audio.durationSeconds), files.clip);
    const key = randomKey('previews', output.ext);
    const { size } = await fs.promises.stat(files.clip);
    await deps.storage.putFile(key, files.clip);
    return { key, seconds: roundSeconds(seconds), sizeBytes: size, mime: output.mime };
  });
}

export const COVER_MAX_BYTES = 5 * 1024 * 1024;
export const COVER_MAX_SIDE = 4000;

/** Checks and stores cover art from a file (PNG, JPEG, WebP by their bytes; bounded size). */
export async function storeCover(deps: Pick<ServiceDeps, 'storage'>, file: string): Promise<{ key: string; mime: string }> {
  const { size } = await fs.promises.stat(file);
  if (size > COVER_MAX_BYTES) throw fail('cover_too_large', { message: `Cover art may be at most ${COVER_MAX_BYTES} bytes.` });
  return storeCoverBytes(deps, await fs.promises.readFile(file));
}

/** Checks and stores cover art held in memory; the type comes from the bytes, never from a name or header. */
export async function storeCoverBytes(deps: Pick<ServiceDeps, 'storage'>, bytes: Buffer): Promise<{ key: string; mime: string }> {
  if (bytes.length > COVER_MAX_BYTES) throw fail('cover_too_large', { message: `Cover art may be at most ${COVER_MAX_BYTES} bytes.` });
  const image = sniffImage(bytes);
  if (!image) throw fail('unsupported_image', { message: 'Cover art must be a PNG, JPEG or WebP image (SVG is not accepted).' });
  if (image.width > COVER_MAX_SIDE || image.height > COVER_MAX_SIDE) {
    throw fail('image_too_large', { message: `Cover art may be at most ${COVER_MAX_SIDE} × ${COVER_MAX_SIDE} pixels.` });
  }
  const key = randomKey('covers', image.ext);
  await deps.storage.put(key, bytes);
  return { key, mime: image.mime };
}

/** A stored master as a preview source. */
export function storedPreviewSource(
  deps: Pick<ServiceDeps, 'storage'>,
  track: { audioFilename: string; audioFormat: AudioFormat; fileSizeBytes: number | null; durationSeconds: number | null },
): PreviewSource {
  return {
    format: track.audioFormat,
    sizeBytes: track.fileSizeBytes ?? 0,
    durationSeconds: track.durationSeconds ?? 0,
    readPrefix: storagePrefix(deps, track.audioFilename),
    wholeFile: async (scratch) => {
      await copyToFile(deps.storage, track.audioFilename, scratch);
      return scratch;
    },
  };
}

/** Reads a prefix of a stored object. */
export function storagePrefix(deps: Pick<ServiceDeps, 'storage'>, key: string): ReadPrefix {
  return async (bytes) => {
    const chunks: Buffer[] = [];
    for await (const chunk of deps.storage.createReadStream(key, { start: 0, end: Math.max(0, bytes - 1) })) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  };
}
