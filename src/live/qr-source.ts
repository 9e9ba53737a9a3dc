/**
 * Where the engine's codes come from: `getQr` shared by every caller while one is in flight for a session, the
 * newest answer of each watched session, and each code rendered once (by fingerprint).
 */
import { LRUCache } from 'lru-cache';
import type { Clock } from '../shared/clock.js';
import { cachedPromise } from '../shared/promise-cache.js';
import { BudgetSkippedError } from '../wasend/errors.js';
import type { QrPayload, RequestOptions, WasendApi } from '../wasend/types.js';
import type { QrFetch } from './acquire.js';
import { expiryOf, initialCode, seeCode, type CodeState, type ObservedTiming } from './code-state.js';
import type { CodeShow } from './message.js';
import type { CodeLifetimes } from './schedule.js';

/** Rendered PNGs kept, one per fingerprint; must exceed the sessions shown at once or every `/qr` re-renders. */
const PNG_CACHE_SIZE = 1_024;

export interface QrSourceDeps {
  readonly wasend: Pick<WasendApi, 'getQr'>;
  readonly clock: Clock;
  /** Pure payload -> PNG renderer; a rejection means the payload is unusable. */
  readonly render: (payload: QrPayload) => Promise<Buffer>;
  readonly lifetimes?: CodeLifetimes;
  /** What the engine knows of a watched session's code (undefined: not watched). */
  readonly codeOf: (sessionId: string) => CodeState | undefined;
}

export interface QrSource {
  /** `getQr`, shared with one in flight for the session unless that one went out before `notBefore`. */
  fetchQr(sessionId: string, options: RequestOptions, notBefore?: number): Promise<QrFetch>;
  /** The newest answer for a watched session, when it came after `after` and still shows the current code. */
  newerCode(sessionId: string, after: number): QrFetch | undefined;
  /** The code of `fetched` as a message shows it (rendered once per fingerprint). */
  codeShow(sessionId: string, fetched: QrFetch, timing?: ObservedTiming): Promise<CodeShow>;
  /** The session's current code as messages show it; rejects when it cannot be drawn; null without a code. */
  currentShow(sessionId: string, code: CodeState): Promise<CodeShow | null>;
  forget(sessionId: string): void;
}

export function showOf(
  sessionId: string,
  fingerprint: string,
  png: Buffer,
  expiry: { at: number; estimated: boolean } | null,
  seriesIndex: number | null = null,
): CodeShow {
  return { sessionId, fingerprint, png, expiresAt: expiry?.at ?? null, estimated: expiry?.estimated ?? false, seriesIndex };
}

export function createQrSource(deps: QrSourceDeps): QrSource {
  const { wasend, clock } = deps;
  const latest = new Map<string, QrFetch>();
  const fetches = new Map<string, { readonly at: number; readonly fetching: Promise<QrFetch> }>();
  const pngs = new LRUCache<string, Promise<Buffer>>({ max: PNG_CACHE_SIZE });
  const pngFor = (fingerprint: string, payload: QrPayload) => cachedPromise<string, Buffer>(pngs, fingerprint, () => deps.render(payload));

  function fetchQr(sessionId: string, options: RequestOptions, notBefore = Number.NEGATIVE_INFINITY): Promise<QrFetch> {
    const pending = fetches.get(sessionId);
    // A background look the budget turned away must not turn a person away: they ask on their own lane.
    if (pending && pending.at >= notBefore) {
      return options.lane === 'person' ? pending.fetching.catch((e: unknown) => retryIfSkipped(e, sessionId, options)) : pending.fetching;
    }
    const at = clock.now();
    const fetching = wasend.getQr(sessionId, options).then((qr) => {
      const fetched = { qr, at, seenAt: clock.now() };
      const known = latest.get(sessionId);
      if (deps.codeOf(sessionId) !== undefined && (known === undefined || known.at <= at)) latest.set(sessionId, fetched);
      return fetched;
    });
    fetches.set(sessionId, { at, fetching });
    const forget = () => {
      if (fetches.get(sessionId)?.fetching === fetching) fetches.delete(sessionId);
    };
    fetching.then(forget, forget);
    return fetching;
  }

  function retryIfSkipped(error: unknown, sessionId: string, options: RequestOptions): Promise<QrFetch> {
    if (!(error instanceof BudgetSkippedError)) throw error;
    return fetchQr(sessionId, options);
  }

  return {
    fetchQr,
    newerCode(sessionId, after) {
      const known = latest.get(sessionId);
      return known !== undefined && known.at > after && deps.codeOf(sessionId)?.code?.fingerprint === known.qr.fingerprint ? known : undefined;
    },
    async codeShow(sessionId, fetched, timing) {
      const { qr } = fetched;
      const png = await pngFor(qr.fingerprint, qr.payload);
      const known = deps.codeOf(sessionId);
      let expiry = known === undefined ? null : expiryOf(known, qr.fingerprint);
      let seriesIndex = known?.code?.fingerprint === qr.fingerprint ? known.code.seriesIndex : null;
      if (expiry === null && timing !== undefined) {
        const probe = seeCode(initialCode(deps.lifetimes), qr, fetched.at, fetched.seenAt, timing).state;
        expiry = expiryOf(probe, qr.fingerprint);
        seriesIndex ??= probe.code?.seriesIndex ?? null;
      }
      return showOf(sessionId, qr.fingerprint, png, expiry, seriesIndex);
    },
    async currentShow(sessionId, code) {
      const current = code.code;
      if (current === null) return null;
      const png = await pngFor(current.fingerprint, current.payload);
      return showOf(sessionId, current.fingerprint, png, expiryOf(code, current.fingerprint), current.seriesIndex);
    },
    forget(sessionId) {
      latest.delete(sessionId);
    },
  };
}
