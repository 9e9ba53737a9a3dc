/**
 * Shared Wasend types: what the client returns, whatever shape the server answered in.
 * Everything outside `src/wasend/` speaks only these types.
 */

/**
 * One small union for both status vocabularies (WAHA and the Wasend SDK README).
 * - `starting`: STARTING (the Wasend docs also serve a QR here)
 * - `awaiting_scan`: SCAN_QR_CODE
 * - `connected`: WORKING, CONNECTED
 * - `stopped`: STOPPED, CREATED
 * - `failed`: FAILED, ERROR (needs a restart)
 * - `passkey_required`: PASSKEY_REQUIRED (WAHA 2026.7.1: WhatsApp wants a passkey signed in a browser)
 * - `passkey_confirmation`: PASSKEY_CONFIRMATION_REQUIRED (a code to compare, then confirm)
 * - `unknown`: anything else; `raw` keeps the server's value for display
 */
export type SessionState =
  'starting' | 'awaiting_scan' | 'connected' | 'stopped' | 'failed' | 'passkey_required' | 'passkey_confirmation' | 'unknown';

const SESSION_STATES: ReadonlySet<string> = new Set<SessionState>([
  'starting',
  'awaiting_scan',
  'connected',
  'stopped',
  'failed',
  'passkey_required',
  'passkey_confirmation',
  'unknown',
]);

export function isSessionState(value: string): value is SessionState {
  return SESSION_STATES.has(value);
}

export interface SessionStatus {
  readonly state: SessionState;
  /** The status string exactly as Wasend sent it (for display and logs). */
  readonly raw: string;
}

export interface SessionInfo {
  /** The session id used in paths (`uniqueSessionId`). */
  readonly id: string;
  /** A display name when the server gave one (`sessionName`). */
  readonly name?: string;
  /** The phone number Wasend holds for the session (`phoneNumber`), as it sent it. Personal data: show it masked. */
  readonly phone?: string;
  readonly status: SessionStatus;
}

/** What `POST /sessions` needs. */
export interface NewSession {
  /** `sessionName`. */
  readonly name: string;
  /** `phoneNumber`, digits only; left out where the gateway takes none (WAHA). */
  readonly phone?: string;
}

/** `GET /account` (SDK `retrieveAccount`): every field is optional here, since servers differ. */
export interface AccountInfo {
  readonly id?: string;
  readonly name?: string;
  readonly plan?: string;
}

import type { QrPayload } from '../qr/payload.js';
export type { QrPayload };

export interface NormalizedQr {
  readonly payload: QrPayload;
  /** When this code stops working, if the server said so (ISO, epoch s and epoch ms are all normalized). */
  readonly expiresAt?: Date;
  /** Stable hex fingerprint of the code: equal for a repeat, different after a rotation. */
  readonly fingerprint: string;
}

/**
 * Which Wasend calls go first when the request budget is tight, highest first:
 * - `person`: someone is waiting for the answer (a command, a button)
 * - `rotation`: a live QR code is due to rotate (or a Wasend webhook said something changed)
 * - `link`: the status feed that learns whether a live session linked
 * - `health`: `/watch` health checks
 */
export type RequestLane = 'person' | 'rotation' | 'link' | 'health';

export interface RequestOptions {
  /** Default `health` (the lowest). */
  readonly lane?: RequestLane;
  /** Who asks (a Telegram user id): people are served round-robin by it. */
  readonly fairKey?: string;
  readonly signal?: AbortSignal;
}

/**
 * A shared budget for all Wasend calls. The client awaits `acquire` before every attempt and calls
 * `penalize` when Wasend answers 429, so one rate limit slows every caller down. `acquire` rejects with
 * `BudgetSkippedError` for the lanes that never wait.
 */
export interface RequestBudget {
  acquire(lane: RequestLane, signal?: AbortSignal, key?: string): Promise<void>;
  penalize(retryAfterMs: number | undefined): void;
}

export interface WasendApi {
  getQr: (sessionId: string, options?: RequestOptions) => Promise<NormalizedQr>;
  getSession: (sessionId: string, options?: RequestOptions) => Promise<SessionInfo>;
  listSessions: (options?: RequestOptions) => Promise<SessionInfo[]>;
  startSession: (sessionId: string, options?: RequestOptions) => Promise<void>;
  stopSession: (sessionId: string, options?: RequestOptions) => Promise<void>;
  restartSession: (sessionId: string, options?: RequestOptions) => Promise<void>;
  /** `POST /sessions`; resolves with the new session (its id is what the other calls take). */
  createSession: (input: NewSession, options?: RequestOptions) => Promise<SessionInfo>;
  /** `DELETE /sessions/{id}`. */
  deleteSession: (sessionId: string, options?: RequestOptions) => Promise<void>;
  /**
   * `POST /sessions/{id}/auth/request-code` with the phone number (digits only); resolves with the code to type
   * on the phone. Throws {@link WasendNotOfferedError} (from `errors.ts`) when the server has no such endpoint.
   */
  requestPairingCode: (sessionId: string, phoneDigits: string, options?: RequestOptions) => Promise<string>;
  /** `GET /sessions/{id}/auth/passkey/confirmation`: the code WhatsApp shows on the phone. */
  getPasskeyConfirmation: (sessionId: string, options?: RequestOptions) => Promise<string>;
  /** `POST /sessions/{id}/auth/passkey/confirm`: the person saw the same code on the phone. */
  confirmPasskey: (sessionId: string, options?: RequestOptions) => Promise<void>;
  /** `GET /account`. */
  getAccount: (options?: RequestOptions) => Promise<AccountInfo>;
}
