import { createHash, randomBytes } from 'node:crypto';
import { deflateSync } from 'node:zlib';
import fc from 'fast-check';
import QRCode from 'qrcode';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { encodeBitmapPng, QrRenderError, renderQrPng } from '../../src/qr/render.js';
import { pngChunk } from '../../src/qr/png.js';
import type { QrRenderFailure } from '../../src/qr/render.js';
import { decodeQrPng } from '../support/decode-qr.js';

function base64Of(seed: string, bytes: number): string {
  return createHash('sha512').update(seed).digest().subarray(0, bytes).toString('base64');
}

/** A pairing string shaped like WhatsApp's, about 120 characters. */
function pairingString(seed: string): string {
  return `2@${base64Of(`${seed}:ref`, 30)},${base64Of(`${seed}:k1`, 18)},${base64Of(`${seed}:k2`, 18)},${base64Of(`${seed}:k3`, 18)}`;
}

const CODE = pairingString('one');

/** What a phone and Telegram would see: format, size, opacity, colours and the quiet zone. */
async function expectCleanQr(png: Buffer, expected: string): Promise<void> {
  const meta = await sharp(png).metadata();
  expect(meta.format).toBe('png');
  expect(meta.width).toBeGreaterThanOrEqual(512);

  const { data, info } = await sharp(png).raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
  const colourChannels = info.channels === 2 || info.channels === 4 ? info.channels - 1 : info.channels;
  const dark = new Uint8Array(info.width * info.height);
  const problems = new Set<string>();
  for (let i = 0; i < dark.length; i += 1) {
    const at = i * info.channels;
    const value = data[at];
    if (value !== 0 && value !== 255) problems.add(`grey pixel ${value} (smoothed)`);
    for (let c = 1; c < colourChannels; c += 1) if (data[at + c] !== value) problems.add('coloured pixel');
    if (colourChannels < info.channels && data[at + colourChannels] !== 255) problems.add('transparent pixel');
    dark[i] = value === 0 ? 1 : 0;
  }
  expect([...problems]).toEqual([]);

  let left = info.width;
  let right = -1;
  let top = info.height;
  let bottom = -1;
  for (let y = 0; y < info.height; y += 1) {
    for (let x = 0; x < info.width; x += 1) {
      if (dark[y * info.width + x] !== 1) continue;
      left = Math.min(left, x);
      right = Math.max(right, x);
      top = Math.min(top, y);
      bottom = Math.max(bottom, y);
    }
  }
  // The top-left finder's top edge is 7 modules of dark.
  let run = 0;
  while (dark[top * info.width + left + run] === 1) run += 1;
  const modulePx = run / 7;
  expect(modulePx).toBeGreaterThanOrEqual(1);
  expect(left).toBeGreaterThanOrEqual(4 * modulePx);
  expect(top).toBeGreaterThanOrEqual(4 * modulePx);
  expect(info.width - 1 - right).toBeGreaterThanOrEqual(4 * modulePx);
  expect(info.height - 1 - bottom).toBeGreaterThanOrEqual(4 * modulePx);

  expect(await decodeQrPng(png)).toBe(expected);
  expect(await decodeQrPng(png, { background: 'black' })).toBe(expected);
}

async function expectRejection(promise: Promise<unknown>, reason: QrRenderFailure): Promise<QrRenderError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(QrRenderError);
  const renderError = error as QrRenderError;
  expect(renderError.name).toBe('QrRenderError');
  expect(renderError.reason).toBe(reason);
  expect(renderError.message.length).toBeGreaterThan(10);
  return renderError;
}

function render(bytes: Buffer): Promise<Buffer> {
  return renderQrPng({ kind: 'image', bytes });
}

describe('renderQrPng: images from Wasend', () => {
  it('renders a bare base64 PNG (decoded to bytes) to a clean, large code', async () => {
    const base64 = (await QRCode.toBuffer(CODE, { errorCorrectionLevel: 'M' })).toString('base64');
    await expectCleanQr(await render(Buffer.from(base64, 'base64')), CODE);
  });

  it('scales a small (200 px), smoothed image up to at least 512 px with sharp edges', async () => {
    const small = await sharp(await QRCode.toBuffer(CODE, { errorCorrectionLevel: 'M', scale: 8 }))
      .resize(200)
      .png()
      .toBuffer();
    expect((await sharp(small).metadata()).width).toBe(200);
    await expectCleanQr(await render(small), CODE);
  });

  it('puts a transparent PNG on white, so it scans even where Telegram shows it on black', async () => {
    const transparent = await QRCode.toBuffer(CODE, {
      errorCorrectionLevel: 'M',
      color: { dark: '#000000ff', light: '#00000000' },
    });
    expect(await decodeQrPng(transparent)).toBe(CODE);
    expect(await decodeQrPng(transparent, { background: 'black' })).toBeNull();
    await expectCleanQr(await render(transparent), CODE);
  });

  it('cleans up a low-quality JPEG', async () => {
    const jpeg = await sharp(await QRCode.toBuffer(CODE, { errorCorrectionLevel: 'M', scale: 5 }))
      .resize(310)
      .jpeg({ quality: 35 })
      .toBuffer();
    await expectCleanQr(await render(jpeg), CODE);
  });

  it('accepts WebP, GIF, one pixel per module and a code turned by 90 degrees', async () => {
    const plain = await QRCode.toBuffer(CODE, { errorCorrectionLevel: 'M' });
    const inputs = [
      await sharp(plain).webp({ quality: 80 }).toBuffer(),
      await sharp(plain).gif().toBuffer(),
      await QRCode.toBuffer(CODE, { errorCorrectionLevel: 'M', scale: 1 }),
      await sharp(plain).rotate(90).png().toBuffer(),
    ];
    for (const input of inputs) await expectCleanQr(await render(input), CODE);
  });

  it('still renders a scannable opaque image when the code has a caption under it', async () => {
    const plain = await QRCode.toBuffer(CODE, { errorCorrectionLevel: 'M', scale: 4 });
    const width = (await sharp(plain).metadata()).width ?? 0;
    const captioned = await sharp(plain)
      .extend({ bottom: 40, background: '#ffffff' })
      .composite([{ input: { create: { width: width - 40, height: 14, channels: 3, background: '#333333' } }, left: 20, top: width + 10 }])
      .png()
      .toBuffer();
    const png = await render(captioned);
    const meta = await sharp(png).metadata();
    expect(meta.width).toBeGreaterThanOrEqual(512);
    expect(meta.hasAlpha).toBe(false);
    expect(await decodeQrPng(png, { background: 'black' })).toBe(CODE);
  });
});

