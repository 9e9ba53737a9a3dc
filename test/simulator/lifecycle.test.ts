import { describe, expect, it } from 'vitest';
import { createTiming, rotatePhase, startPhase, toVocabulary, viewAt } from '../../src/simulator/lifecycle.js';
import type { Phase } from '../../src/simulator/lifecycle.js';

describe('WAHA lifecycle as a function of time', () => {
  const timing = createTiming(2_000, 1);
  const t0 = 1_000_000;

  it('runs STARTING, six codes (60 s then 20 s each), then FAILED', () => {
    const phase = startPhase(timing, t0, false);
    const seen: string[] = [];
    for (let at = t0; at <= t0 + 200_000; at += 500) {
      const view = viewAt(phase, timing, at);
      const label = view.codeIndex > 0 ? `${view.status}#${view.codeIndex}` : view.status;
      if (seen.at(-1) !== label) seen.push(label);
    }
    expect(seen).toEqual([
      'STARTING',
      'SCAN_QR_CODE#1',
      'SCAN_QR_CODE#2',
      'SCAN_QR_CODE#3',
      'SCAN_QR_CODE#4',
      'SCAN_QR_CODE#5',
      'SCAN_QR_CODE#6',
      'FAILED',
    ]);
    expect(viewAt(phase, timing, t0 + 2_000 + 59_999)).toMatchObject({ codeIndex: 1, expiresAt: t0 + 62_000 });
    expect(viewAt(phase, timing, t0 + 62_000)).toMatchObject({ codeIndex: 2, expiresAt: t0 + 82_000 });
    expect(viewAt(phase, timing, t0 + 162_000 - 1)).toMatchObject({ codeIndex: 6, nextStatusChangeAt: t0 + 162_000 });
    expect(viewAt(phase, timing, t0 + 162_000).status).toBe('FAILED');
  });

  it('divides every duration by the speed factor', () => {
    const fast = createTiming(2_000, 100);
    const phase = startPhase(fast, t0, false);
    expect(viewAt(phase, fast, t0 + 19).status).toBe('STARTING');
    expect(viewAt(phase, fast, t0 + 20)).toMatchObject({ status: 'SCAN_QR_CODE', codeIndex: 1, expiresAt: t0 + 620 });
    expect(viewAt(phase, fast, t0 + 1_620).status).toBe('FAILED');
  });

  it('boots a linked session straight to WORKING without codes', () => {
    const phase = startPhase(timing, t0, true);
    expect(viewAt(phase, timing, t0 + 1).status).toBe('STARTING');
    expect(viewAt(phase, timing, t0 + 2_000)).toMatchObject({ status: 'WORKING', codeIndex: 0, nextStatusChangeAt: null });
  });

  it('rotates to the next code now, and past the sixth to FAILED', () => {
    let phase: Phase = startPhase(timing, t0, false);
    const indexes: number[] = [];
    for (let step = 0; step < 6; step += 1) {
      const next = rotatePhase(phase, timing, t0 + step);
      if (!next) throw new Error('rotation refused');
      phase = next;
      indexes.push(viewAt(phase, timing, t0 + step).codeIndex);
    }
    expect(indexes).toEqual([1, 2, 3, 4, 5, 6]);
    expect(viewAt(phase, timing, t0 + 6).expiresAt).toBe(t0 + 5 + 20_000);
    const last = rotatePhase(phase, timing, t0 + 6);
    expect(last && viewAt(last, timing, t0 + 6).status).toBe('FAILED');
    expect(rotatePhase({ kind: 'idle', status: 'STOPPED' }, timing, t0)).toBeUndefined();
  });

  it('speaks the Wasend vocabulary when asked', () => {
    expect(toVocabulary('SCAN_QR_CODE', 'wasend')).toBe('STARTING');
    expect(toVocabulary('WORKING', 'wasend')).toBe('CONNECTED');
    expect(toVocabulary('FAILED', 'wasend')).toBe('ERROR');
    expect(toVocabulary('STOPPED', 'wasend')).toBe('STOPPED');
    expect(toVocabulary('SCAN_QR_CODE', 'waha')).toBe('SCAN_QR_CODE');
  });
});
