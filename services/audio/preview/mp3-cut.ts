import { listFrames, parseFrameHeader, type Mp3Frame } from '../mp3-frames';
import type { Clip } from './clip';

/**
 * MP3 previews: whole frames from the start of the audio until the clip
 * holds at least the requested length (so it is long by less than one frame),
 * after a fresh Xing/Info frame that describes the clip itself — its frame
 * and byte counts — so players report the clip's duration, not the track's.
 * The original's ID3 tags and its own Xing/Info/VBRI frame (which describes
 * the whole file) are dropped. The first frame needs no bit reservoir from
 * before it, so the cut decodes cleanly.
 */

/** Bytes of Layer III side information after the 4-byte header. */
function sideInfoSize(frame: Mp3Frame): number {
  const mpeg1 = frame.samples === 1152;
  return mpeg1 ? (frame.channels === 1 ? 17 : 32) : frame.channels === 1 ? 9 : 17;
}

/** Whether a frame is an encoder's Xing/Info or VBRI header frame rather than audio. */
function isHeaderFrame(buf: Buffer, frame: Mp3Frame): boolean {
  const start = frame.offset + 4 + (buf[frame.offset + 1]! & 0x01 ? 0 : 2);
  const tag = buf.toString('latin1', start + sideInfoSize(frame), start + sideInfoSize(frame) + 4);
  return tag === 'Xing' || tag === 'Info' || buf.toString('latin1', frame.offset + 36, frame.offset + 40) === 'VBRI';
}

/**
 * A Xing ("VBR") or Info ("CBR") frame with the frames and bytes fields, built
 * on the first audio frame's header: same version, rate and mode, no CRC, no
 * padding, and the smallest bitrate whose frame fits the tag.
 */
function headerFrame(buf: Buffer, first: Mp3Frame, frameCount: number, audioBytes: number, vbr: boolean): Buffer {
  const h0 = buf[first.offset]!;
  const h1 = buf[first.offset + 1]! | 0x01; // protection bit set: no CRC
  const h3 = buf[first.offset + 3]!;
  const need = 4 + sideInfoSize(first) + 16;
  for (let bitrateIndex = 1; bitrateIndex < 15; bitrateIndex++) {
    const h2 = (bitrateIndex << 4) | (buf[first.offset + 2]! & 0x0c); // keep the sample-rate bits; no padding
    const header = Buffer.from([h0, h1, h2, h3]);
    const parsed = parseFrameHeader(Buffer.concat([header, Buffer.alloc(4)]), 0);
    if (!parsed || parsed.length < need) continue;
    const frame = Buffer.alloc(parsed.length);
    header.copy(frame, 0);
    const at = 4 + sideInfoSize(first);
    frame.write(vbr ? 'Xing' : 'Info', at, 'latin1');
    frame.writeUInt32BE(0x03, at + 4); // flags: frame count and byte count present
    frame.writeUInt32BE(frameCount, at + 8);
    frame.writeUInt32BE(audioBytes + parsed.length, at + 12);
    return frame;
  }
  throw new Error('no bitrate gives a frame large enough for a Xing header');
}

export function cutMp3(buf: Buffer, seconds: number): Clip {
  const frames = listFrames(buf);
  if (frames.length > 0 && isHeaderFrame(buf, frames[0]!)) frames.shift();
  const first = frames[0];
  if (!first) throw new Error('no MPEG audio frames');
  const target = seconds * first.sampleRate;
  const kept: Mp3Frame[] = [];
  let samples = 0;
  for (const frame of frames) {
    if (samples >= target) break;
    kept.push(frame);
    samples += frame.samples;
  }
  const audio = Buffer.concat(kept.map((f) => buf.subarray(f.offset, f.offset + f.length)));
  const vbr = new Set(kept.map((f) => f.bitrateKbps)).size > 1;
  return {
    data: Buffer.concat([headerFrame(buf, first, kept.length, audio.length, vbr), audio]),
    durationSeconds: samples / first.sampleRate,
  };
}
