/** The simulator's public types: what a test or the CLI passes in and reads back, and a session's inner record. */
import { z } from 'zod';
import type { ImageStyle } from './codes.js';
import type { Phase, Vocabulary, WahaStatus } from './lifecycle.js';
import { EXPIRES_AT_FORMATS, LIST_SHAPES, QR_SHAPES } from './responses.js';
import type { ExpiresAtFormat, ListShape, QrShape } from './responses.js';
import type { SimWebhookOptions } from './webhook.js';

export type { ExpiresAtFormat, ListShape, QrShape } from './responses.js';
export { QR_SHAPES } from './responses.js';
export type { ImageStyle } from './codes.js';
export type { WahaStatus } from './lifecycle.js';
export type { SimWebhookOptions } from './webhook.js';

/** A session to seed or add. Only `id` is required. */
export interface SimSessionSpec {
  /** The `uniqueSessionId` used in paths. */
  id: string;
  /** Display name; defaults to the id. */
  name?: string;
  /** Initial WAHA status, default `STOPPED`. `SCAN_QR_CODE` starts at code 1 now; `STARTING` runs the STARTING phase first. */
  status?: 'STOPPED' | 'WORKING' | 'SCAN_QR_CODE' | 'STARTING' | 'FAILED';
  /** Which status words the server speaks for this session, default `waha`. */
  vocabulary?: Vocabulary;
  /** Shape of the QR response, default `data-base64`. */
  qrShape?: QrShape;
  /** How the QR image is drawn, default `plain` (about 264 px PNG). */
  imageStyle?: ImageStyle;
  /** Format of `expiresAt` in the `qrCode-expiresAt` shape, default `iso`. */
  expiresAtFormat?: ExpiresAtFormat;
  /** Where the status sits in list items, default `session` (`sessions[].session.status`). */
  listShape?: ListShape;
  /** For `SCAN_QR_CODE`: how long (simulated ms) its series has been running, default 0 (code 1 starts now). */
  seriesAgeMs?: number;
  /** The number Wasend holds for the session (`phoneNumber`), as a person would type it. */
  phoneNumber?: string;
}

export interface SimulatorOptions {
  /** The key expected in `Authorization: Bearer <apiKey>`. */
  apiKey: string;
  /** Default `127.0.0.1`. */
  host?: string;
  /** Default 0 (a free port). */
  port?: number;
  /** Time factor: 10 runs every lifecycle duration ten times faster. Default 1. */
  speed?: number;
  /** Length of the STARTING phase before the first code, in ms before scaling. Default 2000. */
  startingMs?: number;
  /** Which QR paths exist: `/sessions/:id/qr`, `/sessions/:id/auth/qr` or both (default). */
  qrPaths?: 'both' | 'qr-only' | 'auth-only';
  sessions?: SimSessionSpec[];
  /** Post WAHA `session.status` events on every status transition (and, as WAHA, at every new code). */
  webhook?: SimWebhookOptions;
  /**
   * Which gateway it answers as: `wasend` (default: `/sessions`, Bearer) or self-hosted `waha` (`/api/...`,
   * `X-Api-Key`, a bare-array list that leaves STOPPED sessions out unless `?all=true`, the QR as a binary PNG unless
   * `Accept` is exactly `application/json`, `format=raw`).
   */
  gateway?: 'wasend' | 'waha' | 'evolution';
  /** Evolution 2.4: every business route answers `503 LICENSE_REQUIRED` until the instance is activated. */
  licenseRequired?: boolean;
  /**
   * Whether `POST /sessions/{id}/auth/request-code` exists (WAHA has it, Wasend's docs do not). Default true;
   * false answers it with a router 404, as a server without the endpoint does.
   */
  pairingCodes?: boolean;
  /**
   * WAHA waits this long (real ms) for a STARTING session to show its first code before a QR path answers 422.
   * Default 1000.
   */
  qrWaitMs?: number;
}

export interface SimSessionState {
  /** The status as the server reports it for this session (its vocabulary). */
  readonly status: string;
  /** The same in the WAHA vocabulary. */
  readonly wahaStatus: WahaStatus;
  /** The pairing string being served now, or null when there is no code. */
  readonly code: string | null;
  /** 1..6 while a code is served, else 0. */
  readonly codeIndex: number;
  /** How many series (start/restart) the session went through; 0 before the first. */
  readonly series: number;
  /** When the current code stops being served (ms epoch), or null. */
  readonly expiresAt: number | null;
  /** Whether a phone is linked: a linked session restarts to WORKING without a QR (stop keeps it, logout clears it). */
  readonly linked: boolean;
  /** The pairing code asked last in this series (what the phone must type), or null. */
  readonly pairingCode: string | null;
  /** The number that code was asked for (digits), or null. */
  readonly pairingPhone: string | null;
  /** How many pairing codes were asked for this session. */
  readonly pairingRequests: number;
  /** The passkey confirmation code while `PASSKEY_CONFIRMATION_REQUIRED`, else null. */
  readonly passkeyCode: string | null;
}

/**
 * A fault for the next API responses. `path` limits it to request paths containing that substring.
 * `slow` delays and then answers normally; `huge` streams a 200 JSON body of `bytes` bytes without a length;
 * `bad-image` only hits a QR response that has a code: `truncated` (default) sends the first half of the image,
 * `not-image` sends bytes that are no image at all.
 */
