/**
 * Getting a first code for a person (`/qr`, "New QR"): ask for the code first (one request when the session
 * shows one), else read the session, (re)start it when needed, then wait for a code. Every call goes on the
 * `person` lane of the request budget.
 */
import type { LogSink } from '../shared/logger.js';
import type { NormalizedQr, RequestOptions, WasendApi } from '../wasend/types.js';
import type { Clock } from '../shared/clock.js';
import { describeError } from '../shared/describe-error.js';
import { classifyWasendError } from './failures.js';
import type { ObservedTiming } from './code-state.js';
import type { OpenOutcome } from './types.js';

/** One `getQr` answer: `at` is when the request went out, `seenAt` when the answer arrived. */
export interface QrFetch {
  readonly qr: NormalizedQr;
  readonly at: number;
  readonly seenAt: number;
}

export interface Acquired {
  readonly kind: 'code';
  readonly fetched: QrFetch;
  readonly timing: ObservedTiming;
}

export interface AcquireDeps {
  readonly wasend: Pick<WasendApi, 'getSession' | 'startSession' | 'restartSession'>;
  readonly clock: Clock;
  readonly logger: LogSink;
  /** `getQr`, shared with other callers while one is in flight. */
  fetchQr(sessionId: string, options: RequestOptions): Promise<QrFetch>;
  /** A code the engine saw for the session in a request sent after `after`, if any. */
  newerCode(sessionId: string, after: number): QrFetch | undefined;
  /** Resolves after `ms`, or at once when the engine stops or the signal aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  readonly codeWaitMs: number;
  /** Gap between two `getQr` while waiting for the first code. */
  readonly stepMs: number;
}

export interface AcquireRequest {
  readonly sessionId: string;
  /** Start a fresh series whatever the state ("New QR"). */
  readonly restart: boolean;
  readonly userId: number;
  readonly signal?: AbortSignal;
}

/** Maps a Wasend failure to what the person is told. */
export function failureOutcome(error: unknown, sessionId: string, step: string, logger: LogSink): OpenOutcome {
  const failure = classifyWasendError(error);
  const log = { sessionId, step, err: describeError(error) };
  switch (failure) {
    case 'not_found':
      return { kind: 'not_found' };
    case 'connected':
      return { kind: 'already_connected' };
    case 'rate_limited':
    case 'auth':
    case 'invalid_response':
    case 'down':
    case 'not_ready':
      logger.warn(log, 'could not get a QR code from Wasend');
      return { kind: 'unavailable', reason: failure === 'not_ready' ? 'down' : failure };
    default:
      logger.error(log, 'unexpected error while getting a QR code');
      return { kind: 'unavailable', reason: 'down' };
  }
}

export async function acquireCode(deps: AcquireDeps, request: AcquireRequest): Promise<Acquired | OpenOutcome> {
  const { wasend, clock, logger } = deps;
  const { sessionId, signal } = request;
  const options: RequestOptions = { lane: 'person', fairKey: String(request.userId), ...(signal ? { signal } : {}) };
  const code = (fetched: QrFetch, firstOfSeries: boolean, bornAfter: number | null): Acquired => ({
    kind: 'code',
    fetched,
    timing: { firstOfSeries, bornAfter },
  });
  let askedAt: number | null = null;
  if (!request.restart) {
    askedAt = clock.now();
    try {
      return code(await deps.fetchQr(sessionId, options), false, null);
    } catch (error) {
      if (signal?.aborted) return { kind: 'cancelled' };
      if (classifyWasendError(error) !== 'not_ready') return failureOutcome(error, sessionId, 'getQr', logger);
      const newer = deps.newerCode(sessionId, askedAt);
      if (newer) return code(newer, false, null);
    }
  }
  let state;
  try {
    state = (await wasend.getSession(sessionId, options)).status.state;
  } catch (error) {
    return signal?.aborted ? { kind: 'cancelled' } : failureOutcome(error, sessionId, 'getSession', logger);
  }
  if (state === 'connected') return { kind: 'already_connected' };
  const action = state === 'stopped' ? 'start' : request.restart || state === 'failed' ? 'restart' : null;
  let startedAt: number | null = null;
  if (action !== null) {
    if (signal?.aborted) return { kind: 'cancelled' };
    startedAt = clock.now();
    try {
      await (action === 'start' ? wasend.startSession(sessionId, options) : wasend.restartSession(sessionId, options));
    } catch (error) {
      return failureOutcome(error, sessionId, `${action}Session`, logger);
    }
  }
  return waitForCode(deps, request, options, { firstOfSeries: startedAt !== null || state === 'starting', startedAt, askedAt }, code);
}

async function waitForCode(
  deps: AcquireDeps,
  request: AcquireRequest,
  options: RequestOptions,
  start: { firstOfSeries: boolean; startedAt: number | null; askedAt: number | null },
  code: (fetched: QrFetch, firstOfSeries: boolean, bornAfter: number | null) => Acquired,
): Promise<Acquired | OpenOutcome> {
  const { clock, logger } = deps;
  const { sessionId, signal } = request;
  const { firstOfSeries } = start;
  let lastNoCodeAt = start.startedAt;
  /** A code the engine saw after this is as good as ours (our answers and its looks may interleave). */
  let noCodeSince = start.startedAt ?? start.askedAt;
  const giveUpAt = clock.now() + deps.codeWaitMs;
  for (;;) {
    if (signal?.aborted) return { kind: 'cancelled' };
    const at = clock.now();
    const bornAfter = firstOfSeries ? lastNoCodeAt : null;
    try {
      return code(await deps.fetchQr(sessionId, options), firstOfSeries, bornAfter);
    } catch (error) {
      if (signal?.aborted) return { kind: 'cancelled' };
      if (classifyWasendError(error) !== 'not_ready') return failureOutcome(error, sessionId, 'getQr', logger);
      const newer = deps.newerCode(sessionId, noCodeSince ?? at);
      if (newer) return code(newer, firstOfSeries, bornAfter);
      lastNoCodeAt = at;
      noCodeSince = at;
    }
    if (clock.now() + deps.stepMs > giveUpAt) return { kind: 'no_code' };
    await deps.sleep(deps.stepMs, signal);
  }
}
