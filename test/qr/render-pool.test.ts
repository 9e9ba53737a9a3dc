import QRCode from 'qrcode';
import { afterAll, describe, expect, it } from 'vitest';
import { createRenderPool } from '../../src/qr/render-pool.js';
import { QrRenderError, renderQrPng } from '../../src/qr/render.js';

const pool = createRenderPool({ threads: 1 });
afterAll(() => pool.close());

describe('the render pool', () => {
  it('draws the same PNG as the main-thread renderer, from a raw string and from an image', async () => {
    const raw = { kind: 'raw' as const, value: '2@pool-test,abc,def,ghi' };
    const image = { kind: 'image' as const, bytes: await QRCode.toBuffer('2@pool-image', { errorCorrectionLevel: 'M' }) };
    for (const payload of [raw, image]) {
      const fromPool = await pool.render(payload);
      expect(Buffer.isBuffer(fromPool)).toBe(true);
      expect(fromPool.equals(await renderQrPng(payload))).toBe(true);
    }
  });

  it('refuses an unusable payload with a QrRenderError, as the renderer does', async () => {
    const error = await pool.render({ kind: 'image', bytes: Buffer.from('<html>not an image</html>') }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(QrRenderError);
    expect((error as Error).message).toMatch(/not a PNG, JPEG, WebP or GIF/);
  });
});
