/** A preview clip: its bytes and the length they decode to. */
export interface Clip {
  data: Buffer;
  /** Seconds of audio in the clip (at most one frame, page or block over the request). */
  durationSeconds: number;
}
