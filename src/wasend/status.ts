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
]);

/**
 * Maps a status from either vocabulary (WAHA: STOPPED, STARTING, SCAN_QR_CODE, WORKING, FAILED;
 * Wasend SDK: CREATED, STARTING, CONNECTED, STOPPED, ERROR) to a {@link SessionStatus}, ignoring case and
 * surrounding spaces. Anything else (PASSKEY_* included, or a non-string) is `unknown`; `raw` keeps the
 * server's string (`''` when it sent none).
 */
export function toSessionStatus(raw: unknown): SessionStatus {
  const text = typeof raw === 'string' ? raw : '';
  return { state: STATES.get(text.trim().toUpperCase()) ?? 'unknown', raw: text };
}
