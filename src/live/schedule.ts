/**
 * Pure scheduling of the looks at one session: when the next `getQr` should go out.
 * All times are epoch ms, all durations ms.
 */

/** WAHA: the first code of a series lives 60 s. */
export const FIRST_CODE_LIFETIME_MS = 60_000;
/** WAHA: every later code of a series lives 20 s. */
export const NEXT_CODE_LIFETIME_MS = 20_000;
/** WAHA serves up to 6 codes per series, then the session goes to FAILED. */
export const CODES_PER_SERIES = 6;
/** Look this long after the expected rotation, so the new code is already there. */
export const ROTATION_MARGIN_MS = 100;
/** First gap between quick re-looks when the code has not rotated yet at its expected time. */
export const FAST_RELOOK_MS = 250;
/** Growth of the quick re-look gap per look that still shows the old code. */
export const FAST_RELOOK_FACTOR = 1.5;
/** Longest pause after errors when Wasend does not say how long (ms). */
export const MAX_ERROR_BACKOFF_MS = 30_000;

/** What is known about the timing of the code a session shows now. */
export interface CodeTiming {
  /** Expiry sent by Wasend (epoch ms), if any. */
  readonly expiresAt: number | null;
  /**
   * A time the code was certainly born after: the last look that still showed the previous code (or
   * nothing), or when we started the series. Null when the code was already there at our first look.
   */
  readonly bornAfter: number | null;
  /** True when we started the series and this is its first code (WAHA: 60 s instead of 20 s). */
  readonly firstOfSeries: boolean;
}

/** When the code is expected to have been replaced, or null when nothing tells us. */
export function expectedRotationAt(code: CodeTiming): number | null {
  if (code.expiresAt !== null) return code.expiresAt + ROTATION_MARGIN_MS;
  if (code.bornAfter === null) return null;
  const lifetime = code.firstOfSeries ? FIRST_CODE_LIFETIME_MS : NEXT_CODE_LIFETIME_MS;
  return code.bornAfter + lifetime + ROTATION_MARGIN_MS;
}

/** The per-session look schedule. */
export interface LookSchedule {
  /** When the last look started; null before the first look (which then goes out at once). */
  readonly lastLookAt: number | null;
  /** From {@link expectedRotationAt}; null when there is no code or its timing is unknown. */
  readonly expectedRotationAt: number | null;
  /** Looks made at or after `expectedRotationAt` that still showed the same code. */
  readonly staleLooks: number;
  /** No look before this (rate limit or error backoff); null when there is no such limit. */
  readonly retryAt: number | null;
}

export interface ScheduleOptions {
  /** Longest gap between two looks. */
  readonly pollIntervalMs: number;
  /** Default {@link FAST_RELOOK_MS}. */
  readonly fastRelookMs?: number;
}

/** Gap of the n-th quick re-look (n >= 1) after a look at the expected rotation still showed the old code. */
export function fastRelookGap(staleLooks: number, options: ScheduleOptions): number {
  const base = options.fastRelookMs ?? FAST_RELOOK_MS;
  const gap = Math.round(base * FAST_RELOOK_FACTOR ** Math.max(0, staleLooks - 1));
  return Math.min(gap, options.pollIntervalMs);
}

/** Absolute time of the next look. */
export function nextLookAt(schedule: LookSchedule, options: ScheduleOptions): number {
  const { lastLookAt, expectedRotationAt: rotation, staleLooks, retryAt } = schedule;
  let at: number;
  if (lastLookAt === null) {
    at = Number.NEGATIVE_INFINITY;
  } else {
    at = lastLookAt + options.pollIntervalMs;
    if (rotation !== null) {
      at = rotation > lastLookAt ? Math.min(at, rotation) : Math.min(at, lastLookAt + fastRelookGap(staleLooks, options));
    }
  }
  return retryAt === null ? at : Math.max(at, retryAt);
}

/** Milliseconds from `now` until the next look is due (0 = look now). */
export function nextLookDelay(schedule: LookSchedule, now: number, options: ScheduleOptions): number {
  return Math.max(0, nextLookAt(schedule, options) - now);
}

/**
 * How long to pause after the n-th consecutive failed look (n >= 1): Wasend's `Retry-After` when it sent
 * one (never shorter than the poll interval), else the poll interval doubled per failure, capped.
 */
export function errorBackoffMs(failures: number, pollIntervalMs: number, retryAfterMs?: number): number {
  if (retryAfterMs !== undefined && retryAfterMs > 0) return Math.max(retryAfterMs, pollIntervalMs);
  const doubled = pollIntervalMs * 2 ** Math.max(0, failures - 1);
  return Math.min(Math.max(doubled, pollIntervalMs), Math.max(MAX_ERROR_BACKOFF_MS, pollIntervalMs));
}
