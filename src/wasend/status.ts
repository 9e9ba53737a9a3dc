import type { SessionState, SessionStatus } from './types.js';

const STATES: ReadonlyMap<string, SessionState> = new Map<string, SessionState>([
  ['STARTING', 'starting'],
  ['SCAN_QR_CODE', 'awaiting_scan'],
  ['WORKING', 'connected'],
  ['CONNECTED', 'connected'],
  ['STOPPED', 'stopped'],
  ['CREATED', 'stopped'],
  ['FAILED', 'failed'],
  ['ERROR', 'failed'],
  ['PASSKEY_REQUIRED', 'passkey_required'],
  ['PASSKEY_CONFIRMATION_REQUIRED', 'passkey_confirmation'],
]);

/**
 * Maps a status from either vocabulary (WAHA: STOPPED, STARTING, SCAN_QR_CODE, WORKING, FAILED;
 * Wasend SDK: CREATED, STARTING, CONNECTED, STOPPED, ERROR; WAHA 2026.7.1: PASSKEY_REQUIRED,
 * PASSKEY_CONFIRMATION_REQUIRED) to a {@link SessionStatus}, ignoring case and surrounding spaces. Anything else (or a non-string) is `unknown`; `raw` keeps the
 * server's string (`''` when it sent none).
 */
export function toSessionStatus(raw: unknown): SessionStatus {
  const text = typeof raw === 'string' ? raw : '';
  return { state: STATES.get(text.trim().toUpperCase()) ?? 'unknown', raw: text };
}