describe('renderQrPng: raw pairing strings', () => {
  it.each([1, 20, 120, 250, 600, 1000])('encodes a %i-character string', async (length) => {
    const value = `2@${base64Of(`len${length}`, 64).repeat(20)}`.slice(0, length);
    expect(value).toHaveLength(length);
    await expectCleanQr(await renderQrPng({ kind: 'raw', value }), value);
  });

  it('encodes any printable pairing-like string exactly', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ minLength: 1, maxLength: 200, unit: fc.constantFrom(...'2@,+/=abcXYZ019 ') }), async (value) => {
        fc.pre(value.trim().length > 0);
        expect(await decodeQrPng(await renderQrPng({ kind: 'raw', value }))).toBe(value);
      }),
      { numRuns: 15 },
    );
  });

  it.each([
    ['empty', ''],
    ['only whitespace', ' \n\t '],
    ['5000 characters', 'x'.repeat(5000)],
    ['too many bytes for a QR code', '€'.repeat(1000)],
  ])('refuses a raw string that is %s', async (_label, value) => {
    await expectRejection(renderQrPng({ kind: 'raw', value }), 'invalid_raw');
  });
});

function pngWithHeader(width: number, height: number): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 1;
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', header),
    pngChunk('IDAT', deflateSync(Buffer.alloc(4096))),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

describe('renderQrPng: garbage', () => {
  it('refuses bytes that are no image', async () => {
    await expectRejection(render(Buffer.alloc(0)), 'not_image');
    await expectRejection(render(createHash('sha512').update('noise').digest()), 'not_image');
    await expectRejection(render(Buffer.from('{"error":"session not found"}')), 'not_image');
    await expectRejection(render(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="9" height="9"/>')), 'not_image');
  });

  it('refuses a truncated or corrupt image', async () => {
    const png = await QRCode.toBuffer(CODE);
    await expectRejection(render(png.subarray(0, Math.floor(png.length / 2))), 'unreadable');
    const jpeg = await sharp(png).jpeg().toBuffer();
    await expectRejection(render(jpeg.subarray(0, Math.floor(jpeg.length / 2))), 'unreadable');
    await expectRejection(render(Buffer.concat([png.subarray(0, 8), randomBytes(500)])), 'unreadable');
  });

  it('refuses a decompression bomb from its header, without decoding it', async () => {
    const error = await expectRejection(render(pngWithHeader(20_000, 20_000)), 'too_large');
    expect(error.message).not.toMatch(/vips|libpng/i);
  });

  it('refuses real images that are too large', async () => {
    const huge = encodeBitmapPng({ width: 5000, height: 5000, dark: new Uint8Array(5000 * 5000) }, 0, 1);
    expect((await sharp(huge).metadata()).width).toBe(5000);
    await expectRejection(render(huge), 'too_large');
    const wide = encodeBitmapPng({ width: 6000, height: 8, dark: new Uint8Array(6000 * 8).fill(1, 0, 3000) }, 0, 1);
    await expectRejection(render(wide), 'too_large');
  });

  it('refuses an image with nothing on it', async () => {
    for (const background of ['#ffffff', '#000000', '#00000000']) {
      const blank = await sharp({ create: { width: 300, height: 300, channels: 4, background } })
        .png()
        .toBuffer();
      await expectRejection(render(blank), 'unreadable');
    }
  });

  it('never throws anything but QrRenderError, whatever the bytes', async () => {
    const signatures = [Buffer.alloc(0), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from([0xff, 0xd8, 0xff])];
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...signatures), fc.uint8Array({ maxLength: 2000 }), async (prefix, rest) => {
        const outcome = await render(Buffer.concat([prefix, rest])).then(
          (png) => png,
          (error: unknown) => error,
        );
        if (!Buffer.isBuffer(outcome)) expect(outcome).toBeInstanceOf(QrRenderError);
      }),
      { numRuns: 150 },
    );
  });
});
