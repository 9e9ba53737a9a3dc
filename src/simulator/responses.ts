import { createHash } from 'node:crypto';
import type { RenderedImage } from './codes.js';

/** Every QR response shape listed in shared/wasend-api.md. */
export const QR_SHAPES = [
  'data-base64',
  'data-url',
  'wrapped-base64',
  'qrCode-expiresAt',
  'mimetype-data',
  'value-raw',
  'data-raw',
  'qrCode-raw',
  'binary',
] as const;
export type QrShape = (typeof QR_SHAPES)[number];

export const EXPIRES_AT_FORMATS = ['iso', 'epoch-s', 'epoch-ms', 'none'] as const;
export type ExpiresAtFormat = (typeof EXPIRES_AT_FORMATS)[number];

export const LIST_SHAPES = ['session', 'downstream', 'flat'] as const;
export type ListShape = (typeof LIST_SHAPES)[number];

/** What goes on the wire for one QR response. */
export type QrReply =
  { readonly kind: 'json'; readonly body: Record<string, unknown> } | { readonly kind: 'binary'; readonly mimetype: string; readonly bytes: Buffer };

export function isRawShape(shape: QrShape): boolean {
  return shape === 'value-raw' || shape === 'data-raw' || shape === 'qrCode-raw';
}

function formatExpiresAt(expiresAt: number, format: ExpiresAtFormat): string | number | undefined {
  switch (format) {
    case 'iso':
      return new Date(expiresAt).toISOString();
    case 'epoch-s':
      return Math.floor(expiresAt / 1000);
    case 'epoch-ms':
      return expiresAt;
    case 'none':
      return undefined;
  }
}

function wrap(base64: string, width: number): string {
  return (base64.match(new RegExp(`.{1,${width}}`, 'g')) ?? []).join('\n');
}

/** The raw-string shapes: the pairing string itself, to be rendered by the client. */
export function rawQrReply(shape: QrShape, code: string): QrReply {
  switch (shape) {
    case 'value-raw':
      return { kind: 'json', body: { value: code } };
    case 'qrCode-raw':
      return { kind: 'json', body: { qrCode: code } };
    default:
      return { kind: 'json', body: { data: code } };
  }
}

/** The image shapes. Raw shapes get the data-base64 form (used for bad-image faults). */
export function imageQrReply(shape: QrShape, image: RenderedImage, expiresAt: number, expiresAtFormat: ExpiresAtFormat): QrReply {
  const base64 = image.bytes.toString('base64');
  switch (shape) {
    case 'data-url':
      return { kind: 'json', body: { data: `data:${image.mimetype};base64,${base64}` } };
    case 'wrapped-base64':
      return { kind: 'json', body: { data: wrap(base64, 76) } };
    case 'qrCode-expiresAt': {
      const formatted = formatExpiresAt(expiresAt, expiresAtFormat);
      return { kind: 'json', body: formatted === undefined ? { qrCode: base64 } : { qrCode: base64, expiresAt: formatted } };
    }
    case 'mimetype-data':
      return { kind: 'json', body: { mimetype: image.mimetype, data: base64 } };
    case 'binary':
      return { kind: 'binary', mimetype: image.mimetype, bytes: image.bytes };
    default:
      return { kind: 'json', body: { data: base64 } };
  }
}

/** What the simulator keeps of a session that the list and info answers show. */
export interface SessionFacts {
  readonly id: string;
  readonly name: string;
  readonly createdAt: number;
  readonly phoneNumber?: string;
}

/** The SDK's `SessionDetails`: the documented fields (`uniqueSessionId`, `sessionName`, `phoneNumber`, ...). */
export function sessionDetails(session: SessionFacts): Record<string, unknown> {
  const at = new Date(session.createdAt).toISOString();
  return {
    id: createHash('sha1').update(session.id).digest('hex').slice(0, 24),
    uniqueSessionId: session.id,
    userId: 'user_sim',
    sessionName: session.name,
    phoneNumber: session.phoneNumber ?? '',
    enableAccountProtection: false,
    enableMessageLogging: false,
    enableWebhook: false,
    createdAt: at,
    updatedAt: at,
  };
}

/** The SDK's `DownstreamInfo` (WAHA's own view of the session). */
function downstream(session: SessionFacts, status: string): Record<string, unknown> {
  return {
    name: session.id,
    status,
    config: {
      metadata: { userId: 'user_sim', userEmail: 'sim@example.invalid' },
      proxy: null,
      debug: false,
      noweb: { markOnline: true, store: { enabled: false, fullSync: false } },
      webhooks: [],
    },
    engine: { grpc: { client: 'READY', stream: 'READY' }, gows: { found: true, connected: status === 'WORKING' } },
  };
}

/**
 * One item of `GET /sessions`, with the status where `listShape` puts it: `session` (docs:
 * `sessions[].session.status`), `downstream` (the SDK's `SessionListItem`: `{ session, downstream }`), or `flat`
 * (README: the fields and the status on the item).
 */
export function sessionItem(session: SessionFacts, status: string, listShape: ListShape): Record<string, unknown> {
  const details = sessionDetails(session);
  switch (listShape) {
    case 'session':
      return { session: { ...details, status } };
    case 'downstream':
      return { session: details, downstream: downstream(session, status) };
    case 'flat':
      return { ...details, status };
  }
}

/** `GET /sessions/{id}`, `POST /sessions` and the actions: the SDK's `Session` (details, name, status, config, engine). */
export function sessionBody(session: SessionFacts, status: string): Record<string, unknown> {
  const { config, engine } = downstream(session, status);
  return { ...sessionDetails(session), name: session.id, status, config, engine };
}
