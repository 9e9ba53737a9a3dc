import { LRUCache } from 'lru-cache';
import { createHash } from 'node:crypto';
import QRCode from 'qrcode';
import sharp from 'sharp';

/** How the simulator draws a code, to exercise every image a Wasend deployment might send. */
export type ImageStyle = 'plain' | 'small' | 'transparent' | 'jpeg';

export interface RenderedImage {
  readonly bytes: Buffer;
  readonly mimetype: 'image/png' | 'image/jpeg';
}

function digest(seed: string, part: string, bytes: number): string {
  const hash = createHash('sha512').update(seed).update('\0').update(part).digest();
  return hash.subarray(0, bytes).toString('base64');
}

/**
 * A pairing string shaped like WAHA's (`2@<ref>,<noise key>,<identity key>,<adv secret>`),
 * deterministic per (session, series, code index) so a repeat fetch returns the same code.
 */
export function pairingCode(sessionId: string, series: number, index: number): string {
  const seed = `${sessionId}\0${series}\0${index}`;
  let code = pairingCodes.get(seed);
  if (code === undefined) {
    const fields = [digest(seed, 'noise', 32), digest(seed, 'identity', 32), digest(seed, 'adv', 32)];
    code = `2@${digest(seed, 'ref', 60)},${fields.join(',')}`;
    pairingCodes.set(seed, code);
  }
  return code;
}

/** Codes already derived: every QR request and state read asks for one (four SHA-512s each), on the fakes' side of the bench. */
const pairingCodes = new LRUCache<string, string>({ max: 10_000 });

async function render(code: string, style: ImageStyle): Promise<RenderedImage> {
  switch (style) {
    case 'plain':
      return { bytes: await QRCode.toBuffer(code, { width: 264, margin: 4 }), mimetype: 'image/png' };
    case 'small':
      return { bytes: await QRCode.toBuffer(code, { width: 200, margin: 2 }), mimetype: 'image/png' };
    case 'transparent':
      return {
        bytes: await QRCode.toBuffer(code, { width: 264, margin: 4, color: { dark: '#000000ff', light: '#00000000' } }),
        mimetype: 'image/png',
      };
    case 'jpeg': {
      const png = await QRCode.toBuffer(code, { width: 264, margin: 4 });
      return { bytes: await sharp(png).jpeg({ quality: 90 }).toBuffer(), mimetype: 'image/jpeg' };
    }
  }
}

/** Renders codes to images once per (code, style); keeps the most recent `maxEntries`. */
export function createImageCache(maxEntries = 2_000): (code: string, style: ImageStyle) => Promise<RenderedImage> {
  const cache = new LRUCache<string, Promise<RenderedImage>>({ max: maxEntries });
  return (code, style) => {
    const key = `${style}\0${code}`;
    const cached = cache.get(key);
    if (cached) return cached;
    const rendering = render(code, style);
    rendering.catch(() => cache.delete(key));
    cache.set(key, rendering);
    return rendering;
  };
}
