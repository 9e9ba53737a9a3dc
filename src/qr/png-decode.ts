/**
 * The plain PNG a QR library draws (the `qrcode` package's: 8-bit RGBA, not interlaced), decoded here: inflate
 * is zlib's, the rest is one pass over the rows. For such an image this takes about half of pngjs's time and a third
 * of sharp's (`npm run bench -- qr-render`). Anything else is not read here (undefined): sharp decodes it.
 */
import { crc32, inflateSync } from 'node:zlib';
import { PNG_SIGNATURE } from './png.js';

/** Unfiltered 8-bit samples, `channels` per pixel, rows one after the other. */
export interface PngSamples {
  readonly width: number;
  readonly height: number;
  /** 1 grey, 2 grey and alpha, 3 RGB, 4 RGBA. */
  readonly channels: 1 | 2 | 3 | 4;
  readonly samples: Uint8Array;
}

/** Colour type -> samples per pixel, for the types read here (no palette). */
const CHANNELS: Partial<Record<number, PngSamples['channels']>> = { 0: 1, 4: 2, 2: 3, 6: 4 };

/**
 * Reads a non-interlaced 8-bit greyscale, grey-alpha, RGB or RGBA PNG of at most `maxPixels`, every chunk's CRC
 * checked; undefined for any other PNG, and for one that is truncated or corrupt.
 */
export function decodePlainPng(bytes: Buffer, maxPixels: number): PngSamples | undefined {
  if (bytes.length < 8 || !bytes.subarray(0, 8).equals(PNG_SIGNATURE)) return undefined;
  let header: { width: number; height: number; channels: PngSamples['channels'] } | undefined;
  const data: Buffer[] = [];
  for (let at = 8; ;) {
    if (at + 12 > bytes.length) return undefined;
    const length = bytes.readUInt32BE(at);
    const end = at + 12 + length;
    if (length > 0x7fffffff || end > bytes.length) return undefined;
    const type = bytes.toString('latin1', at + 4, at + 8);
    const body = bytes.subarray(at + 8, at + 8 + length);
    if (crc32(bytes.subarray(at + 4, at + 8 + length)) !== bytes.readUInt32BE(at + 8 + length)) return undefined;
    if (type === 'IHDR') {
      const width = body.readUInt32BE(0);
      const height = body.readUInt32BE(4);
      const channels = CHANNELS[body[9] as number];
      // Bit depth 8, compression 0, filter 0, no interlace.
      if (length !== 13 || body[8] !== 8 || channels === undefined || body[10] !== 0 || body[11] !== 0 || body[12] !== 0) return undefined;
      if (width === 0 || height === 0 || width * height > maxPixels) return undefined;
      header = { width, height, channels };
    } else if (header === undefined) return undefined;
    else if (type === 'IDAT') data.push(body);
    // A single transparent colour, or a palette, changes what the samples mean: left to sharp.
    else if (type === 'tRNS' || type === 'PLTE') return undefined;
    else if (type === 'IEND') break;
    at = end;
  }
  if (header === undefined) return undefined;
  const stride = header.width * header.channels;
  const expected = (stride + 1) * header.height;
  let raw: Buffer;
  try {
    raw = inflateSync(Buffer.concat(data), { maxOutputLength: expected });
  } catch {
    return undefined;
  }
  if (raw.length !== expected) return undefined;
  const samples = unfilter(raw, stride, header.height, header.channels);
  return samples === undefined ? undefined : { ...header, samples };
}

/** PNG's five row filters undone (the spec's section 7.3), a small function per filter; undefined for an unknown one. */
function unfilter(inflated: Buffer, stride: number, height: number, bpp: number): Uint8Array | undefined {
  // One array type for every access below (a Buffer beside plain Uint8Arrays makes them polymorphic, and slow).
  const raw = new Uint8Array(inflated.buffer, inflated.byteOffset, inflated.byteLength);
  const out = new Uint8Array(stride * height);
  const zeros = new Uint8Array(stride);
  for (let y = 0; y < height; y += 1) {
    const line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    const row = out.subarray(y * stride, (y + 1) * stride);
    const up = y > 0 ? out.subarray((y - 1) * stride, y * stride) : zeros;
    const filter = FILTERS[raw[y * (stride + 1)] as number];
    if (filter === undefined) return undefined;
    filter(line, row, up, bpp);
  }
  return out;
}

type Filter = (line: Uint8Array, row: Uint8Array, up: Uint8Array, bpp: number) => void;

const FILTERS: readonly Filter[] = [
  (line, row) => row.set(line),
  (line, row, _up, bpp) => {
    row.set(line.subarray(0, bpp));
    for (let x = bpp; x < row.length; x += 1) row[x] = (line[x] as number) + (row[x - bpp] as number);
  },
  (line, row, up) => {
    for (let x = 0; x < row.length; x += 1) row[x] = (line[x] as number) + (up[x] as number);
  },
  (line, row, up, bpp) => {
    for (let x = 0; x < bpp; x += 1) row[x] = (line[x] as number) + ((up[x] as number) >> 1);
    for (let x = bpp; x < row.length; x += 1) row[x] = (line[x] as number) + (((row[x - bpp] as number) + (up[x] as number)) >> 1);
  },
  (line, row, up, bpp) => {
    for (let x = 0; x < bpp; x += 1) row[x] = (line[x] as number) + (up[x] as number);
    for (let x = bpp; x < row.length; x += 1) {
      row[x] = (line[x] as number) + paeth(row[x - bpp] as number, up[x] as number, up[x - bpp] as number);
    }
  },
];

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  if (pa <= pb && pa <= pc) return a;
  return pb <= pc ? b : c;
}
