/** An image from the gateway, decoded to one grey byte per pixel, flattened onto white. */
import sharp from 'sharp';
import { MAX_INPUT_PIXELS, QrRenderError } from './errors.js';
import { decodePlainPng, type PngSamples } from './png-decode.js';

export interface GreyImage {
  readonly width: number;
  readonly height: number;
  /** One byte per pixel, 0 = black. */
  readonly pixels: Uint8Array;
}

/**
 * A plain PNG (8-bit, not interlaced, no palette: what QR libraries draw) is decoded on this thread by
 * {@link decodePlainPng}: sharp costs three to four times as much for an image this small (`npm run bench -- qr-render`).
 * Anything else, and a PNG that it does not read, goes to sharp, whose verdict stands.
 */
export async function decodeGreyscale(bytes: Buffer): Promise<GreyImage> {
  const plain = decodePlainPng(bytes, MAX_INPUT_PIXELS);
  return plain === undefined ? decodeWithSharp(bytes) : greyOverWhite(plain);
}

/** Samples to grey (Rec. 709 luma) over white: what sharp's `flatten` onto white, then `greyscale`, draws. */
export function greyOverWhite(image: PngSamples): GreyImage {
  const { width, height, channels, samples } = image;
  const pixels = new Uint8Array(width * height);
  const count = pixels.length;
  if (channels === 1) pixels.set(samples);
  else if (channels === 2) for (let i = 0, p = 0; i < count; i += 1, p += 2) pixels[i] = overWhite(samples[p] as number, samples[p + 1] as number);
  else if (channels === 3) for (let i = 0, p = 0; i < count; i += 1, p += 3) pixels[i] = luma(samples, p);
  else if (samples.byteOffset % 4 !== 0) for (let i = 0, p = 0; i < count; i += 1, p += 4) pixels[i] = rgbaOverWhite(samples, p);
  else rgbaWordsOverWhite(samples, pixels);
  return { width, height, pixels };
}

/**
 * Nearly every pixel of a QR code is opaque black or opaque white: one 32-bit compare each, the same values.
 * A function of its own, the loop and nothing after it: V8 compiles a long loop while it runs (on-stack
 * replacement), and code after it that had never run would throw that compiled code away on every call.
 */
function rgbaWordsOverWhite(samples: Uint8Array, pixels: Uint8Array): void {
  const words = new Uint32Array(samples.buffer, samples.byteOffset, pixels.length);
  for (let i = 0; i < pixels.length; i += 1) {
    const word = words[i] as number;
    pixels[i] = word === OPAQUE_WHITE ? 255 : word === OPAQUE_BLACK ? 0 : rgbaOverWhite(samples, i * 4);
  }
}

/** The bytes 255 255 255 255 and 0 0 0 255 read as one word, in this machine's byte order. */
const OPAQUE_WHITE = 0xffffffff;
const OPAQUE_BLACK = new Uint32Array(Uint8Array.of(0, 0, 0, 255).buffer)[0] as number;

const rgbaOverWhite = (samples: Uint8Array, p: number): number => overWhite(luma(samples, p), samples[p + 3] as number);

const luma = (samples: Uint8Array, p: number): number =>
  (54 * (samples[p] as number) + 183 * (samples[p + 1] as number) + 19 * (samples[p + 2] as number)) >> 8;

/** `value` at opacity `alpha` (0-255) over white, rounded. */
const overWhite = (value: number, alpha: number): number => (alpha === 255 ? value : 255 - ((((255 - value) * alpha + 127) / 255) | 0));

/** sharp's decode, for every image {@link decodeGreyscale} does not read itself (exported for the bench). */
export async function decodeWithSharp(bytes: Buffer): Promise<GreyImage> {
  try {
    const { data, info } = await sharp(bytes, {
      limitInputPixels: MAX_INPUT_PIXELS,
      failOn: 'truncated',
      autoOrient: true,
    })
      .flatten({ background: '#ffffff' })
      .greyscale()
      .raw({ depth: 'uchar' })
      .toBuffer({ resolveWithObject: true });
    if (info.channels === 1) return { width: info.width, height: info.height, pixels: data };
    const pixels = new Uint8Array(info.width * info.height);
    for (let i = 0; i < pixels.length; i += 1) pixels[i] = data[i * info.channels] as number;
    return { width: info.width, height: info.height, pixels };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (/pixel limit/i.test(message)) {
      throw new QrRenderError('too_large', `QR image has more than ${MAX_INPUT_PIXELS} pixels`, { cause: error });
    }
    if (/unsupported image format/i.test(message)) {
      throw new QrRenderError('not_image', 'QR payload is not a supported image', { cause: error });
    }
    throw new QrRenderError('unreadable', 'QR image is corrupt or truncated', { cause: error });
  }
}
