import { encodePng } from '../../services/images/png-encode';

/** A valid greyscale PNG of the given size, made by the tests so no binary lives in git. */
export function png(width: number, height: number): Buffer {
  return encodePng(width, height, 1, () => [0x80]);
}