export type SimFault = (
  | { kind: 'status'; status: number; retryAfter?: string; body?: string }
  | { kind: 'slow'; delayMs: number }
  | { kind: 'garbage' }
  | { kind: 'reset' }
  | { kind: 'huge'; bytes: number }
  | { kind: 'bad-image'; variant?: 'truncated' | 'not-image' }
) & { path?: string };

export interface SimRequestRecord {
  readonly method: string;
  /** The path without the query string. */
  readonly path: string;
  /** The query string with its `?`, or `''`. */
  readonly query: string;
  /** Arrival time, ms epoch. */
  readonly at: number;
  /** The status sent; 0 when the connection was reset or no answer was sent. */
  status: number;
}

export interface WasendSimulator {
  /** Base URL to give the client, e.g. `http://127.0.0.1:41234` (no trailing slash). */
  readonly url: string;
  close(): Promise<void>;
  /** Throws when the spec is invalid or the id already exists. */
  addSession(spec: SimSessionSpec): void;
  state(id: string): SimSessionState | undefined;
  /** The phone scanned: WORKING (CONNECTED), linked. */
  scan(id: string): void;
  /** FAILED (ERROR), as after the last code. */
  fail(id: string): void;
  /** STOPPED and unlinked: the next start needs a QR again. */
  logout(id: string): void;
  /** Serve the next code now (STARTING -> code 1, code 6 -> FAILED). Throws when no series is running. */
  rotate(id: string): void;
  /**
   * The phone typed a pairing code: links the session when it is the code last asked for (and the session still
   * links), else nothing. Returns whether it linked.
   */
  enterCode(id: string, code: string): boolean;
  /** WhatsApp asks for a passkey: `required` (PASSKEY_REQUIRED) or `confirmation` (PASSKEY_CONFIRMATION_REQUIRED, with a code). */
  passkey(id: string, step: 'required' | 'confirmation'): void;
  /** Turns `POST .../auth/request-code` on or off (off: a router 404). */
  setPairingCodes(enabled: boolean): void;
  /**
   * Draws ahead of time every code each session can still serve in its series (and in the next one for a
   * stopped or failed session), so that a benchmark's fake costs nothing when the bot asks. Resolves with the
   * number of images drawn.
   */
  prerender(): Promise<number>;
  /** Apply `fault` to the next `count` (default 1) matching API responses; faults queue in order. */
  injectFaults(fault: SimFault, count?: number): void;
  /**
   * Stops the simulated clock: no code ages and no series runs out until {@link resumeClock}. For tests that
   * wait for the bot to catch up (a takeover on a loaded machine) without racing WhatsApp's schedule.
   */
  pauseClock(): void;
  /** Starts the clock again; every code carries on from where it stopped. */
  resumeClock(): void;
  /** Every API request (not `/_sim/`), in arrival order (the last 100k or so). */
  readonly requests: SimRequestRecord[];
  resetRequests(): void;
}

const INITIAL_STATUSES = ['STOPPED', 'WORKING', 'SCAN_QR_CODE', 'STARTING', 'FAILED'] as const;

export const specSchema = z.strictObject({
  id: z.string().min(1).max(512),
  name: z.string().optional(),
  status: z.enum(INITIAL_STATUSES).optional(),
  vocabulary: z.enum(['waha', 'wasend']).optional(),
  qrShape: z.enum(QR_SHAPES).optional(),
  imageStyle: z.enum(['plain', 'small', 'transparent', 'jpeg']).optional(),
  expiresAtFormat: z.enum(EXPIRES_AT_FORMATS).optional(),
  listShape: z.enum(LIST_SHAPES).optional(),
  seriesAgeMs: z.number().min(0).optional(),
  phoneNumber: z
    .string()
    .regex(/^\+?\d{8,15}$/)
    .optional(),
});

export const faultSchema = z.intersection(
  z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('status'), status: z.int().min(100).max(599), retryAfter: z.string().optional(), body: z.string().optional() }),
    z.object({ kind: z.literal('slow'), delayMs: z.number().min(0) }),
    z.object({ kind: z.literal('garbage') }),
    z.object({ kind: z.literal('reset') }),
    z.object({ kind: z.literal('huge'), bytes: z.int().min(0) }),
    z.object({ kind: z.literal('bad-image'), variant: z.enum(['truncated', 'not-image']).optional() }),
  ]),
  z.object({ path: z.string().optional() }),
);

export const faultRequestSchema = z.object({ fault: faultSchema, count: z.int().min(1).optional() });

export interface SessionRecord {
  readonly id: string;
  readonly name: string;
  readonly createdAt: number;
  readonly phoneNumber?: string;
  readonly vocabulary: Vocabulary;
  readonly qrShape: QrShape;
  readonly imageStyle: ImageStyle;
  readonly expiresAtFormat: ExpiresAtFormat;
  readonly listShape: ListShape;
  linked: boolean;
  series: number;
  phase: Phase;
  /** Webhook bookkeeping: the last status (and code) announced and when the session was last looked at. */
  announced: WahaStatus;
  announcedCode: number;
  checkedAt: number;
  timer: NodeJS.Timeout | undefined;
  /** The pairing code asked last, for the series it was asked in. */
  pairing: { code: string; phone: string; series: number } | null;
  pairingRequests: number;
  passkeyCode: string | null;
}
