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

/**
 * One practice round: a code shaped like WhatsApp's drawn as a gateway draws it (the `qrcode` package's PNG), then
 * redrawn as the bot draws it, from that image and from the string. Until V8 has compiled the image path's pixel
 * loops, a code costs this thread several times its usual 2 ms; rounds run before the first burst pay for that.
 */
export async function practice(round: number): Promise<number> {
  const value = `2@practice-${round}-${'x'.repeat(60 + (round % 7))},${'k'.repeat(44)},${'i'.repeat(44)},${'a'.repeat(44)}`;
  const image = await QRCode.toBuffer(value, { errorCorrectionLevel: 'M', width: 264, margin: 4 });
  const drawn = await Promise.all([renderQrPng({ kind: 'image', bytes: image }), renderQrPng({ kind: 'raw', value })]);
  return drawn.length;
}
