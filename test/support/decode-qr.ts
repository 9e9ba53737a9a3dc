import jsQRModule from 'jsqr';
import sharp from 'sharp';

const jsQR = jsQRModule.default;

/**
 * Decodes the QR code shown in an image (any format sharp reads), the way a phone camera would
 * see it on the given background: transparent pixels are flattened onto `background` first
 * (default `'white'`; `'black'` shows what a dark Telegram client would show).
 * Returns the decoded text, or null when no code is found.
 */
export async function decodeQrPng(png: Buffer, options: { background?: 'white' | 'black' } = {}): Promise<string | null> {
  const background = options.background === 'black' ? '#000000' : '#ffffff';
  const { data, info } = await sharp(png)
    .flatten({ background })
    .toColourspace('srgb')
    .ensureAlpha()
    .raw({ depth: 'uchar' })
    .toBuffer({ resolveWithObject: true });
  if (info.channels !== 4) throw new Error(`decodeQrPng: expected RGBA pixels, got ${info.channels} channels`);
  const pixels = new Uint8ClampedArray(data.buffer, data.byteOffset, data.length);
  return jsQR(pixels, info.width, info.height)?.data ?? null;
}
