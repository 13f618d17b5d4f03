import fs from 'node:fs';

interface LameEncoder {
  encodeBuffer(left: Int16Array): Int8Array;
  flush(): Int8Array;
}
interface Lame {
  Mp3Encoder: new (channels: number, sampleRate: number, kbps: number) => LameEncoder;
}

let lame: Lame | undefined;

/**
 * lamejs (a pure-JavaScript LAME port) publishes a working build only as a
 * browser script that defines a global function; its CommonJS entry is broken
 * ("MPEGMode is not defined"). So the browser build is loaded from the
 * installed package and evaluated once here to obtain the encoder.
 */
function loadLame(): Lame {
  if (!lame) {
    const code = fs.readFileSync(require.resolve('lamejs/lame.all.js'), 'utf8');
    lame = new Function(`${code}\n;return lamejs;`)() as Lame;
  }
  return lame;
}

/** Samples per MPEG-1 Layer III frame; the encoder is fed in these units. */
const FRAME_SAMPLES = 1152;

/** Encodes 16-bit mono PCM as a constant-bitrate MP3. */
export function encodeMp3(pcm: Int16Array, sampleRate: number, kbps: number): Buffer {
  const encoder = new (loadLame().Mp3Encoder)(1, sampleRate, kbps);
  const parts: Buffer[] = [];
  for (let i = 0; i < pcm.length; i += FRAME_SAMPLES) {
    const chunk = encoder.encodeBuffer(pcm.subarray(i, i + FRAME_SAMPLES));
    if (chunk.length > 0) parts.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length));
  }
  const tail = encoder.flush();
  if (tail.length > 0) parts.push(Buffer.from(tail.buffer, tail.byteOffset, tail.length));
  return Buffer.concat(parts);
}
