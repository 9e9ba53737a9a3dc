/**
 * The plain PNG a QR library draws (the `qrcode` package's: 8-bit RGBA, not interlaced), decoded here: inflate
 * is zlib's, the rest is one pass over the rows. For such an image this takes a third to a quarter of sharp's time
 * (`npm run bench -- qr-render`). Anything else is not read here (undefined): sharp decodes it.
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

/**
 * PNG's five row filters undone (the spec's section 7.3); undefined for an unknown one. One function over flat
 * offsets into typed arrays of one type: no view made per row, every access monomorphic.
 */
function unfilter(inflated: Buffer, stride: number, height: number, bpp: number): Uint8Array | undefined {
  const raw = new Uint8Array(inflated.buffer, inflated.byteOffset, inflated.byteLength);
  const out = new Uint8Array(stride * height);
  // Up, the filter a QR library's rows mostly use, adds four bytes at a time where rows are whole words: the row is
  // copied to a word-aligned scratch line first (rows of the inflated data start one byte after their filter byte).
  const outWords = stride % 4 === 0 ? new Uint32Array(out.buffer) : undefined;
  const line = new Uint8Array(outWords === undefined ? 0 : stride);
  const lineWords = new Uint32Array(line.buffer);
  for (let y = 0; y < height; y += 1) {
    const filter = raw[y * (stride + 1)] as number;
    const src = y * (stride + 1) + 1;
    const dst = y * stride;
    // On the first row the row above is all zeros: Up is a copy, Paeth is Sub, Average adds half of the left byte.
    const top = y === 0;
    const up = dst - stride;
    if (filter === 0 || (filter === 2 && top)) {
      out.set(raw.subarray(src, src + stride), dst);
    } else if (filter === 1 || (filter === 4 && top)) {
      for (let x = 0; x < bpp; x += 1) out[dst + x] = raw[src + x] as number;
      for (let x = bpp; x < stride; x += 1) out[dst + x] = (raw[src + x] as number) + (out[dst + x - bpp] as number);
    } else if (filter === 2 && outWords !== undefined) {
      line.set(raw.subarray(src, src + stride));
      addBytewise(outWords, dst >> 2, lineWords, up >> 2, stride >> 2);
    } else if (filter === 2) {
      for (let x = 0; x < stride; x += 1) out[dst + x] = (raw[src + x] as number) + (out[up + x] as number);
    } else if (filter === 3) {
      for (let x = 0; x < stride; x += 1) {
        const left = x < bpp ? 0 : (out[dst + x - bpp] as number);
        out[dst + x] = (raw[src + x] as number) + ((left + (top ? 0 : (out[up + x] as number))) >> 1);
      }
    } else if (filter === 4) {
      for (let x = 0; x < bpp; x += 1) out[dst + x] = (raw[src + x] as number) + (out[up + x] as number);
      for (let x = bpp; x < stride; x += 1) {
        out[dst + x] = (raw[src + x] as number) + paeth(out[dst + x - bpp] as number, out[up + x] as number, out[up + x - bpp] as number);
      }
    } else return undefined;
  }
  return out;
}

/**
 * `out[at + i] = line[i] + out[from + i]` for `count` words, each of its four bytes added on its own, modulo 256
 * (the low seven bits of each byte added, then the top bits put back without a carry between bytes).
 */
function addBytewise(out: Uint32Array, at: number, line: Uint32Array, from: number, count: number): void {
  for (let i = 0; i < count; i += 1) {
    const a = line[i] as number;
    const b = out[from + i] as number;
    out[at + i] = ((a & 0x7f7f7f7f) + (b & 0x7f7f7f7f)) ^ ((a ^ b) & 0x80808080);
  }
}

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  if (pa <= pb && pa <= pc) return a;
  return pb <= pc ? b : c;
}
