import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  codeExpiry,
  errorBackoffMs,
  expectedRotationAt,
  FIRST_CODE_LIFETIME_MS,
  latestRotationAt,
  NEXT_CODE_LIFETIME_MS,
  nextLookAt,
  nextLookDelay,
  ROTATION_MARGIN_MS,
  SPLIT_WINDOW_MS,
  type LookSchedule,
} from '../../src/live/schedule.js';

const poll = { pollIntervalMs: 2_000 };
const T = 1_000_000;

const schedule = (patch: Partial<LookSchedule>): LookSchedule => ({
  lastLookAt: T,
  expectedRotationAt: null,
  latestRotationAt: null,
  staleLooks: 0,
  retryAt: null,
  ...patch,
});

describe('expectedRotationAt', () => {
  it('uses the expiry Wasend sent, plus a small margin', () => {
    expect(expectedRotationAt({ expiresAt: T + 15_000, bornAfter: T - 5_000, firstOfSeries: true })).toBe(T + 15_000 + ROTATION_MARGIN_MS);
  });

  it('follows WAHA: the first code of a series we started lives 60 s', () => {
    expect(expectedRotationAt({ expiresAt: null, bornAfter: T, firstOfSeries: true })).toBe(T + 60_000 + ROTATION_MARGIN_MS);
    expect(FIRST_CODE_LIFETIME_MS).toBe(60_000);
  });

  it('follows WAHA: every later code lives 20 s from when it appeared', () => {
    expect(expectedRotationAt({ expiresAt: null, bornAfter: T, firstOfSeries: false })).toBe(T + 20_000 + ROTATION_MARGIN_MS);
    expect(NEXT_CODE_LIFETIME_MS).toBe(20_000);
  });

  it('knows nothing about a code that was already there at the first look', () => {
    expect(expectedRotationAt({ expiresAt: null, bornAfter: null, firstOfSeries: false })).toBeNull();
  });
});

describe('codeExpiry', () => {
  it("is Wasend's expiry when sent, else the latest expected rotation as an estimate, else unknown", () => {
    expect(codeExpiry({ expiresAt: T, bornAfter: null, firstOfSeries: false })).toEqual({ at: T, estimated: false });
    expect(codeExpiry({ expiresAt: null, bornAfter: T - 3_000, seenAt: T, firstOfSeries: false })).toEqual({
      at: T + NEXT_CODE_LIFETIME_MS,
      estimated: true,
    });
    expect(codeExpiry({ expiresAt: null, bornAfter: null, seenAt: T, firstOfSeries: false })).toBeNull();
    expect(codeExpiry({ expiresAt: null, bornAfter: T, firstOfSeries: true })).toBeNull();
  });
});

describe('nextLookDelay', () => {
  it('looks at once when it never looked', () => {
    expect(nextLookDelay(schedule({ lastLookAt: null }), T, poll)).toBe(0);
  });

  it('looks right at the expected rotation when it comes before the poll interval', () => {
    expect(nextLookDelay(schedule({ expectedRotationAt: T + 700 }), T, poll)).toBe(700);
  });

  it('never waits longer than the poll interval while a code is live', () => {
    expect(nextLookDelay(schedule({ expectedRotationAt: T + 15_000 }), T, poll)).toBe(2_000);
    expect(nextLookDelay(schedule({ expectedRotationAt: null }), T + 500, poll)).toBe(1_500);
  });

  it('stretches the gap to the link poll interval only while the rotation time is known, and keeps the rotation look', () => {
    const linkPoll = { pollIntervalMs: 2_000, linkPollIntervalMs: 6_000 };
    expect(nextLookDelay(schedule({ expectedRotationAt: T + 15_000 }), T, linkPoll)).toBe(6_000);
    expect(nextLookDelay(schedule({ expectedRotationAt: T + 4_000 }), T, linkPoll)).toBe(4_000);
    expect(nextLookDelay(schedule({ expectedRotationAt: null }), T, linkPoll)).toBe(2_000);
    expect(nextLookDelay(schedule({ expectedRotationAt: T - 100, staleLooks: 1 }), T, linkPoll)).toBeLessThanOrEqual(2_000);
  });

  it('re-looks quickly, backing off, while the code is late to rotate, up to the poll interval', () => {
    const rotation = T - 50; // the last look was at/after the expected rotation and still showed the old code
    const gaps = [1, 2, 3, 4, 5, 6, 7, 8].map((stale) => nextLookDelay(schedule({ expectedRotationAt: rotation, staleLooks: stale }), T, poll));
    expect(gaps[0]).toBe(250);
    for (let i = 1; i < gaps.length; i++) expect(gaps[i]).toBeGreaterThanOrEqual(gaps[i - 1]!);
    expect(gaps.at(-1)).toBe(2_000);
    expect(Math.max(...gaps)).toBeLessThanOrEqual(2_000);
  });

  it('waits out a rate limit even when a look would otherwise be due', () => {
    expect(nextLookDelay(schedule({ expectedRotationAt: T + 100, retryAt: T + 7_000 }), T, poll)).toBe(7_000);
    expect(nextLookDelay(schedule({ lastLookAt: null, retryAt: T + 3_000 }), T, poll)).toBe(3_000);
  });

  it('is never negative when a look is overdue', () => {
    expect(nextLookDelay(schedule({}), T + 60_000, poll)).toBe(0);
  });
});

