import { execFileSync } from 'node:child_process';
import { sniffImage } from '../../services/images/image-sniff';
import { haveFfmpeg } from '../support/ffmpeg';

/** A real 64 × 48 JPEG from Debian's ffmpeg (no binary in git). */
const realJpeg = () =>
  execFileSync('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'color=c=red:s=64x48', '-frames:v', '1', '-f', 'mjpeg', '-']);

/** A JPEG segment: marker, two-byte length (counting itself), payload. */
const segment = (marker: number, payload: Buffer) => {
  const head = Buffer.from([0xff, marker, 0, 0]);
  head.writeUInt16BE(payload.length + 2, 2);
  return Buffer.concat([head, payload]);
};

(haveFfmpeg() ? describe : describe.skip)('JPEG dimensions', () => {
  it('reads the size of a real JPEG', () => {
    expect(sniffImage(realJpeg())).toMatchObject({ type: 'jpeg', width: 64, height: 48 });
  });

  it('reads markers after 0xFF fill bytes as decoders do, so a fake frame header inside a segment is never taken for the real one', () => {
    const jpeg = realJpeg();
    // APP1 preceded by fill bytes. A parser that takes the second 0xFF for the marker reads
    // the length from [0xE1, len_hi] (0xE1F0 = 57,840 bytes) and lands inside the payload,
    // where a fake 16000 × 16000 start-of-frame waits. Decoders skip the whole APP1.
    const payload = Buffer.alloc(0xf000 - 2, 0);
    // The naive parser lands at 2 (SOI) + 2 + 0xE1F0; the payload starts at byte 7 (SOI, fill, FF E1, length).
    const fakeAt = 2 + 2 + 0xe1f0 - 7;
    Buffer.from([0xff, 0xc0, 0x00, 0x11, 0x08, 0x3e, 0x80, 0x3e, 0x80, 0x03]).copy(payload, fakeAt);
    const app1 = Buffer.concat([Buffer.from([0xff]), segment(0xe1, payload)]);
    const crafted = Buffer.concat([jpeg.subarray(0, 2), app1, jpeg.subarray(2)]);
    expect(sniffImage(crafted)).toMatchObject({ type: 'jpeg', width: 64, height: 48 });
  });

  it('finds no size when the scan starts before any frame header, or the bytes end inside a segment', () => {
    const jpeg = realJpeg();
    expect(sniffImage(Buffer.concat([jpeg.subarray(0, 2), Buffer.from([0xff, 0xda, 0x00, 0x02])]))).toBeUndefined();
    expect(sniffImage(jpeg.subarray(0, 30))).toBeUndefined();
    expect(sniffImage(Buffer.from([0xff, 0xd8, 0xff, 0xff, 0xff]))).toBeUndefined();
  });
});
