import { STATUS_CODES } from 'node:http';

/**
 * The error family of the Wasend client. Callers branch on classes (`instanceof`), never on messages.
 * Messages name the method and path (`Wasend GET /sessions/abc/qr: 404 Not Found (session not found)`)
 * and never contain the API key.
 */

/** Where a failed call was going; both are absent only for errors raised before a request was built. */
export interface WasendErrorContext {
  readonly method?: string;
  /** Request path as sent (session id percent-encoded), without the base URL. */
  readonly path?: string;
  readonly cause?: unknown;
}

/** Base of every error the Wasend client throws. */
export class WasendError extends Error {
  override readonly name: string = 'WasendError';
  readonly method?: string;
  readonly path?: string;

  constructor(message: string, context: WasendErrorContext = {}) {
    super(message, context.cause === undefined ? undefined : { cause: context.cause });
    this.method = context.method;
    this.path = context.path;
  }
}

export interface WasendApiErrorInit {
  readonly status: number;
  readonly method: string;
  readonly path: string;
  /** `Retry-After` as sent by the server, in milliseconds (uncapped). */
  readonly retryAfterMs?: number;
  /** The message found in the error body (already free of secrets), if any. */
  readonly serverMessage?: string;
}

/** Wasend answered with a non-2xx status. Use {@link createWasendApiError} to get the subclass for a status. */
export class WasendApiError extends WasendError {
  override readonly name: string = 'WasendApiError';
  readonly status: number;
  override readonly method: string;
  override readonly path: string;
  /** `Retry-After` as sent by the server, in milliseconds (not capped by the client's `maxRetryDelayMs`). */
  readonly retryAfterMs?: number;
  /** First message string of the error body, or its raw text truncated to 200 characters. */
  readonly serverMessage?: string;

  constructor(init: WasendApiErrorInit) {
    const statusText = STATUS_CODES[init.status] ?? 'Unknown Status';
    const detail = init.serverMessage ? ` (${init.serverMessage})` : '';
    super(`Wasend ${init.method} ${init.path}: ${init.status} ${statusText}${detail}`, init);
    this.status = init.status;
    this.method = init.method;
    this.path = init.path;
    this.retryAfterMs = init.retryAfterMs;
    this.serverMessage = init.serverMessage;
  }
}

/** 401 / 403: the API key is wrong or lacks rights. Never retried. */
export class WasendAuthError extends WasendApiError {
  override readonly name: string = 'WasendAuthError';
}

/** 404: the session does not exist (after the QR path fallback). */
export class WasendNotFoundError extends WasendApiError {
  override readonly name: string = 'WasendNotFoundError';
}

/** 409: the session is already connected (Wasend docs). */
export class WasendConflictError extends WasendApiError {
  override readonly name: string = 'WasendConflictError';
}

/** 422: the session is not in a state that has a QR (WAHA). */
export class WasendNotReadyError extends WasendApiError {
  override readonly name: string = 'WasendNotReadyError';
}

/** 429: rate limited; `retryAfterMs` holds the server's `Retry-After` when sent. */
export class WasendRateLimitError extends WasendApiError {
  override readonly name: string = 'WasendRateLimitError';
}

/** 5xx: Wasend failed; transient. */
export class WasendServerError extends WasendApiError {
  override readonly name: string = 'WasendServerError';
}

/** The one place that maps a status to its error class. */
export function createWasendApiError(init: WasendApiErrorInit): WasendApiError {
  const { status } = init;
  if (status === 401 || status === 403) return new WasendAuthError(init);
  if (status === 404) return new WasendNotFoundError(init);
  if (status === 409) return new WasendConflictError(init);
  if (status === 422) return new WasendNotReadyError(init);
  if (status === 429) return new WasendRateLimitError(init);
  if (status >= 500 && status <= 599) return new WasendServerError(init);
  return new WasendApiError(init);
}

/** The request never got an HTTP answer: connection refused or reset, DNS failure, body cut off. `cause` holds the low-level error. */
export class WasendNetworkError extends WasendError {
  override readonly name: string = 'WasendNetworkError';
  override readonly method: string;
  override readonly path: string;

  constructor(init: { method: string; path: string; cause: unknown }) {
    super(`Wasend ${init.method} ${init.path}: network error (${describeCause(init.cause)})`, init);
    this.method = init.method;
    this.path = init.path;
  }
}

/** One attempt took longer than the client's `timeoutMs` (headers and body together). */
export class WasendTimeoutError extends WasendError {
  override readonly name: string = 'WasendTimeoutError';
  override readonly method: string;
  override readonly path: string;
  /** The per-attempt limit that was exceeded, in milliseconds. */
  readonly timeoutMs: number;

