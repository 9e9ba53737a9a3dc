import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { isDrawable, renderCodeTextPng } from '../../src/qr/code-text.js';

/** The dark pixels of each character cell, as a string, to compare glyphs. */
async function cells(png: Buffer, count: number): Promise<string[]> {
  const { data, info } = await sharp(png).greyscale().raw().toBuffer({ resolveWithObject: true });
  const dot = 12;
  const margin = 48;
  const out: string[] = [];
  for (let c = 0; c < count; c += 1) {
    let bits = '';
    for (let row = 0; row < 7; row += 1) {
      for (let col = 0; col < 5; col += 1) {
        const x = margin + c * 6 * dot + col * dot + dot / 2;
        const y = margin + row * dot + dot / 2;
        bits += (data[y * info.width + x] ?? 255) < 128 ? '#' : '.';
      }
    }
    out.push(bits);
  }
  return out;
}

describe('renderCodeTextPng', () => {
  it('draws every character of a pairing code, each one distinct, on an opaque white image wide enough to read', async () => {
    const alphabet = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ-';
    expect([...alphabet].every(isDrawable)).toBe(true);
    const glyphs: string[] = [];
    // A code is at most 16 characters: draw the alphabet in pieces.
    for (const piece of alphabet.match(/.{1,16}/g) ?? []) {
      const png = await renderCodeTextPng(piece);
      const meta = await sharp(png).metadata();
      expect(meta.format).toBe('png');
      expect(meta.width).toBeGreaterThan(meta.height ?? 0);
      glyphs.push(...(await cells(png, piece.length)));
    }
    expect(new Set(glyphs).size).toBe(alphabet.length);
    expect(glyphs.every((g) => g.includes('#'))).toBe(true);
  });

  it('is the same image for the same code in any case, and a different one for another code', async () => {
    const a = await renderCodeTextPng('abcd-efgh');
    expect((await renderCodeTextPng('ABCD-EFGH')).equals(a)).toBe(true);
    expect((await renderCodeTextPng('ABCD-EFGK')).equals(a)).toBe(false);
  });
});
