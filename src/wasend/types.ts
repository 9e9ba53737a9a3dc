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
 * - `unknown`: anything else (PASSKEY_* included); `raw` keeps the server's value for display
 */
export type SessionState = 'starting' | 'awaiting_scan' | 'connected' | 'stopped' | 'failed' | 'unknown';

export interface SessionStatus {
  readonly state: SessionState;
  /** The status string exactly as Wasend sent it (for display and logs). */
  readonly raw: string;
}

export interface SessionInfo {
  /** The session id used in paths (`uniqueSessionId`). */
  readonly id: string;
  /** A display name when the server gave one. */
  readonly name?: string;
  readonly status: SessionStatus;
}

/** The QR payload: image bytes (PNG, JPEG, ... as received) or a raw pairing string (`2@...`). */
export type QrPayload =
  | { readonly kind: 'image'; readonly bytes: Buffer }
  | { readonly kind: 'raw'; readonly value: string };

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
  getQr(sessionId: string, options?: RequestOptions): Promise<NormalizedQr>;
  getSession(sessionId: string, options?: RequestOptions): Promise<SessionInfo>;
  listSessions(options?: RequestOptions): Promise<SessionInfo[]>;
  startSession(sessionId: string, options?: RequestOptions): Promise<void>;
  stopSession(sessionId: string, options?: RequestOptions): Promise<void>;
  restartSession(sessionId: string, options?: RequestOptions): Promise<void>;
}
