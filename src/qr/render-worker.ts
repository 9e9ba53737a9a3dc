/** Runs in a worker thread of the render pool: one payload in, PNG bytes out (see `render-pool.ts`). */
import QRCode from 'qrcode';
import { renderQrPng } from './render.js';
import type { QrPayload } from './payload.js';

/** A payload as it crosses the thread boundary (a structured clone turns Buffers into Uint8Arrays). */
export type WirePayload = { readonly kind: 'image'; readonly bytes: Uint8Array } | { readonly kind: 'raw'; readonly value: string };

export default async function render(payload: WirePayload): Promise<Uint8Array> {
  const local: QrPayload =
    payload.kind === 'raw'
      ? payload
      : { kind: 'image', bytes: Buffer.from(payload.bytes.buffer, payload.bytes.byteOffset, payload.bytes.byteLength) };
  return renderQrPng(local);
}

/** Shaped like WhatsApp's pairing string (`2@<ref>,<three keys>`), about as long: the same QR version. */
const SAMPLE = `2@${'warm-up-'.repeat(11)},${'a'.repeat(44)},${'b'.repeat(44)},${'c'.repeat(44)}`;
let sampleImage: Promise<Buffer> | undefined;

/**
 * Draws a sample code both ways it comes: as a string (WAHA's, Evolution's) and as an image drawn by the `qrcode`
 * package (what Wasend and WAHA send). V8 compiles this thread's hot loops only after it has run them a few dozen
 * times; done while the bot is quiet, the first real codes of a busy morning find them compiled.
 */
export async function warmUp(): Promise<void> {
  sampleImage ??= QRCode.toBuffer(SAMPLE, { errorCorrectionLevel: 'M' });
  await renderQrPng({ kind: 'image', bytes: await sampleImage });
  await renderQrPng({ kind: 'raw', value: SAMPLE });
}