  constructor(init: { method: string; path: string; timeoutMs: number }) {
    super(`Wasend ${init.method} ${init.path}: no complete answer within ${init.timeoutMs} ms`, init);
    this.method = init.method;
    this.path = init.path;
    this.timeoutMs = init.timeoutMs;
  }
}

/**
 * Why a 2xx answer could not be used:
 * - `not_json`: the body is not JSON
 * - `schema`: JSON, but not a shape we know
 * - `too_large`: the body is larger than `maxBodyBytes`
 * - `unusable_qr`: a QR answer that holds neither an image nor a pairing string
 * - `no_route`: the server has no QR route at all (both paths answer a router 404)
 */
export type InvalidResponseReason = 'not_json' | 'schema' | 'too_large' | 'unusable_qr' | 'no_route';

/** Wasend answered, but the answer cannot be used. Not an HTTP error and never retried. */
export class WasendInvalidResponseError extends WasendError {
  override readonly name: string = 'WasendInvalidResponseError';
  override readonly method: string;
  override readonly path: string;
  readonly reason: InvalidResponseReason;
  /** HTTP status of the unusable answer. */
  readonly status: number;

  constructor(init: { method: string; path: string; status: number; reason: InvalidResponseReason; detail: string }) {
    super(`Wasend ${init.method} ${init.path}: unusable ${init.status} answer (${init.detail})`, init);
    this.method = init.method;
    this.path = init.path;
    this.reason = init.reason;
    this.status = init.status;
  }
}

/**
 * The server has no such endpoint (a router 404, 405 or 501): a feature WAHA has and this Wasend server does
 * not offer, such as pairing codes. Not a missing session.
 */
export class WasendNotOfferedError extends WasendError {
  override readonly name: string = 'WasendNotOfferedError';
  override readonly method: string;
  override readonly path: string;
  readonly status: number;

  constructor(init: { method: string; path: string; status: number }) {
    super(`Wasend ${init.method} ${init.path}: not offered by this server (${init.status})`, init);
    this.method = init.method;
    this.path = init.path;
    this.status = init.status;
  }
}

/**
 * The gateway refuses to create another session because of its edition: WAHA Core before 2026.6 runs only the
 * session `default`. Said in words, not as a failure of the gateway.
 */
export class GatewaySessionLimitError extends WasendError {
  override readonly name: string = 'GatewaySessionLimitError';
  constructor(init: { method: string; path: string }) {
    super(`${init.method} ${init.path}: this gateway edition runs only the session "default"`);
  }
}

/** A session id that cannot be sent as one path segment; thrown before any request is made. */
export class InvalidSessionIdError extends WasendError {
  override readonly name: string = 'InvalidSessionIdError';
  /** The rejected id (ids are not secret). */
  readonly sessionId: string;

  constructor(sessionId: string, problem: string) {
    const shown = sessionId.length > 40 ? `${sessionId.slice(0, 40)}…` : sessionId;
    super(`Invalid Wasend session id ${JSON.stringify(shown)}: ${problem}`);
    this.sessionId = sessionId;
  }
}

/**
 * Why a request failed on the wire, in a word where there is one: the socket code (`ECONNREFUSED`) of the error or
 * of what it wraps, else the innermost message. Walks `cause` (undici wraps the socket error:
 * `TypeError('fetch failed', { cause: Error{ code: 'ECONNREFUSED' } })`) and grammY's `HttpError.error`.
 */
export function describeCause(cause: unknown): string {
  let current: unknown = cause;
  for (let depth = 0; depth < 5 && current instanceof Error; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    const next: unknown = current.cause ?? (current as { error?: unknown }).error;
    if (next === undefined) return current.message;
    current = next;
  }
  return cause instanceof Error ? cause.message : String(cause);
}

/**
 * A background call (a rotation look or a status-feed tick) was turned away because the request budget had no
 * token at hand: it was never sent. The caller tries again on its own schedule; `retryInMs` is the wait until
 * the next token.
 */
export class BudgetSkippedError extends WasendError {
  override readonly name: string = 'BudgetSkippedError';
  readonly lane: string;
  readonly retryInMs: number;

  constructor(lane: string, retryInMs: number) {
    super(`Wasend request budget is short: ${lane} call skipped (next token in ${retryInMs} ms)`);
    this.lane = lane;
    this.retryInMs = retryInMs;
  }
}

/** A 404, 405 or 501 on `GET /sessions` means this server has no list endpoint. */
export function isListingUnsupported(error: unknown): boolean {
  return error instanceof WasendApiError && [404, 405, 501].includes(error.status);
}
