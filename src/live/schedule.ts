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
/**
 * When the code may still rotate for longer than this after a stale look at its earliest rotation time, the
 * next look goes halfway through that window first (so a rotation is seen within half of it), else straight
 * to its end. At most 3 looks pick up a rotation whose window is known.
 */
export const SPLIT_WINDOW_MS = 500;
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
  /**
   * When an answer first showed this code (after the response arrived): the code was certainly born before.
   * With `bornAfter` it bounds the rotation time to a window. Null or absent when unknown.
   */
  readonly seenAt?: number | null;
  /** How long codes of this server live; default WAHA's 60 s / 20 s. */
  readonly lifetimes?: CodeLifetimes;
}

/** How long a series' first code and each next one live, in ms. */
export interface CodeLifetimes {
  readonly firstMs: number;
  readonly nextMs: number;
}

/** WAHA's documented schedule. */
export const WAHA_LIFETIMES: CodeLifetimes = { firstMs: FIRST_CODE_LIFETIME_MS, nextMs: NEXT_CODE_LIFETIME_MS };

function lifetimeOf(code: CodeTiming): number {
  const lifetimes = code.lifetimes ?? WAHA_LIFETIMES;
  return code.firstOfSeries ? lifetimes.firstMs : lifetimes.nextMs;
}

/** When the code is expected to have been replaced, or null when nothing tells us. */
export function expectedRotationAt(code: CodeTiming): number | null {
  if (code.expiresAt !== null) return code.expiresAt + ROTATION_MARGIN_MS;
  if (code.bornAfter === null) return null;
  return code.bornAfter + lifetimeOf(code) + ROTATION_MARGIN_MS;
}

/**
 * The latest time the code should have been replaced (born at the latest when first seen), or null when
 * nothing bounds it. Equal to {@link expectedRotationAt} when Wasend sent the expiry.
 */
export function latestRotationAt(code: CodeTiming): number | null {
  if (code.expiresAt !== null) return code.expiresAt + ROTATION_MARGIN_MS;
  if (code.bornAfter === null || code.seenAt === undefined || code.seenAt === null) return null;
  return Math.max(code.seenAt, code.bornAfter) + lifetimeOf(code) + ROTATION_MARGIN_MS;
}

/**
 * The earliest time the code can be replaced, without margin (null when unknown): a lower bound on the
 * birth of the code that follows it.
 */
export function earliestRotationAt(code: CodeTiming): number | null {
  if (code.expiresAt !== null) return code.expiresAt;
  return code.bornAfter === null ? null : code.bornAfter + lifetimeOf(code);
}

/**
 * Where the first look for the code's rotation goes (with margin), or null when unknown: the middle of the
 * rotation window when it is wider than {@link SPLIT_WINDOW_MS} (a stale answer there halves the window, and
 * the next code's window with it), else its end, so that a known rotation costs one look.
 */
export function firstRotationLookAt(code: CodeTiming): number | null {
  const earliest = expectedRotationAt(code);
  const latest = latestRotationAt(code);
  if (earliest === null || latest === null || latest - earliest <= SPLIT_WINDOW_MS) return latest ?? earliest;
  return Math.round((earliest + latest) / 2);
}

/**
 * The best known expiry of a code: Wasend's when it sent one, else the latest rotation the schedule expects
 * (`estimated`), else null (nothing bounds the code's birth: no time is better than a wrong one).
 */
export function codeExpiry(code: CodeTiming): { readonly at: number; readonly estimated: boolean } | null {
  if (code.expiresAt !== null) return { at: code.expiresAt, estimated: false };
  const latest = latestRotationAt(code);
  return latest === null ? null : { at: latest - ROTATION_MARGIN_MS, estimated: true };
}

/** The per-session look schedule. */
export interface LookSchedule {
  /** When the last look started; null before the first look (which then goes out at once). */
  readonly lastLookAt: number | null;
  /** From {@link expectedRotationAt}; null when there is no code or its timing is unknown. */
  readonly expectedRotationAt: number | null;
  /** From {@link latestRotationAt}; null when unknown. */
  readonly latestRotationAt: number | null;
  /** Looks made at or after `expectedRotationAt` that still showed the same code. */
  readonly staleLooks: number;
  /** No look before this (rate limit or error backoff); null when there is no such limit. */
  readonly retryAt: number | null;
}

export interface ScheduleOptions {
  /** Longest gap between two looks. */
  readonly pollIntervalMs: number;
  /**
   * Gap between looks while the next rotation time is known, so a look only checks for a link (webhooks
   * report links). Default `pollIntervalMs`; never below it.
   */
  readonly linkPollIntervalMs?: number;
  /** Default {@link FAST_RELOOK_MS}. */
  readonly fastRelookMs?: number;
}

/** Gap of the n-th quick re-look (n >= 1) after a look at the expected rotation still showed the old code. */
export function fastRelookGap(staleLooks: number, options: ScheduleOptions): number {
  const base = options.fastRelookMs ?? FAST_RELOOK_MS;
  const gap = Math.round(base * FAST_RELOOK_FACTOR ** Math.max(0, staleLooks - 1));
  return Math.min(gap, options.pollIntervalMs);
}

/**
 * Absolute time of the next look: at once before the first look; else one poll interval after the last
 * (the link poll interval while the expected rotation is known), or earlier at the expected rotation. When a look at or after the expected rotation still showed the old
 * code: halfway through the rest of the rotation window (when over {@link SPLIT_WINDOW_MS}), then its end,
 * then quick re-looks that back off up to the poll interval. Never before `retryAt`.
 */
export function nextLookAt(schedule: LookSchedule, options: ScheduleOptions): number {
  const { lastLookAt, expectedRotationAt: rotation, retryAt } = schedule;
  let at: number;
  if (lastLookAt === null) {
    at = Number.NEGATIVE_INFINITY;
  } else {
    at = lastLookAt + options.pollIntervalMs;
    if (rotation !== null) {
      at = lastLookAt + Math.max(options.pollIntervalMs, options.linkPollIntervalMs ?? options.pollIntervalMs);
      at = Math.min(at, rotation > lastLookAt ? rotation : staleRelookAt(schedule, lastLookAt, options));
    }
  }
  return retryAt === null ? at : Math.max(at, retryAt);
}

function staleRelookAt(schedule: LookSchedule, lastLookAt: number, options: ScheduleOptions): number {
  const { latestRotationAt: latest, staleLooks } = schedule;
  if (latest !== null && latest > lastLookAt) {
    const remaining = latest - lastLookAt;
    return staleLooks <= 1 && remaining > SPLIT_WINDOW_MS ? lastLookAt + Math.round(remaining / 2) : latest;
  }
  return lastLookAt + fastRelookGap(staleLooks, options);
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
