import jsQRModule from 'jsqr';
import sharp from 'sharp';

const jsQR = jsQRModule.default;

/** Decodes a QR image (any format sharp reads) after compositing it onto white; null when unreadable. */
export async function decodeImage(bytes: Buffer): Promise<string | null> {
  const { data, info } = await sharp(bytes).flatten({ background: '#ffffff' }).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  const result = jsQR(new Uint8ClampedArray(data.buffer, data.byteOffset, data.length), info.width, info.height);
  return result?.data ?? null;
}
