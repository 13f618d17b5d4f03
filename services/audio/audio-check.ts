import type { SniffedFormat } from './audio-sniff';
import { parseFrameHeader } from './mp3-frames';
import { endsWithWholeFrame } from './preview/flac-cut';
import { oggPages } from './preview/ogg-cut';
import { mp4Truncated } from './mp4-boxes';
import { readBytes } from './read-bytes';

const TAIL = 128 * 1024;

/** MP3: a chain of frames in the tail must end exactly at the end (or at an ID3v1 tag). */
function mp3Truncated(tail: Buffer): boolean {
  const end =
    tail.length >= 128 && tail.toString('latin1', tail.length - 128, tail.length - 125) === 'TAG' ? tail.length - 128 : tail.length;
  for (let p = 0; p + 4 <= end; p++) {
    if (tail[p] !== 0xff) continue;
    let q = p;
    let count = 0;
    for (let frame = parseFrameHeader(tail, q); frame && q < end; frame = parseFrameHeader(tail, q)) {
      q += frame.length;
      count++;
    }
    if (count >= 3 || q >= end) return q > end; // the chain ran past the end: the last frame is cut
  }
  return false;
}

/** Ogg: the last page in the tail must be complete. */
function oggTruncated(tail: Buffer): boolean {
  const last = tail.lastIndexOf('OggS');
  if (last < 0) return true;
  const pages = [...oggPages(tail.subarray(last))];
  return pages.length === 0;
}

/** WAV: the data chunk may not claim more bytes than the file has. */
function wavTruncated(head: Buffer, size: number): boolean {
  let offset = 12;
  while (offset + 8 <= head.length) {
    const id = head.toString('latin1', offset, offset + 4);
    const chunk = head.readUInt32LE(offset + 4);
    if (id === 'data') return offset + 8 + chunk > size;
    offset += 8 + chunk + (chunk % 2);
  }
  return true; // no data chunk in the first bytes
}

/** AIFF: the FORM and its sound data (SSND) chunk may not claim more bytes than the file has. */
function aiffTruncated(head: Buffer, size: number): boolean {
  if (head.readUInt32BE(4) + 8 > size) return true;
  let offset = 12;
  while (offset + 8 <= head.length) {
    const chunk = head.readUInt32BE(offset + 4);
    if (head.toString('latin1', offset, offset + 4) === 'SSND') return offset + 8 + chunk > size;
    offset += 8 + chunk + (chunk % 2);
  }
  return true; // no sound data in the first bytes
}

/**
 * Whether a file of a sniffed format was cut short (an interrupted upload or
 * a damaged file): its last frame, page or chunk is incomplete.
 */
export async function isTruncated(format: SniffedFormat, file: string, size: number, head: Buffer): Promise<boolean> {
  if (format === 'mp4') return mp4Truncated(file, size);
  const tail = await readBytes(file, Math.max(0, size - TAIL), TAIL);
  switch (format) {
    case 'mp3':
      return mp3Truncated(tail);
    case 'flac':
      return !endsWithWholeFrame(tail);
    case 'ogg-vorbis':
    case 'ogg-opus':
      return oggTruncated(tail);
    case 'wav':
      return wavTruncated(head, size);
    case 'aiff':
      return aiffTruncated(head, size);
  }
}
