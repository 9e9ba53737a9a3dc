/**
 * What the bot knows of the code one session shows and of its timing, as plain data, fed by `getQr` answers and by
 * the status feed; pure functions return the next state. Tells when the next QR look is due: around the expected
 * rotation when the timing is known, every poll interval while it is being learnt. No I/O.
 */
import type { NormalizedQr, QrPayload, SessionState } from '../wasend/types.js';
import {
  codeExpiry,
  earliestRotationAt,
  errorBackoffMs,
  firstRotationLookAt,
  latestRotationAt,
  nextLookAt as scheduledLookAt,
  type CodeLifetimes,
  type CodeTiming,
} from './schedule.js';

/** The code a session shows, with what we know of its timing. */
export interface CurrentCode extends CodeTiming {
  readonly fingerprint: string;
  readonly payload: QrPayload;
  readonly expiresAt: number | null;
  /** Position in its series (1-based) when known. */
  readonly seriesIndex: number | null;
}

/** What is known of a code's birth when it was fetched by `open`/`renew` rather than by a look. */
export interface ObservedTiming {
  readonly firstOfSeries: boolean;
  readonly bornAfter: number | null;
}

export interface CodeState {
  readonly lifetimes: CodeLifetimes | null;
  readonly code: CurrentCode | null;
  /** Last answer that told the current state (a code, or a status without one); errors tell nothing. */
  readonly lastEvidenceAt: number | null;
  readonly lastLookAt: number | null;
  readonly staleLooks: number;
  /** Codes seen since tracking began (a FAILED session after codes means the series ran out). */
  readonly codesSeen: number;
  /** The session was seen STARTING: the next code opens a series (WAHA: it lives 60 s). */
  readonly nextIsFirst: boolean;
  readonly retryAt: number | null;
  /** A due look failed or was turned away: it is retried at `retryAt`, whatever the schedule says. */
  readonly owed: boolean;
  readonly failures: number;
  /** A code shown before this instance looked (a stored message): its place in the series, once it is seen again. */
  readonly known: { readonly fingerprint: string; readonly seriesIndex: number } | null;
}

/** Wasend's expiry of a code in epoch ms, or null when it sent none. */
export const expiresAtMs = (qr: NormalizedQr): number | null => (qr.expiresAt ? qr.expiresAt.getTime() : null);

export function initialCode(lifetimes?: CodeLifetimes): CodeState {
  return {
    lifetimes: lifetimes ?? null,
    code: null,
    lastEvidenceAt: null,
    lastLookAt: null,
    staleLooks: 0,
    codesSeen: 0,
    nextIsFirst: false,
    retryAt: null,
    owed: false,
    failures: 0,
    known: null,
  };
}

/** Remembers where a code stood in its series, from the store, for when the session is looked at again. */
export function rememberCode(s: CodeState, known: { readonly fingerprint: string; readonly seriesIndex: number }): CodeState {
  return s.code === null ? { ...s, known } : s;
}

/**
 * Takes a `getQr` answer for a request sent at `at` and answered at `seenAt`. `fresh`: it shows a code the session
 * did not show before. An answer older than one already taken changes nothing.
 */
