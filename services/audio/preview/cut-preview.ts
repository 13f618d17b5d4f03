import type { AudioFormat } from '../audio-sniff';
import type { Clip } from './clip';
import type { FfmpegCutFormat } from './ffmpeg-cut';
import { cutFlac } from './flac-cut';
import { cutMp3 } from './mp3-cut';
import { cutOgg } from './ogg-cut';
import { cutWav } from './wav-cut';

/** The formats our own cutters read (the others are cut by ffmpeg-cut.ts). */
export type CutFormat = Exclude<AudioFormat, FfmpegCutFormat>;

/** The first `seconds` of a track (the whole track if shorter), cut on the format's own boundaries. */
export function cutPreview(format: CutFormat, audio: Buffer, seconds: number): Clip {
  switch (format) {
    case 'mp3':
      return cutMp3(audio, seconds);
    case 'flac':
      return cutFlac(audio, seconds);
    case 'ogg-vorbis':
    case 'ogg-opus':
      return cutOgg(audio, seconds);
    case 'wav':
      return cutWav(audio, seconds);
  }
}
