import { createHash } from 'node:crypto';
import { isRecord } from '../shared/is-record.js';
import type { NormalizedQr, QrPayload } from './types.js';

/** Longest pairing string a QR code can hold (version 40, level L, byte mode), in bytes. */
export const MAX_RAW_QR_BYTES = 2953;

// Epoch values below this are seconds (1e11 s is the year 5138; 1e11 ms is March 1973).
const EPOCH_SECONDS_BELOW = 1e11;

export type QrParseResult =
  { readonly ok: true; readonly qr: NormalizedQr } | { readonly ok: false; readonly reason: 'not_json' | 'unusable_qr'; readonly detail: string };

type Interpretation = { readonly payload: QrPayload } | { readonly problem: string };

/**
 * Turns a 2xx answer of the QR endpoint into a {@link NormalizedQr}, whatever shape it came in:
 * image bytes (any Content-Type), or JSON `{ data }`, `{ qrCode, expiresAt }`, `{ mimetype, data }`,
 * `{ value }` (also wrapped once in `{ data: {...} }`), where each string is base64 (bare, data URL or
 * newline-wrapped) of a PNG/JPEG/GIF/WebP image, or else the raw pairing string (`2@...`).
 */
export function parseQrResponse(body: Buffer, contentType: string | undefined): QrParseResult {
  if (isImageBytes(body)) return success({ kind: 'image', bytes: body }, undefined);

  const mime = (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (mime.startsWith('image/')) {
    const decoded = decodeBase64Image(body.toString('latin1'));
    if (decoded) return success({ kind: 'image', bytes: decoded }, undefined);
    return { ok: false, reason: 'unusable_qr', detail: `${mime} body is not a PNG, JPEG, GIF or WebP image` };
  }

  let json: unknown;
  try {
    json = JSON.parse(body.toString('utf8'));
  } catch {
    return { ok: false, reason: 'not_json', detail: 'QR body is neither an image nor JSON' };
  }
  const result = interpretJson(json);
  if ('problem' in result) return { ok: false, reason: 'unusable_qr', detail: result.problem };
  return success(result.payload, parseExpiresAt(findExpiresAt(json)));
}

/**
 * `expiresAt` as ISO 8601, epoch seconds or epoch milliseconds (number or digit string) -> Date;
 * anything missing or unparsable -> undefined.
 */
export function parseExpiresAt(value: unknown): Date | undefined {
  let ms: number;
  if (typeof value === 'number') {
    ms = value;
  } else if (typeof value === 'string' && value.trim() !== '') {
    const text = value.trim();
    ms = /^\d+(\.\d+)?$/.test(text) ? Number(text) : Number.NaN;
    if (Number.isNaN(ms)) {
      const parsed = Date.parse(text);
      return Number.isNaN(parsed) ? undefined : new Date(parsed);
    }
  } else {
    return undefined;
  }
  if (!Number.isFinite(ms) || ms <= 0) return undefined;
  const date = new Date(ms < EPOCH_SECONDS_BELOW ? ms * 1000 : ms);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/** Stable fingerprint of a payload: sha256 hex of its kind and its bytes or string. */
export function fingerprintQr(payload: QrPayload): string {
  const hash = createHash('sha256').update(payload.kind).update('\0');
  hash.update(payload.kind === 'image' ? payload.bytes : Buffer.from(payload.value, 'utf8'));
  return hash.digest('hex');
}

/** True when the bytes start with the PNG, JPEG, GIF or WebP signature. */
export function isImageBytes(bytes: Uint8Array): boolean {
  const startsWith = (signature: readonly number[], at = 0) => signature.every((byte, i) => bytes[at + i] === byte);
  return (
    startsWith([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]) ||
    startsWith([0xff, 0xd8, 0xff]) ||
    startsWith([0x47, 0x49, 0x46, 0x38]) ||
    (startsWith([0x52, 0x49, 0x46, 0x46]) && startsWith([0x57, 0x45, 0x42, 0x50], 8))
  );
}

function success(payload: QrPayload, expiresAt: Date | undefined): QrParseResult {
  const qr: NormalizedQr = { payload, fingerprint: fingerprintQr(payload), ...(expiresAt ? { expiresAt } : {}) };
  return { ok: true, qr };
}

function findExpiresAt(json: unknown): unknown {
  if (!isRecord(json)) return undefined;
  if (json.expiresAt !== undefined) return json.expiresAt;
  return isRecord(json.data) ? json.data.expiresAt : undefined;
}

function interpretJson(json: unknown): Interpretation {
  if (typeof json === 'string') return interpretString(json);
  if (!isRecord(json)) return { problem: 'QR body is JSON but not an object' };
  if (isRecord(json.data)) return interpretJson(json.data);

  if (typeof json.mimetype === 'string' && typeof json.data === 'string') {
    if (!json.mimetype.toLowerCase().startsWith('image/')) return interpretString(json.data);
    const bytes = decodeBase64Image(json.data);
    return bytes ? { payload: { kind: 'image', bytes } } : { problem: `"data" is not base64 of a ${json.mimetype} image` };
  }
  for (const field of ['qrCode', 'data', 'value'] as const) {
    const candidate = json[field];
    if (typeof candidate === 'string') return interpretString(candidate);
  }
  return { problem: 'QR body has none of "qrCode", "data", "value" as a string' };
}

function interpretString(text: string): Interpretation {
  const trimmed = text.trim();
  if (trimmed === '') return { problem: 'QR string is empty' };
  if (/^data:/i.test(trimmed)) return interpretDataUrl(trimmed);

  const image = decodeBase64Image(trimmed);
  if (image) return { payload: { kind: 'image', bytes: image } };
  // A pairing string has `@` and commas (`2@ref,key,key,key`); a long bare base64 blob is a damaged image,
  // and drawing it as a code would show a QR that WhatsApp rejects.
  if (isBase64Blob(trimmed)) return { problem: 'QR string is base64 but not of a PNG, JPEG, GIF or WebP image' };
  if (Buffer.byteLength(trimmed, 'utf8') > MAX_RAW_QR_BYTES) {
    return { problem: `QR string is neither an image nor a pairing string (${trimmed.length} characters)` };
  }
  return { payload: { kind: 'raw', value: trimmed } };
}

function interpretDataUrl(url: string): Interpretation {
  const comma = url.indexOf(',');
  if (comma < 0) return { problem: 'QR data URL has no comma' };
  const meta = url.slice(5, comma).toLowerCase();
  const content = url.slice(comma + 1);
  if (meta.split(';').includes('base64')) {
    const bytes = decodeBase64Image(content);
    return bytes ? { payload: { kind: 'image', bytes } } : { problem: `QR data URL (${meta}) is not a base64 image` };
  }
  let decoded: string;
  try {
    decoded = decodeURIComponent(content);
  } catch {
    return { problem: 'QR data URL is not percent-encoded text' };
  }
  return meta.startsWith('image/') ? { problem: 'QR data URL image is not base64' } : interpretString(decoded);
}

/** Base64 of at least 48 bytes and nothing else (no `@`, `,` or other text a pairing string has). */
function isBase64Blob(text: string): boolean {
  const compact = text.replace(/\s+/g, '');
  return compact.length >= 64 && /^[A-Za-z0-9+/]+={0,2}$/.test(compact) && compact.length % 4 === 0;
}

/** Decodes base64 (standard or URL-safe, whitespace allowed) and returns the bytes only if they are an image. */
function decodeBase64Image(text: string): Buffer | undefined {
  const compact = text.replace(/\s+/g, '');
  if (compact.length < 8 || !/^[A-Za-z0-9+/_-]+={0,2}$/.test(compact)) return undefined;
  const bytes = Buffer.from(compact, 'base64');
  return isImageBytes(bytes) ? bytes : undefined;
}
