import QRCode from 'qrcode';
import { afterAll, describe, expect, it } from 'vitest';
import { createRenderPool } from '../../src/qr/render-pool.js';
import { QrRenderError, renderQrPng } from '../../src/qr/render.js';
import { warmUp } from '../../src/qr/render-worker.js';

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

  it('warms up in the background until the first real code is asked for, which is drawn as the main thread draws it', async () => {
    // Far more rounds than the test could wait for: the warm-up ends early only because a real code came.
    const warming = createRenderPool({ threads: 1, warmUpRounds: 100_000 });
    await warming.warm();
    const payload = { kind: 'image' as const, bytes: await QRCode.toBuffer('2@warm-pool', { errorCorrectionLevel: 'M' }) };
    expect((await warming.render(payload)).equals(await renderQrPng(payload))).toBe(true);
    expect(await warming.warmUpEnded).toBeLessThan(100_000);
    await warming.close();
  });

  it('closes cleanly while samples are still being drawn', async () => {
    const warming = createRenderPool({ threads: 1, warmUpRounds: 100_000 });
    await warming.warm();
    // Samples are still queued: closing ends them without an unhandled rejection, which fails the run.
    await warming.close();
    expect(await warming.warmUpEnded).toBeLessThan(100_000);
  });

  it("draws its sample code both ways a gateway sends one (the warm-up's own work, on this thread)", async () => {
    await expect(warmUp()).resolves.toBeUndefined();
  });
});
