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

/** Which Wasend calls go first when the request budget is tight: live QR watches before health checks. */
export type RequestPriority = 'live' | 'background';

export interface RequestOptions {
  readonly priority?: RequestPriority;
  readonly signal?: AbortSignal;
}

/**
 * A shared budget for all Wasend calls (issue 5). The client awaits `acquire` before every attempt and
 * calls `penalize` when Wasend answers 429, so one rate limit slows every caller down.
 */
export interface RequestBudget {
  acquire(priority: RequestPriority, signal?: AbortSignal): Promise<void>;
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
