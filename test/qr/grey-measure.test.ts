import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { darkBoundingBox, histogramOf, otsuThreshold } from '../../src/qr/grey-measure.js';

/**
 * Grey images as a gateway's QR code gives them: mostly pure black and white in runs, some grey, and pixels that
 * may start anywhere in their buffer (a decoder's output can be a slice).
 */
const greyImage = fc
  .record({ width: fc.integer({ min: 1, max: 40 }), height: fc.integer({ min: 1, max: 40 }), offset: fc.integer({ min: 0, max: 7 }) })
  .chain(({ width, height, offset }) =>
    fc.record({
      width: fc.constant(width),
      height: fc.constant(height),
      offset: fc.constant(offset),
      values: fc.array(fc.oneof(fc.constant(0), fc.constant(255), fc.integer({ min: 0, max: 255 })), {
        minLength: width * height,
        maxLength: width * height,
      }),
      run: fc.integer({ min: 1, max: 9 }),
    }),
  )
  .map(({ width, height, offset, values, run }) => {
    const buffer = new Uint8Array(offset + width * height);
    const pixels = buffer.subarray(offset);
    // Runs of the same value, as a code's modules are drawn several pixels wide.
    for (let i = 0; i < pixels.length; i += 1) pixels[i] = values[i - (i % run)] as number;
    return { width, height, pixels };
  });

function countedOneByOne(pixels: Uint8Array): number[] {
  const counts = new Array<number>(256).fill(0);
  for (const value of pixels) counts[value] = (counts[value] as number) + 1;
  return counts;
}

function boxOfEveryPixel(image: { width: number; height: number; pixels: Uint8Array }, threshold: number) {
  let box: { left: number; top: number; right: number; bottom: number } | undefined;
  for (let y = 0; y < image.height; y += 1) {
    for (let x = 0; x < image.width; x += 1) {
      if ((image.pixels[y * image.width + x] as number) >= threshold) continue;
      box = box ? { left: Math.min(box.left, x), top: box.top, right: Math.max(box.right, x), bottom: y } : { left: x, top: y, right: x, bottom: y };
    }
  }
  return box;
}

describe("measuring a gateway image's grey pixels", () => {
  it('counts every grey value exactly, wherever the pixels start in their buffer', () => {
    fc.assert(
      fc.property(greyImage, ({ pixels }) => {
        expect([...histogramOf(pixels)]).toEqual(countedOneByOne(pixels));
      }),
    );
  });

  it('counts a few pixels, too few for a whole word, at every offset in their buffer', () => {
    for (let offset = 0; offset < 8; offset += 1) {
      for (let length = 0; length < 12; length += 1) {
        const pixels = new Uint8Array(offset + length).subarray(offset);
        pixels.forEach((_, i) => (pixels[i] = i % 3 === 0 ? 0 : 255));
        expect([...histogramOf(pixels)]).toEqual(countedOneByOne(pixels));
      }
    }
  });

  it('finds the box of every dark pixel, or none, as reading every pixel would', () => {
    fc.assert(
      fc.property(greyImage, fc.integer({ min: 1, max: 255 }), (image, threshold) => {
        expect(darkBoundingBox(image, threshold)).toEqual(boxOfEveryPixel(image, threshold));
      }),
    );
  });

  it('puts the threshold between the black and the white of a two-tone image, and gives none without contrast', () => {
    const pixels = Uint8Array.from({ length: 64 }, (_, i) => (i % 3 === 0 ? 20 : 230));
    const threshold = otsuThreshold(pixels)!;
    expect(threshold).toBeGreaterThan(20);
    expect(threshold).toBeLessThanOrEqual(230);
    expect(otsuThreshold(new Uint8Array(64).fill(200))).toBeUndefined();
  });
});
