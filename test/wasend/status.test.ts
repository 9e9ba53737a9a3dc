import { describe, expect, it } from 'vitest';
import { toSessionStatus } from '../../src/wasend/status.js';

describe('toSessionStatus', () => {
  it.each([
    ['STOPPED', 'stopped'],
    ['STARTING', 'starting'],
    ['SCAN_QR_CODE', 'awaiting_scan'],
    ['WORKING', 'connected'],
    ['FAILED', 'failed'],
    ['CREATED', 'stopped'],
    ['CONNECTED', 'connected'],
    ['ERROR', 'failed'],
    ['working', 'connected'],
    [' Scan_Qr_Code ', 'awaiting_scan'],
    ['PASSKEY_REQUIRED', 'passkey_required'],
    ['PASSKEY_CONFIRMATION_REQUIRED', 'passkey_confirmation'],
    ['SLEEPING', 'unknown'],
    ['', 'unknown'],
  ])('%j -> %s, keeping the raw value', (raw, state) => {
    expect(toSessionStatus(raw)).toEqual({ state, raw });
  });

  it.each([undefined, null, 3, { status: 'WORKING' }, ['WORKING']])('non-string %j -> unknown with raw ""', (raw) => {
    expect(toSessionStatus(raw)).toEqual({ state: 'unknown', raw: '' });
  });

  it('does not treat prototype keys as statuses', () => {
    expect(toSessionStatus('constructor').state).toBe('unknown');
    expect(toSessionStatus('__proto__').state).toBe('unknown');
  });
});
