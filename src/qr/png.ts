/** PNG output: a module grid or a binary image drawn black on white, scaled without smoothing. */
import { crc32, deflateSync } from 'node:zlib';
import { MIN_OUTPUT_WIDTH_PX, QUIET_ZONE_MODULES } from './errors.js';

/** A binary image, one byte per cell: 1 = dark, 0 = light. */
export interface Bitmap {
  readonly width: number;
  readonly height: number;
  readonly dark: Uint8Array;
}

export function encodeModuleMatrix(matrix: Bitmap): Buffer {
  const scale = Math.ceil(MIN_OUTPUT_WIDTH_PX / (matrix.width + 2 * QUIET_ZONE_MODULES));
  return encodeBitmapPng(matrix, QUIET_ZONE_MODULES, scale);
}

export const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/**
 * Encodes `bitmap` with a light border of `border` cells, every cell drawn as `scale` x `scale`
 * pixels, as a 1-bit greyscale PNG (no alpha, so it is opaque by construction).
 * `deflateLevel` (zlib 0-9, default 1: size hardly matters, speed does) is exposed for the benchmark.
 */
export function encodeBitmapPng(bitmap: Bitmap, border: number, scale: number, deflateLevel = 1): Buffer {
  const width = (bitmap.width + 2 * border) * scale;
  const height = (bitmap.height + 2 * border) * scale;
  const stride = 1 + Math.ceil(width / 8);
  // Every scanline repeats the one above (PNG filter 2, "Up": all zero bytes, nearly free to deflate)
  // except the first of each band of cells and of each border, spelled out with filter 0.
  const scanlines = Buffer.alloc(stride * height);
  for (let y = 0; y < height; y += 1) scanlines[y * stride] = 2;
  const spellOut = (y: number, cellY: number | undefined): void => {
    const first = y * stride;
    scanlines[first] = 0;
    scanlines.fill(0xff, first + 1, first + stride);
    if (cellY === undefined) return;
    for (let cellX = 0; cellX < bitmap.width; cellX += 1) {
      if (bitmap.dark[cellY * bitmap.width + cellX] !== 1) continue;
      const x0 = (border + cellX) * scale;
      for (let x = x0; x < x0 + scale; x += 1) {
        const at = first + 1 + (x >> 3);
        scanlines[at] = (scanlines[at] as number) & ~(0x80 >> (x & 7));
      }
    }
  };
  spellOut(0, undefined);
  for (let cellY = 0; cellY < bitmap.height; cellY += 1) spellOut((border + cellY) * scale, cellY);
  if (border > 0) spellOut((border + bitmap.height) * scale, undefined);

  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 1; // bit depth
  header[9] = 0; // colour type: greyscale
  return Buffer.concat([
    PNG_SIGNATURE,
    pngChunk('IHDR', header),
    pngChunk('IDAT', deflateSync(scanlines, { level: deflateLevel })),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

/** One PNG chunk: length, type, data and its CRC. */
export function pngChunk(type: string, data: Buffer): Buffer {
  const chunk = Buffer.alloc(12 + data.length);
  chunk.writeUInt32BE(data.length, 0);
  chunk.write(type, 4, 'latin1');
  data.copy(chunk, 8);
  chunk.writeUInt32BE(crc32(chunk.subarray(4, 8 + data.length)), 8 + data.length);
  return chunk;
}
