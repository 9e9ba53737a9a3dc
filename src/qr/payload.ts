/** The QR payload: image bytes (PNG, JPEG, ... as received) or a raw pairing string (`2@...`). */
export type QrPayload = { readonly kind: 'image'; readonly bytes: Buffer } | { readonly kind: 'raw'; readonly value: string };
