/**
 * What the bot knows of the code one session shows and of its timing, fed by `getQr` answers and by the
 * status feed. Tells when the next QR look is due: around the expected rotation when the timing is known,
 * every poll interval while it is being learnt. No I/O.
 */
import type { NormalizedQr, QrPayload, SessionState } from '../wasend/types.js';
import {
  codeExpiry,
  earliestRotationAt,
  errorBackoffMs,
  firstRotationLookAt,
  latestRotationAt,
  nextLookAt,
  type CodeLifetimes,
  type CodeTiming,
  type LookSchedule,
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

/** Wasend's expiry of a code in epoch ms, or null when it sent none. */
export const expiresAtMs = (qr: NormalizedQr): number | null => (qr.expiresAt ? qr.expiresAt.getTime() : null);

export class SessionCode {
  constructor(private readonly lifetimes?: CodeLifetimes) {}

  private code: CurrentCode | null = null;
  /** Last answer that told the current state (a code, or a status without one); errors tell nothing. */
  private lastEvidenceAt: number | null = null;
  private lastLookAt: number | null = null;
  private staleLooks = 0;
  /** Codes seen since tracking began (a FAILED session after codes means the series ran out). */
  private codesSeen = 0;
  /** The session was seen STARTING: the next code opens a series (WAHA: it lives 60 s). */
  private nextIsFirst = false;
  private retryAt: number | null = null;
  /** A due look failed or was turned away: it is retried at `retryAt`, whatever the schedule says. */
  private owed = false;
  private failures = 0;
  /** A code shown before this instance looked (a stored message): its place in the series, once it is seen again. */
  private known: { readonly fingerprint: string; readonly seriesIndex: number } | null = null;

  /** Remembers where a code stood in its series, from the store, for when the session is looked at again. */
  remember(known: { readonly fingerprint: string; readonly seriesIndex: number }): void {
    if (this.code === null) this.known = known;
  }

  current(): CurrentCode | null {
    return this.code;
  }

  hasSeenCodes(): boolean {
    return this.codesSeen > 0;
  }

  /**
   * Takes a `getQr` answer for a request sent at `at` and answered at `seenAt`. Returns true when it shows a
   * code the session did not show before. An answer older than one already taken is ignored.
   */
  see(qr: NormalizedQr, at: number, seenAt: number, timing?: ObservedTiming): boolean {
    if (this.lastEvidenceAt !== null && at < this.lastEvidenceAt) return false;
    this.failures = 0;
    this.retryAt = null;
    this.owed = false;
    const expiresAt = expiresAtMs(qr);
    const code = this.code;
    let fresh = false;
    if (code !== null && code.fingerprint === qr.fingerprint) {
      if (expiresAt !== null) this.code = { ...code, expiresAt };
      const rotation = firstRotationLookAt(code);
      if (rotation !== null && at >= rotation) this.staleLooks += 1;
    } else {
      fresh = true;
      const firstOfSeries = timing?.firstOfSeries ?? this.nextIsFirst;
      this.nextIsFirst = false;
      this.codesSeen += 1;
      // The previous code cannot have been replaced before its lifetime was over: that bounds this birth too.
      const previousEnd = code === null ? null : earliestRotationAt(code);
      const bornAfter =
        timing !== undefined
          ? timing.bornAfter
          : previousEnd !== null && previousEnd <= at
            ? Math.max(previousEnd, this.lastEvidenceAt ?? previousEnd)
            : this.lastEvidenceAt;
      const previousIndex = code?.seriesIndex ?? null;
      this.code = {
        fingerprint: qr.fingerprint,
        payload: qr.payload,
        expiresAt,
        bornAfter,
        seenAt,
        firstOfSeries,
        seriesIndex: firstOfSeries
          ? 1
          : previousIndex !== null
            ? previousIndex + 1
            : this.known?.fingerprint === qr.fingerprint
              ? this.known.seriesIndex
              : null,
        ...(this.lifetimes ? { lifetimes: this.lifetimes } : {}),
      };
      this.staleLooks = 0;
    }
    this.lastEvidenceAt = at;
    this.lastLookAt = this.lastLookAt === null ? at : Math.max(this.lastLookAt, at);
    return fresh;
  }

  /**
   * The session shows no code at `at` (a 422, or the feed saw it starting or between codes): the next code
   * is compared against nothing and shown at once, and when it was seen starting, it opens a series.
   */
  noCode(state: SessionState, at: number): void {
    if (this.lastEvidenceAt !== null && at < this.lastEvidenceAt) return;
    this.lastEvidenceAt = at;
    this.code = null;
    this.staleLooks = 0;
    this.owed = false;
    if (state === 'starting') this.nextIsFirst = true;
  }

  /**
   * The feed saw the session waiting for a scan at `at` after it last saw it without a code: the code it
   * shows now was born after `notBefore`.
   */
  startedShowing(notBefore: number): void {
    if (this.code === null) this.lastEvidenceAt = Math.max(this.lastEvidenceAt ?? notBefore, notBefore);
  }

  /** A look is going out now. */
  looking(at: number): void {
    this.lastLookAt = at;
  }

  /** A look failed transiently: no look before the backoff is over. */
  failed(at: number, pollIntervalMs: number, retryAfterMs?: number): number {
    this.failures += 1;
    const delayMs = errorBackoffMs(this.failures, pollIntervalMs, retryAfterMs);
    this.retryAt = at + delayMs;
    this.owed = true;
    return delayMs;
  }

  /** The request budget turned a look away: try again at `at`. */
  deferUntil(at: number): void {
    this.retryAt = at;
    this.owed = true;
  }

  schedule(): LookSchedule {
    const code = this.code;
    return {
      lastLookAt: this.lastLookAt,
      expectedRotationAt: code === null ? null : firstRotationLookAt(code),
      latestRotationAt: code === null ? null : latestRotationAt(code),
      staleLooks: this.staleLooks,
      retryAt: this.retryAt,
    };
  }

  /**
   * When the next QR look is due: around the expected rotation when it is known (links come from the
   * status feed, not from looks), else every `pollIntervalMs` until a rotation teaches the schedule.
   */
  nextLookAt(pollIntervalMs: number): number {
    if (this.owed && this.retryAt !== null) return this.retryAt;
    return nextLookAt(this.schedule(), { pollIntervalMs, linkPollIntervalMs: Number.POSITIVE_INFINITY });
  }

  /** The best known expiry of the code with this fingerprint, when it is the current one. */
  expiryOf(fingerprint: string): { readonly at: number; readonly estimated: boolean } | null {
    return this.code !== null && this.code.fingerprint === fingerprint ? codeExpiry(this.code) : null;
  }
}
