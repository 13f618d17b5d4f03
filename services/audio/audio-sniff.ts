import { parseFrameHeader, id3v2Size } from './mp3-frames';
import { oggCodec } from './preview/ogg-cut';

/**
 * What an audio file is, decided by its own first bytes — never by its name
 * or the MIME type a client claims.
 */

export type AudioFormat = 'mp3' | 'flac' | 'ogg-vorbis' | 'ogg-opus' | 'wav' | 'aiff' | 'aac' | 'alac';

export const AUDIO_MIME: Record<AudioFormat, string> = {
  mp3: 'audio/mpeg',
  flac: 'audio/flac',
  'ogg-vorbis': 'audio/ogg',
  'ogg-opus': 'audio/ogg',
  wav: 'audio/wav',
  aiff: 'audio/aiff',
  aac: 'audio/mp4',
  alac: 'audio/mp4',
};

export const AUDIO_EXT: Record<AudioFormat, string> = {
  mp3: 'mp3',
  flac: 'flac',
  'ogg-vorbis': 'ogg',
  'ogg-opus': 'opus',
  wav: 'wav',
  aiff: 'aiff',
  aac: 'm4a',
  alac: 'm4a',
};

/**
 * What the first bytes tell. An MPEG-4 file (`ftyp`) may hold AAC, ALAC or
 * anything else, and its sample description can sit at the very end: the
 * probe of the whole file decides (see inspectAudio).
 */
export type SniffedFormat = Exclude<AudioFormat, 'aac' | 'alac'> | 'mp4';

export type SniffResult = { format: SniffedFormat } | { unsupported: 'unknown' };

/** Needs the first 64 KiB or so (an ID3v2 tag before MP3 audio can be longer: pass more then). */
export function sniffAudio(head: Buffer): SniffResult {
  if (head.length < 12) return { unsupported: 'unknown' };
  const magic = head.toString('latin1', 0, 4);
  if (magic === 'fLaC') return { format: 'flac' };
  if (magic === 'RIFF' && head.toString('latin1', 8, 12) === 'WAVE') return { format: 'wav' };
  if (magic === 'FORM' && /^AIF[FC]$/.test(head.toString('latin1', 8, 12))) return { format: 'aiff' };
  if (magic === 'OggS') {
    try {
      return { format: oggCodec(head).codec === 'opus' ? 'ogg-opus' : 'ogg-vorbis' };
    } catch {
      return { unsupported: 'unknown' };
    }
  }
  if (head.toString('latin1', 4, 8) === 'ftyp') return { format: 'mp4' };
  // MP3: after any ID3v2 tag, two consecutive valid Layer III frame headers.
  const start = id3v2Size(head);
  const first = parseFrameHeader(head, start);
  if (first && parseFrameHeader(head, start + first.length)) return { format: 'mp3' };
  if (first && start + first.length >= head.length) return { format: 'mp3' }; // a one-frame file, or a short head
  return { unsupported: 'unknown' };
}
