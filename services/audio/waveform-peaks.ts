/**
 * A waveform from decoded audio: 16-bit mono samples (little-endian, as
 * ffmpeg's `s16le` writes them) go in chunk by chunk; out come `bins`
 * peaks, the loudest sample of each equal stretch of the track, 0–255 of
 * full scale. Memory stays small whatever the length: one peak per block of
 * samples is kept (a block sized so a track has about four per bin), and
 * the blocks are folded into bins at the end.
 */

export const WAVEFORM_BINS = 1000;
/** The sample rate the audio is decoded at for its waveform: enough for the loudness of every 10 ms. */
export const WAVEFORM_RATE = 8000;
/** Blocks per bin kept while decoding: the peaks are folded into bins once the length is known for sure. */
const BLOCKS_PER_BIN = 4;

export class PeakCollector {
  private readonly blocks: number[] = [];
  /** Samples per block, from the length the track is expected to have (about BLOCKS_PER_BIN blocks per bin). */
  private readonly block: number;
  private blockPeak = 0;
  private inBlock = 0;
  private carry: number | undefined; // the first byte of a sample split between two chunks

  constructor(expectedSeconds: number, bins = WAVEFORM_BINS) {
    this.block = Math.max(1, Math.floor((expectedSeconds * WAVEFORM_RATE) / (bins * BLOCKS_PER_BIN)));
  }

  add(chunk: Buffer): void {
    let offset = 0;
    if (this.carry !== undefined && chunk.length > 0) {
      this.sample(Buffer.from([this.carry, chunk[0]!]).readInt16LE(0));
      this.carry = undefined;
      offset = 1;
    }
    for (; offset + 1 < chunk.length; offset += 2) this.sample(chunk.readInt16LE(offset));
    if (offset < chunk.length) this.carry = chunk[offset];
  }

  private sample(value: number): void {
    const loud = value < 0 ? -value : value;
    if (loud > this.blockPeak) this.blockPeak = loud;
    if (++this.inBlock === this.block) this.closeBlock();
  }

  private closeBlock(): void {
    this.blocks.push(this.blockPeak);
    this.blockPeak = 0;
    this.inBlock = 0;
  }

  /** The peaks (fewer than `bins` for a track shorter than `bins` blocks; none for no audio). */
  peaks(bins = WAVEFORM_BINS): Uint8Array {
    if (this.inBlock > 0) this.closeBlock();
    const count = Math.min(bins, this.blocks.length);
    const out = new Uint8Array(count);
    for (let bin = 0; bin < count; bin++) {
      const from = Math.floor((bin * this.blocks.length) / count);
      const to = Math.floor(((bin + 1) * this.blocks.length) / count);
      let peak = 0;
      for (let b = from; b < to; b++) peak = Math.max(peak, this.blocks[b]!);
      out[bin] = Math.min(255, Math.round((peak / 32768) * 255));
    }
    return out;
  }
}
