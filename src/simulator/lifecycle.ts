/**
 * The WAHA session lifecycle as a pure function of time, so the simulator can hold thousands of
 * sessions without a timer each: a session stores the phase it entered and when, and every request
 * computes where it is now.
 */

/** WAHA status vocabulary (the simulator's internal truth). */
export type WahaStatus = 'STOPPED' | 'STARTING' | 'SCAN_QR_CODE' | 'WORKING' | 'FAILED' | 'PASSKEY_REQUIRED' | 'PASSKEY_CONFIRMATION_REQUIRED';

/** Wasend SDK README vocabulary. */
export type WasendStatus = 'STOPPED' | 'STARTING' | 'CONNECTED' | 'ERROR';

export type Vocabulary = 'waha' | 'wasend';

/** Durations in real milliseconds (already divided by the speed factor). */
export interface LifecycleTiming {
  readonly startingMs: number;
  readonly firstCodeMs: number;
  readonly nextCodeMs: number;
  readonly codeCount: number;
}

/**
 * Where a session is, as stored:
 * - `idle`: a status that stays until someone acts.
 * - `booting`: a linked session (re)starting: STARTING until `readyAt`, then WORKING.
 * - `pairing`: STARTING until `codesFrom`, then code `firstIndex`, the next ones, then FAILED.
 */
export type Phase =
  | { readonly kind: 'idle'; readonly status: 'STOPPED' | 'WORKING' | 'FAILED' | 'PASSKEY_REQUIRED' | 'PASSKEY_CONFIRMATION_REQUIRED' }
  | { readonly kind: 'booting'; readonly readyAt: number }
  | { readonly kind: 'pairing'; readonly codesFrom: number; readonly firstIndex: number };

export interface PhaseView {
  readonly status: WahaStatus;
  /** 1-based index of the code being served; 0 when there is none. */
  readonly codeIndex: number;
  /** When the current code stops being served (ms epoch); null without a code. */
  readonly expiresAt: number | null;
  /** When the status next changes on its own (ms epoch); null when it never does. */
  readonly nextStatusChangeAt: number | null;
}

/** How a gateway's series runs: how long its first and later codes live, and how many it serves. */
export interface SeriesShape {
  readonly firstCodeMs: number;
  readonly nextCodeMs: number;
  readonly codeCount: number;
}

/** WAHA: the first code 60 s, then codes 2..6 for 20 s each, then FAILED. */
export const WAHA_SERIES: SeriesShape = { firstCodeMs: 60_000, nextCodeMs: 20_000, codeCount: 6 };
/** Evolution API (Baileys with `qrTimeout: 45_000`): every code 45 s, `QRCODE_LIMIT` (30) of them, then logged out. */
export const EVOLUTION_SERIES: SeriesShape = { firstCodeMs: 45_000, nextCodeMs: 45_000, codeCount: 30 };

/** Durations: STARTING (configurable), then the series' codes; all divided by `speed`. */
export function createTiming(startingMs: number, speed: number, series: SeriesShape = WAHA_SERIES): LifecycleTiming {
  return {
    startingMs: startingMs / speed,
    firstCodeMs: series.firstCodeMs / speed,
    nextCodeMs: series.nextCodeMs / speed,
    codeCount: series.codeCount,
  };
}

function codeDuration(timing: LifecycleTiming, index: number): number {
  return index === 1 ? timing.firstCodeMs : timing.nextCodeMs;
}

export function viewAt(phase: Phase, timing: LifecycleTiming, now: number): PhaseView {
  switch (phase.kind) {
    case 'idle':
      return { status: phase.status, codeIndex: 0, expiresAt: null, nextStatusChangeAt: null };
    case 'booting':
      return now < phase.readyAt
        ? { status: 'STARTING', codeIndex: 0, expiresAt: null, nextStatusChangeAt: phase.readyAt }
        : { status: 'WORKING', codeIndex: 0, expiresAt: null, nextStatusChangeAt: null };
    case 'pairing': {
      let end = phase.codesFrom;
      for (let index = phase.firstIndex; index <= timing.codeCount; index += 1) {
        end += codeDuration(timing, index);
      }
      if (now < phase.codesFrom) {
        return { status: 'STARTING', codeIndex: 0, expiresAt: null, nextStatusChangeAt: phase.codesFrom };
      }
      let start = phase.codesFrom;
      for (let index = phase.firstIndex; index <= timing.codeCount; index += 1) {
        const expiresAt = start + codeDuration(timing, index);
        if (now < expiresAt) {
          return { status: 'SCAN_QR_CODE', codeIndex: index, expiresAt, nextStatusChangeAt: end };
        }
        start = expiresAt;
      }
      return { status: 'FAILED', codeIndex: 0, expiresAt: null, nextStatusChangeAt: null };
    }
  }
}

/** A fresh series: STARTING now, codes after `startingMs` (or WORKING again when the phone is still linked). */
export function startPhase(timing: LifecycleTiming, now: number, linked: boolean): Phase {
  return linked ? { kind: 'booting', readyAt: now + timing.startingMs } : { kind: 'pairing', codesFrom: now + timing.startingMs, firstIndex: 1 };
}

/** The phase an initial status from a spec puts a session in. */
export function initialPhase(status: WahaStatus, timing: LifecycleTiming, now: number): Phase {
  switch (status) {
    case 'STARTING':
      return startPhase(timing, now, false);
    case 'SCAN_QR_CODE':
      return { kind: 'pairing', codesFrom: now, firstIndex: 1 };
    default:
      return { kind: 'idle', status };
  }
}

/**
 * Serve the next code now: STARTING -> code 1, code i -> code i+1, the last code -> FAILED.
 * Returns undefined when the session has no series running (nothing to rotate).
 */
export function rotatePhase(phase: Phase, timing: LifecycleTiming, now: number): Phase | undefined {
  if (phase.kind !== 'pairing') return undefined;
  const view = viewAt(phase, timing, now);
  if (view.status === 'STARTING') return { kind: 'pairing', codesFrom: now, firstIndex: 1 };
  if (view.status !== 'SCAN_QR_CODE') return undefined;
  if (view.codeIndex >= timing.codeCount) return { kind: 'idle', status: 'FAILED' };
  return { kind: 'pairing', codesFrom: now, firstIndex: view.codeIndex + 1 };
}

/** WAHA -> the vocabulary a session speaks. The Wasend docs serve the QR while STARTING. */
export function toVocabulary(status: WahaStatus, vocabulary: Vocabulary): WahaStatus | WasendStatus {
  if (vocabulary === 'waha') return status;
  switch (status) {
    case 'SCAN_QR_CODE':
      return 'STARTING';
    case 'WORKING':
      return 'CONNECTED';
    case 'FAILED':
      return 'ERROR';
    default:
      return status;
  }
}