export function seeCode(s: CodeState, qr: NormalizedQr, at: number, seenAt: number, timing?: ObservedTiming): { state: CodeState; fresh: boolean } {
  if (s.lastEvidenceAt !== null && at < s.lastEvidenceAt) return { state: s, fresh: false };
  const expiresAt = expiresAtMs(qr);
  const code = s.code;
  const base = {
    ...s,
    failures: 0,
    retryAt: null,
    owed: false,
    lastEvidenceAt: at,
    lastLookAt: s.lastLookAt === null ? at : Math.max(s.lastLookAt, at),
  };
  if (code !== null && code.fingerprint === qr.fingerprint) {
    const rotation = firstRotationLookAt(code);
    const stale = rotation !== null && at >= rotation;
    return {
      state: { ...base, code: expiresAt !== null ? { ...code, expiresAt } : code, staleLooks: s.staleLooks + (stale ? 1 : 0) },
      fresh: false,
    };
  }
  const firstOfSeries = timing?.firstOfSeries ?? s.nextIsFirst;
  // The previous code cannot have been replaced before its lifetime was over: that bounds this birth too.
  const previousEnd = code === null ? null : earliestRotationAt(code);
  const bornAfter =
    timing !== undefined
      ? timing.bornAfter
      : previousEnd !== null && previousEnd <= at
        ? Math.max(previousEnd, s.lastEvidenceAt ?? previousEnd)
        : s.lastEvidenceAt;
  const previousIndex = code?.seriesIndex ?? null;
  const seriesIndex = firstOfSeries
    ? 1
    : previousIndex !== null
      ? previousIndex + 1
      : s.known?.fingerprint === qr.fingerprint
        ? s.known.seriesIndex
        : null;
  const next: CurrentCode = {
    fingerprint: qr.fingerprint,
    payload: qr.payload,
    expiresAt,
    bornAfter,
    seenAt,
    firstOfSeries,
    seriesIndex,
    ...(s.lifetimes ? { lifetimes: s.lifetimes } : {}),
  };
  return { state: { ...base, code: next, nextIsFirst: false, codesSeen: s.codesSeen + 1, staleLooks: 0 }, fresh: true };
}

/**
 * The session shows no code at `at` (a 422, or the feed saw it starting or between codes): the next code is
 * compared against nothing and shown at once, and when it was seen starting, it opens a series.
 */
export function noCode(s: CodeState, state: SessionState, at: number): CodeState {
  if (s.lastEvidenceAt !== null && at < s.lastEvidenceAt) return s;
  return { ...s, lastEvidenceAt: at, code: null, staleLooks: 0, owed: false, nextIsFirst: state === 'starting' ? true : s.nextIsFirst };
}

/** The feed saw the session waiting for a scan after it last saw it without a code: its code was born after `notBefore`. */
export function startedShowing(s: CodeState, notBefore: number): CodeState {
  return s.code === null ? { ...s, lastEvidenceAt: Math.max(s.lastEvidenceAt ?? notBefore, notBefore) } : s;
}

/** A look is going out now. */
export function lookingAt(s: CodeState, at: number): CodeState {
  return { ...s, lastLookAt: at };
}

/** A look failed transiently: no look before the backoff is over (returned as `delayMs`). */
export function failedLook(s: CodeState, at: number, pollIntervalMs: number, retryAfterMs?: number): { state: CodeState; delayMs: number } {
  const failures = s.failures + 1;
  const delayMs = errorBackoffMs(failures, pollIntervalMs, retryAfterMs);
  return { state: { ...s, failures, retryAt: at + delayMs, owed: true }, delayMs };
}

/** The request budget turned a look away: try again at `at`. */
export function deferLook(s: CodeState, at: number): CodeState {
  return { ...s, retryAt: at, owed: true };
}

/**
 * When the next QR look is due: around the expected rotation when it is known (links come from the status feed,
 * not from looks), else every `pollIntervalMs` until a rotation teaches the schedule.
 */
export function nextLookAt(s: CodeState, pollIntervalMs: number): number {
  if (s.owed && s.retryAt !== null) return s.retryAt;
  const code = s.code;
  const schedule = {
    lastLookAt: s.lastLookAt,
    expectedRotationAt: code === null ? null : firstRotationLookAt(code),
    latestRotationAt: code === null ? null : latestRotationAt(code),
    staleLooks: s.staleLooks,
    retryAt: s.retryAt,
  };
  return scheduledLookAt(schedule, { pollIntervalMs, linkPollIntervalMs: Number.POSITIVE_INFINITY });
}

/** The best known expiry of the code with this fingerprint, when it is the current one. */
export function expiryOf(s: CodeState, fingerprint: string): { readonly at: number; readonly estimated: boolean } | null {
  return s.code !== null && s.code.fingerprint === fingerprint ? codeExpiry(s.code) : null;
}
