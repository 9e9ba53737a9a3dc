import {
  InvalidSessionIdError,
  WasendAuthError,
  WasendConflictError,
  WasendInvalidResponseError,
  WasendNetworkError,
  WasendNotFoundError,
  WasendNotReadyError,
  WasendRateLimitError,
  WasendServerError,
  WasendTimeoutError,
} from '../wasend/errors.js';

/**
 * What a failed Wasend call means for a live QR:
 * `connected` (409), `not_ready` (422), `not_found` (404 or an impossible id), `rate_limited` (429),
 * `auth` (401/403), `down` (network, timeout, 5xx), `invalid_response` (an answer we cannot use),
 * `other` (any other status or an unexpected error).
 */
export type WasendFailure = 'connected' | 'not_ready' | 'not_found' | 'rate_limited' | 'auth' | 'down' | 'invalid_response' | 'other';

export function classifyWasendError(error: unknown): WasendFailure {
  if (error instanceof WasendConflictError) return 'connected';
  if (error instanceof WasendNotReadyError) return 'not_ready';
  if (error instanceof WasendNotFoundError || error instanceof InvalidSessionIdError) return 'not_found';
  if (error instanceof WasendRateLimitError) return 'rate_limited';
  if (error instanceof WasendAuthError) return 'auth';
  if (error instanceof WasendServerError || error instanceof WasendNetworkError || error instanceof WasendTimeoutError) {
    return 'down';
  }
  if (error instanceof WasendInvalidResponseError) return 'invalid_response';
  return 'other';
}

/** `Retry-After` of a 429, in ms, when Wasend sent one. */
export function retryAfterOf(error: unknown): number | undefined {
  return error instanceof WasendRateLimitError ? error.retryAfterMs : undefined;
}