describe('picking up a rotation whose window is known', () => {
  /** Looks from `schedule` until one is at or after the real rotation; counts those made at or after the expected one. */
  function pickUp(start: LookSchedule, rotatesAt: number, pollIntervalMs: number) {
    let schedule = start;
    let looksInWindow = 0;
    for (let i = 0; i < 100; i++) {
      const at = nextLookAt(schedule, { pollIntervalMs });
      const atOrAfterExpected = schedule.expectedRotationAt !== null && at >= schedule.expectedRotationAt;
      if (atOrAfterExpected) looksInWindow += 1;
      if (at >= rotatesAt) return { looksInWindow, lagMs: at - rotatesAt };
      schedule = { ...schedule, lastLookAt: at, staleLooks: schedule.staleLooks + (atOrAfterExpected ? 1 : 0) };
    }
    throw new Error('never picked up');
  }

  it('needs at most 3 looks and is late by at most half the window (or the split threshold) plus the margin', () => {
    fc.assert(
      fc.property(
        // How long after the last look without it the code was first seen: at most a poll interval apart.
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }), // where in its window the code really rotates
        fc.integer({ min: 1, max: 2_000 }), // the last look before the window opens
        fc.constantFrom(2_000, 10_000), // a shorter interval puts more of its own looks in the window
        (uncertainty, where, lastLookBefore, pollIntervalMs) => {
          const uncertaintyMs = Math.round(uncertainty * pollIntervalMs);
          const code = { expiresAt: null, bornAfter: T, seenAt: T + uncertaintyMs, firstOfSeries: false };
          const earliest = expectedRotationAt(code)!;
          const latest = latestRotationAt(code)!;
          const rotatesAt = T + NEXT_CODE_LIFETIME_MS + Math.floor(where * uncertaintyMs);
          const { looksInWindow, lagMs } = pickUp(
            { lastLookAt: earliest - lastLookBefore, expectedRotationAt: earliest, latestRotationAt: latest, staleLooks: 0, retryAt: null },
            rotatesAt,
            pollIntervalMs,
          );
          expect(looksInWindow).toBeLessThanOrEqual(3);
          expect(lagMs).toBeLessThanOrEqual(Math.max(uncertaintyMs / 2, SPLIT_WINDOW_MS) + ROTATION_MARGIN_MS + 1);
        },
      ),
    );
  });
});

describe('errorBackoffMs', () => {
  it('honours Retry-After but never polls faster than the interval', () => {
    expect(errorBackoffMs(1, 2_000, 9_000)).toBe(9_000);
    expect(errorBackoffMs(1, 2_000, 100)).toBe(2_000);
  });

  it('doubles per failure without Retry-After and is capped', () => {
    expect([1, 2, 3].map((n) => errorBackoffMs(n, 2_000))).toEqual([2_000, 4_000, 8_000]);
    expect(errorBackoffMs(20, 2_000)).toBe(30_000);
  });
});
