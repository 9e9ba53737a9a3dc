import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { renderPlaceholderPng } from '../../src/qr/placeholder.js';
import type { PlaceholderKind } from '../../src/qr/placeholder.js';
import { decodeQrPng } from '../support/decode-qr.js';

const KINDS: PlaceholderKind[] = ['connected', 'expired', 'cancelled', 'waiting'];

describe('renderPlaceholderPng', () => {
  it.each(KINDS)('draws an opaque 512x512 PNG with no scannable code for %s', async (kind) => {
    const png = await renderPlaceholderPng(kind);
    const meta = await sharp(png).metadata();
    expect(meta.format).toBe('png');
    expect([meta.width, meta.height]).toEqual([512, 512]);
    const { data, info } = await sharp(png).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
    let minAlpha = 255;
    for (let i = info.channels - 1; i < data.length; i += info.channels) minAlpha = Math.min(minAlpha, data[i] ?? 0);
    expect(minAlpha).toBe(255);
    expect(await decodeQrPng(png)).toBeNull();
    expect(await decodeQrPng(png, { background: 'black' })).toBeNull();
  });

  it('draws each kind differently and only once', async () => {
    const first = await Promise.all(KINDS.map((kind) => renderPlaceholderPng(kind)));
    expect(new Set(first.map((png) => png.toString('base64'))).size).toBe(KINDS.length);
    const again = await Promise.all(KINDS.map((kind) => renderPlaceholderPng(kind)));
    again.forEach((png, i) => expect(png).toBe(first[i]));
  });
});
