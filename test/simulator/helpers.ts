import jsQRModule from 'jsqr';
import sharp from 'sharp';

const jsQR = jsQRModule.default;

/** Decodes a QR image (any format sharp reads) after compositing it onto white; null when unreadable. */
export async function decodeImage(bytes: Buffer): Promise<string | null> {
  const { data, info } = await sharp(bytes).flatten({ background: '#ffffff' }).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  const result = jsQR(new Uint8ClampedArray(data.buffer, data.byteOffset, data.length), info.width, info.height);
  return result?.data ?? null;
}

/** Polls `check` until it returns something truthy. */
export async function waitFor<T>(
  check: () => T | undefined | false | Promise<T | undefined | false>,
  description: string,
  timeoutMs = 5_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${description}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
