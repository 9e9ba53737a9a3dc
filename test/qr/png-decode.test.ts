import fc from 'fast-check';
import QRCode from 'qrcode';
import sharp, { type PngOptions } from 'sharp';
import { crc32 } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { greyOverWhite, decodeGreyscale, decodeWithSharp } from '../../src/qr/decode.js';
import { decodePlainPng } from '../../src/qr/png-decode.js';
import { pngChunk } from '../../src/qr/png.js';

const LIMIT = 4096 * 4096;

/** Lossless PNG of `samples` by sharp (libspng, adaptive filtering: every filter type appears). */
async function pngOf(samples: Uint8Array, width: number, height: number, channels: 1 | 2 | 3 | 4, options: PngOptions = {}) {
  const input = sharp(Buffer.from(samples), { raw: { width, height, channels } });
  return (channels <= 2 ? input.toColourspace('b-w') : input).png({ adaptiveFiltering: true, ...options }).toBuffer();
}

const image = fc
  .record({ width: fc.integer({ min: 1, max: 40 }), height: fc.integer({ min: 1, max: 40 }), channels: fc.constantFrom<1 | 2 | 3 | 4>(1, 2, 3, 4) })
  .chain(({ width, height, channels }) =>
    fc.record({
      width: fc.constant(width),
      height: fc.constant(height),
      channels: fc.constant(channels),
      // Smooth runs and noise, so that every one of PNG's filters wins somewhere.
      samples: fc.uint8Array({ minLength: width * height * channels, maxLength: width * height * channels }),
      smooth: fc.boolean(),
    }),
  );

describe('the PNG decoder of the image path', () => {
  it('gives back exactly the samples sharp encoded, for any 8-bit grey, grey-alpha, RGB or RGBA image', async () => {
    await fc.assert(
      fc.asyncProperty(image, async ({ width, height, channels, samples, smooth }) => {
        if (smooth)
          for (let i = channels; i < samples.length; i += 1) samples[i] = ((samples[i - channels] as number) + ((samples[i] as number) & 3)) & 0xff;
        const png = await pngOf(samples, width, height, channels);
        const decoded = decodePlainPng(png, LIMIT);
        expect(decoded).toBeDefined();
        expect({ width: decoded!.width, height: decoded!.height, channels: decoded!.channels }).toEqual({ width, height, channels });
        expect(Buffer.from(decoded!.samples).equals(Buffer.from(samples))).toBe(true);
      }),
      { numRuns: 150 },
    );
  });

  it("reads the gateways' own QR images (the qrcode package's RGBA), to the same grey picture as sharp", async () => {
    for (const options of [
      { width: 264, margin: 4 },
      { width: 200, margin: 2 },
    ]) {
      const png = await QRCode.toBuffer('2@some,pairing,string', options);
      expect(decodePlainPng(png, LIMIT)?.channels).toBe(4);
      const ours = await decodeGreyscale(png);
      const theirs = await decodeWithSharp(png);
      expect({ width: ours.width, height: ours.height }).toEqual({ width: theirs.width, height: theirs.height });
      expect(Buffer.from(ours.pixels).equals(Buffer.from(theirs.pixels))).toBe(true);
    }
  });

  it('leaves to sharp what it does not read: palette, 16-bit, interlaced, a single transparent colour, too many pixels', async () => {
    const rgb = new Uint8Array(16 * 16 * 3).map((_, i) => (i * 37) & 0xff);
    const grey16 = await sharp(Buffer.from(new Uint8Array(16 * 16 * 2)), { raw: { width: 16, height: 16, channels: 1, premultiplied: false } })
      .toColourspace('grey16')
      .png()
      .toBuffer();
    expect(decodePlainPng(await pngOf(rgb, 16, 16, 3, { palette: true }), LIMIT)).toBeUndefined();
    expect(decodePlainPng(await pngOf(rgb, 16, 16, 3, { progressive: true }), LIMIT)).toBeUndefined();
    expect((await sharp(grey16).metadata()).depth).toBe('ushort');
    expect(decodePlainPng(grey16, LIMIT)).toBeUndefined();
    const plain = await pngOf(rgb, 16, 16, 3);
    expect(decodePlainPng(plain, 16 * 16)).toBeDefined();
    expect(decodePlainPng(plain, 16 * 16 - 1)).toBeUndefined();
    expect(decodePlainPng(withChunkBeforeIdat(plain, 'tRNS', Buffer.from([0, 0, 0, 0, 0, 0])), LIMIT)).toBeUndefined();
  });

  it('refuses a truncated PNG, one with a bad checksum, and one whose pixels are cut short', async () => {
    const rgb = new Uint8Array(32 * 32 * 3).map((_, i) => (i * 53) & 0xff);
    const png = await pngOf(rgb, 32, 32, 3);
    expect(decodePlainPng(png.subarray(0, png.length - 20), LIMIT)).toBeUndefined();
    const flipped = Buffer.from(png);
    flipped[50] = (flipped[50] as number) ^ 0x01;
    expect(decodePlainPng(flipped, LIMIT)).toBeUndefined();
    const shorter = await pngOf(rgb.subarray(0, 32 * 31 * 3), 32, 31, 3);
    expect(decodePlainPng(withHeight(shorter, 32), LIMIT)).toBeUndefined();
  });

  it('draws transparency over white, as a QR must be shown', () => {
    const pixels = [
      [0, 0, 0, 255],
      [255, 255, 255, 255],
      [0, 0, 0, 0],
      [0, 0, 0, 128],
      [255, 0, 0, 255],
    ];
    const grey = greyOverWhite({ width: pixels.length, height: 1, channels: 4, samples: Uint8Array.from(pixels.flat()) });
    expect([...grey.pixels]).toEqual([0, 255, 255, 127, 53]);
    // Samples that do not start on a word (read byte by byte) give the same picture.
    const unaligned = new Uint8Array(1 + pixels.length * 4).subarray(1);
    unaligned.set(pixels.flat());
    expect([...greyOverWhite({ width: pixels.length, height: 1, channels: 4, samples: unaligned }).pixels]).toEqual([0, 255, 255, 127, 53]);
    expect([...greyOverWhite({ width: 2, height: 1, channels: 2, samples: Uint8Array.from([0, 255, 0, 0]) }).pixels]).toEqual([0, 255]);
  });
});

/** `png` with a chunk of `type` inserted just before its first IDAT. */
function withChunkBeforeIdat(png: Buffer, type: string, data: Buffer): Buffer {
  const at = png.indexOf('IDAT') - 4;
  return Buffer.concat([png.subarray(0, at), pngChunk(type, data), png.subarray(at)]);
}

/** `png` claiming `height` rows in its header (its checksum made right again). */
function withHeight(png: Buffer, height: number): Buffer {
  const copy = Buffer.from(png);
  copy.writeUInt32BE(height, 20);
  copy.writeUInt32BE(crc32(copy.subarray(12, 29)), 29);
  return copy;
}
