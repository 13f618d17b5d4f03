import type { Clip } from './clip';

/**
 * WAV (RIFF/WAVE, PCM) previews: the header chunks up to `data`, then whole
 * sample frames (blockAlign bytes each) for the requested length, with the
 * RIFF and data sizes rewritten to match.
 */

interface WavLayout {
  sampleRate: number;
  blockAlign: number;
  /** Offset of the data chunk's header ("data" + size). */
  dataChunk: number;
  dataBytes: number;
}

/** Reads the layout; with `partial`, `buf` may be just the file's first bytes. */
export function parseWav(buf: Buffer, partial = false): WavLayout {
  if (buf.length < 12 || buf.toString('latin1', 0, 4) !== 'RIFF' || buf.toString('latin1', 8, 12) !== 'WAVE') {
    throw new Error('not a RIFF/WAVE file');
  }
  let offset = 12;
  let sampleRate = 0;
  let blockAlign = 0;
  while (offset + 8 <= buf.length) {
    const id = buf.toString('latin1', offset, offset + 4);
    const size = buf.readUInt32LE(offset + 4);
    if (id === 'fmt ') {
      if (size < 16 || offset + 8 + 16 > buf.length) throw new Error('truncated fmt chunk');
      sampleRate = buf.readUInt32LE(offset + 12);
      blockAlign = buf.readUInt16LE(offset + 20);
    } else if (id === 'data') {
      if (!sampleRate || !blockAlign) throw new Error('data chunk before fmt chunk');
      const available = buf.length - offset - 8;
      if (size > available && !partial) throw new Error('truncated data chunk');
      return { sampleRate, blockAlign, dataChunk: offset, dataBytes: Math.min(size, available) };
    }
    offset += 8 + size + (size % 2); // chunks are word-aligned
  }
  throw new Error('no data chunk');
}

export function cutWav(buf: Buffer, seconds: number): Clip {
  const wav = parseWav(buf, true);
  const frames = Math.min(Math.ceil(seconds * wav.sampleRate), Math.floor(wav.dataBytes / wav.blockAlign));
  const dataBytes = frames * wav.blockAlign;
  const header = Buffer.from(buf.subarray(0, wav.dataChunk + 8));
  header.writeUInt32LE(dataBytes, wav.dataChunk + 4);
  const data = Buffer.concat([header, buf.subarray(wav.dataChunk + 8, wav.dataChunk + 8 + dataBytes), Buffer.alloc(dataBytes % 2)]);
  data.writeUInt32LE(data.length - 8, 4);
  return { data, durationSeconds: frames / wav.sampleRate };
}
