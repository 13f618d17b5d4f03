import type { DownloadFormat } from '../../contract/api';

/**
 * The download formats and how each is made from a lossless master: the
 * encoder and its settings, the container (ffmpeg's muxer), and whether the
 * container carries cover art. Bumping RECIPE_VERSION makes every rendition
 * anew (the recipe digest changes).
 */
export const RECIPE_VERSION = 2;

export interface Recipe {
  format: Exclude<DownloadFormat, 'original'>;
  label: string;
  ext: string;
  mime: string;
  /** ffmpeg's muxer (`-f`), since the working file's name does not end in the extension. */
  muxer: string;
  codec: string[];
  /** Whether the container holds an embedded picture (ID3 APIC, FLAC PICTURE, MP4 covr). */
  cover: boolean;
}

export const RECIPES: Recipe[] = [
  {
    format: 'mp3_320',
    label: 'MP3 320 kbps',
    ext: 'mp3',
    mime: 'audio/mpeg',
    muxer: 'mp3',
    codec: ['-c:a', 'libmp3lame', '-b:a', '320k', '-id3v2_version', '3'],
    cover: true,
  },
  {
    format: 'mp3_v0',
    label: 'MP3 V0',
    ext: 'mp3',
    mime: 'audio/mpeg',
    muxer: 'mp3',
    codec: ['-c:a', 'libmp3lame', '-q:a', '0', '-id3v2_version', '3'],
    cover: true,
  },
  {
    format: 'aac',
    label: 'AAC 256 kbps (M4A)',
    ext: 'm4a',
    mime: 'audio/mp4',
    muxer: 'ipod',
    codec: ['-c:a', 'aac', '-b:a', '256k'],
    cover: true,
  },
  {
    format: 'vorbis',
    label: 'Ogg Vorbis (q6)',
    ext: 'ogg',
    mime: 'audio/ogg',
    muxer: 'ogg',
    codec: ['-c:a', 'libvorbis', '-q:a', '6'],
    cover: false,
  },
  {
    format: 'opus',
    label: 'Opus 160 kbps',
    ext: 'opus',
    mime: 'audio/ogg',
    muxer: 'opus',
    codec: ['-c:a', 'libopus', '-b:a', '160k'],
    cover: false,
  },
  { format: 'flac', label: 'FLAC', ext: 'flac', mime: 'audio/flac', muxer: 'flac', codec: ['-c:a', 'flac'], cover: true },
  { format: 'alac', label: 'ALAC (M4A)', ext: 'm4a', mime: 'audio/mp4', muxer: 'ipod', codec: ['-c:a', 'alac'], cover: true },
  { format: 'wav', label: 'WAV', ext: 'wav', mime: 'audio/wav', muxer: 'wav', codec: ['-c:a', 'pcm_s16le'], cover: false },
  {
    format: 'aiff',
    label: 'AIFF',
    ext: 'aiff',
    mime: 'audio/aiff',
    muxer: 'aiff',
    codec: ['-c:a', 'pcm_s16be', '-write_id3v2', '1', '-id3v2_version', '3'],
    cover: false,
  },
];

/** Masters every format can be made from; a lossy master is offered as itself only (nothing that pretends to be better). */
const LOSSLESS = new Set(['flac', 'wav', 'aiff', 'alac']);

export const isLossless = (audioFormat: string | null) => audioFormat !== null && LOSSLESS.has(audioFormat);

export const recipeOf = (format: DownloadFormat): Recipe | undefined => RECIPES.find((r) => r.format === format);
