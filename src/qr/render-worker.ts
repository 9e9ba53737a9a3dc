/** Runs in a worker thread of the render pool: one payload in, PNG bytes out (see `render-pool.ts`). */
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
