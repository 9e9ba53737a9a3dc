/** What the redraw of a gateway's image measures on its grey pixels: where dark begins (Otsu), and where the code lies. */
import type { GreyImage } from './decode.js';

/** Otsu's threshold (pixels below it are dark), or undefined when the image has no usable contrast. */
export function otsuThreshold(pixels: Uint8Array): number | undefined {
  const histogram = histogramOf(pixels);
  let min = 0;
  while (min < 255 && histogram[min] === 0) min += 1;
  let max = 255;
  while (max > 0 && histogram[max] === 0) max -= 1;
  if (max - min < 64) return undefined;

  const total = pixels.length;
  let sumAll = 0;
  for (let v = 0; v < 256; v += 1) sumAll += v * (histogram[v] as number);
  let weightBelow = 0;
  let sumBelow = 0;
  let best = -1;
  let threshold = 128;
  for (let v = 0; v < 256; v += 1) {
    weightBelow += histogram[v] as number;
    if (weightBelow === 0) continue;
    const weightAbove = total - weightBelow;
    if (weightAbove === 0) break;
    sumBelow += v * (histogram[v] as number);
    const meanBelow = sumBelow / weightBelow;
    const meanAbove = (sumAll - sumBelow) / weightAbove;
    const between = weightBelow * weightAbove * (meanBelow - meanAbove) ** 2;
    if (between > best) {
      best = between;
      threshold = v + 1;
    }
  }
  return threshold;
}

/**
 * Counts of each grey value. Nearly every pixel of a QR code is pure black or pure white, mostly in runs: four
 * pixels are read as one word, and a word of four blacks or four whites is counted in a local (adding one to the same
 * slot of memory again and again waits for each previous store). A function of its own, the loop and nothing after
 * it (see `rgbaWordsOverWhite` in `decode.ts`).
 */
export function histogramOf(pixels: Uint8Array): Uint32Array {
  // 32 bits: an image has at most MAX_INPUT_PIXELS.
  const histogram = new Uint32Array(256);
  const count = (from: number, to: number): void => {
    for (let i = from; i < to; i += 1) {
      const value = pixels[i] as number;
      histogram[value] = (histogram[value] as number) + 1;
    }
  };
  // Bytes before the first whole word of the buffer; too few pixels for a word after them: counted one by one.
  const head = (4 - (pixels.byteOffset % 4)) % 4;
  if (pixels.length - head < 4) {
    count(0, pixels.length);
    return histogram;
  }
  const words = new Uint32Array(pixels.buffer, pixels.byteOffset + head, (pixels.length - head) >> 2);
  const tail = head + words.length * 4;
  let black = 0;
  let white = 0;
  count(0, head);
  for (let i = 0; i < words.length; i += 1) {
    const word = words[i] as number;
    if (word === 0xffffffff) white += 4;
    else if (word === 0) black += 4;
    else count(head + i * 4, head + i * 4 + 4);
  }
  count(tail, pixels.length);
  histogram[0] = (histogram[0] as number) + black;
  histogram[255] = (histogram[255] as number) + white;
  return histogram;
}

export interface Box {
  readonly left: number;
  readonly top: number;
  readonly right: number;
  readonly bottom: number;
}

/**
 * The smallest box holding every dark pixel. Only the margins are read: the first dark row from the top and from the
 * bottom, then in each row between, the pixels left of the leftmost dark one found so far (and right of the
 * rightmost): a code's light border, not the code.
 */
export function darkBoundingBox(grey: GreyImage, threshold: number): Box | undefined {
  const { width, height, pixels } = grey;
  const firstDark = (row: number, from: number, to: number): number => {
    for (let x = from; x < to; x += 1) if ((pixels[row * width + x] as number) < threshold) return x;
    return -1;
  };
  const lastDark = (row: number, from: number, to: number): number => {
    for (let x = to - 1; x >= from; x -= 1) if ((pixels[row * width + x] as number) < threshold) return x;
    return -1;
  };
  let top = 0;
  while (top < height && firstDark(top, 0, width) < 0) top += 1;
  if (top === height) return undefined;
  let bottom = height - 1;
  while (firstDark(bottom, 0, width) < 0) bottom -= 1;
  let left = width;
  let right = -1;
  for (let y = top; y <= bottom; y += 1) {
    const first = firstDark(y, 0, left);
    if (first >= 0) left = first;
    const last = lastDark(y, right + 1, width);
    if (last >= 0) right = last;
  }
  return { left, top, right, bottom };
}
