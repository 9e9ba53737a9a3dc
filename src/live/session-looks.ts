/**
 * The sessions behind live messages: for each, what code it shows ({@link SessionCode}), a timer for the
 * next QR look (around the expected rotation only), and the messages that show it. A new code is rendered
 * once and handed to every message; a status from the feed ends them (linked, failed, stopped).
 */
import { createHash } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import type { LogSink } from '../shared/logger.js';
import { cachedPromise } from '../shared/promise-cache.js';
import { BudgetSkippedError } from '../wasend/errors.js';
import type { QrPayload, RequestLane, RequestOptions, SessionState, WasendApi } from '../wasend/types.js';
import type { QrFetch } from './acquire.js';
import type { Clock, TimerHandle } from '../shared/clock.js';
import type { EffectRunner, LiveRecord } from './effects.js';
import { recordKey } from './effects.js';
import { describeError } from '../shared/describe-error.js';
import { classifyWasendError, retryAfterOf } from './failures.js';
import type { FeedStatus } from './feed.js';
import type { CodeShow, FinalView } from './message.js';
import type { CodeLifetimes } from './schedule.js';
import { SessionCode, type ObservedTiming } from './session-code.js';

/** Rendered PNGs kept, one per fingerprint; must exceed the sessions shown at once or every `/qr` re-renders. */
const PNG_CACHE_SIZE = 1_024;

export interface SessionLooksDeps {
  readonly wasend: Pick<WasendApi, 'getQr' | 'getPasskeyConfirmation'>;
  readonly clock: Clock;
  readonly logger: LogSink;
  readonly runner: EffectRunner;
  readonly pollIntervalMs: number;
  /** Pure payload -> PNG renderer; a rejection means the payload is unusable. */
  readonly render: (payload: QrPayload) => Promise<Buffer>;
  /** How long codes live when Wasend sends no expiry; default WAHA's. */
  readonly lifetimes?: CodeLifetimes;
  /** The set of sessions with a live message changed (the status feed starts or stops). */
  onSessionsChanged(): void;
}

interface SessionEntry {
  readonly id: string;
  readonly code: SessionCode;
  readonly records: Map<string, LiveRecord>;
  /** When each message joined: a status learnt from a request sent before that says nothing about it. */
  readonly since: Map<string, number>;
  timer: TimerHandle | null;
  looking: boolean;
  /** A forced look was asked for while one was in flight: it runs as soon as that one is done. */
  owedLook: RequestLane | null;
  lastState: SessionState | null;
  /** Last time the feed saw the session without a code to scan. */
  lastNoScanAt: number | null;
  /** WhatsApp's passkey step the session is in (every message shows it instead of a code), or null. */
  passkey: PasskeyStep | null;
}

/** `since`: when the step was first seen; a QR fetched after that means the session moved on. */
type PasskeyStep =
  | { readonly kind: 'required'; readonly since: number }
  | { readonly kind: 'confirm'; readonly since: number; code: string | null; fetching: boolean };

/** Faces other than the QR carry no image of their own: the messenger draws them. */
const NO_PNG = Buffer.alloc(0);

/** A fingerprint for a secret shown in a message: equal for equal codes, and reveals nothing in a log. */
export function secretFingerprint(kind: string, secret: string): string {
  return `${kind}:${createHash('sha256').update(secret).digest('hex').slice(0, 16)}`;
}

export interface SessionLooks {
  attach: (record: LiveRecord, fetched?: QrFetch, timing?: ObservedTiming) => void;
  detach: (record: LiveRecord) => void;
  /** `getQr` shared by every caller while one is in flight for the session. */
  fetchQr: (sessionId: string, options: RequestOptions) => Promise<QrFetch>;
  newerCode: (sessionId: string, after: number) => QrFetch | undefined;
  /** The code of `fetched` as a message shows it (rendered once per fingerprint). */
  codeShow: (sessionId: string, fetched: QrFetch, timing?: ObservedTiming) => Promise<CodeShow>;
  /** Look at the session's code now; resolves when the look and the edits it started are done. */
  lookNow: (sessionId: string, lane: RequestLane) => Promise<void>;
  onStatus: (sessionId: string, status: FeedStatus, at: number) => void;
  /** A webhook carried the passkey confirmation code of the session. */
  notePasskeyCode: (sessionId: string, code: string) => void;
  /** Puts in front of the message what it should show now (after its pairing code came or went). */
  showNow: (record: LiveRecord) => Promise<void>;
  liveSessions: () => string[];
  isLive: (sessionId: string) => boolean;
  halt: () => void;
}

function showOf(
  sessionId: string,
  fingerprint: string,
  png: Buffer,
  expiry: { at: number; estimated: boolean } | null,
  seriesIndex: number | null = null,
): CodeShow {
  return { sessionId, fingerprint, png, expiresAt: expiry?.at ?? null, estimated: expiry?.estimated ?? false, seriesIndex };
}

export function createSessionLooks(deps: SessionLooksDeps): SessionLooks {
  const { wasend, clock, logger, runner, pollIntervalMs } = deps;
  const entries = new Map<string, SessionEntry>();
  const latest = new Map<string, QrFetch>();
  const fetches = new Map<string, { readonly at: number; readonly fetching: Promise<QrFetch> }>();
  const pngs = new LRUCache<string, Promise<Buffer>>({ max: PNG_CACHE_SIZE });
  /** Forced looks asked for a session with no live message yet (a `/qr` may be storing its photo right now). */
  const pokedEarly = new LRUCache<string, { at: number; lane: RequestLane }>({ max: 1_024, ttl: 60_000 });
  let halted = false;

  /**
   * `getQr`, shared with a request already in flight for the session unless that one went out before
   * `notBefore` (a forced look must see what happened after whatever prompted it).
   */
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
      if (entries.has(sessionId) && (known === undefined || known.at <= at)) latest.set(sessionId, fetched);
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

  function pngFor(fingerprint: string, payload: QrPayload): Promise<Buffer> {
    return cachedPromise<string, Buffer>(pngs, fingerprint, () => deps.render(payload));
  }

  function entryOf(sessionId: string): SessionEntry {
    let entry = entries.get(sessionId);
    if (entry === undefined) {
      entry = {
        id: sessionId,
        code: new SessionCode(deps.lifetimes),
        records: new Map(),
        since: new Map(),
        timer: null,
        looking: false,
        owedLook: null,
        lastState: null,
        lastNoScanAt: null,
        passkey: null,
      };
      entries.set(sessionId, entry);
    }
    return entry;
  }

  function reschedule(entry: SessionEntry): void {
    if (entry.timer !== null) clock.clearTimeout(entry.timer);
    entry.timer = null;
    if (halted || entry.looking) return;
    if (entry.records.size === 0) {
      entries.delete(entry.id);
      latest.delete(entry.id);
      deps.onSessionsChanged();
      return;
    }
    // In a passkey step there is no QR to look at: the status feed says when the session moves on.
    let wakeAt = entry.passkey === null ? entry.code.nextLookAt(pollIntervalMs) : Number.POSITIVE_INFINITY;
    for (const record of entry.records.values()) wakeAt = Math.min(wakeAt, record.deadlineAt, record.pairing?.expiresAt ?? Number.POSITIVE_INFINITY);
    entry.timer = clock.setTimeout(() => void wake(entry), Math.max(0, wakeAt - clock.now()));
  }

  /** `forced`: look now whatever the schedule, on that lane (a person's Refresh, a new series). */
  async function wake(entry: SessionEntry, forced?: RequestLane): Promise<void> {
    entry.timer = null;
    if (halted) return;
    if (entry.looking) {
      // The look in flight may have gone out before what prompted this one (a webhook, a Refresh): look again after.
      if (forced !== undefined && (entry.owedLook === null || forced === 'person')) entry.owedLook = forced;
      return;
    }
    const now = clock.now();
    const overdue = [...entry.records.values()].filter((r) => now >= r.deadlineAt || now >= (r.pairing?.expiresAt ?? Number.POSITIVE_INFINITY));
    for (const record of overdue) void runner.dispatch(record, { type: 'end', view: expiredFor(record, 'timed_out') });
    const due = entry.passkey === null && now >= entry.code.nextLookAt(pollIntervalMs);
    if (entry.records.size > 0 && (forced !== undefined || due)) {
      entry.looking = true;
      try {
        await look(entry, forced ?? 'rotation', forced !== undefined);
      } catch (error) {
        logger.error({ sessionId: entry.id, err: describeError(error) }, 'live QR look failed unexpectedly');
      } finally {
        entry.looking = false;
      }
    }
    const owed = entry.owedLook;
    entry.owedLook = null;
    if (owed !== null && !halted && entry.records.size > 0) return wake(entry, owed);
    reschedule(entry);
  }

  async function look(entry: SessionEntry, lane: RequestLane, forced: boolean): Promise<void> {
    const at = clock.now();
    entry.code.looking(at);
    let fetched: QrFetch;
    try {
      fetched = await fetchQr(entry.id, { lane }, forced ? at : Number.NEGATIVE_INFINITY);
    } catch (error) {
      return lookFailed(entry, error, at);
    }
    entry.code.see(fetched.qr, fetched.at, fetched.seenAt);
    // A code to scan, asked for after the passkey step began: the session went back to linking by QR.
    if (entry.passkey !== null && fetched.at > entry.passkey.since) entry.passkey = null;
    await broadcast(entry);
  }

  function lookFailed(entry: SessionEntry, error: unknown, at: number): void {
    if (error instanceof BudgetSkippedError) {
      entry.code.deferUntil(clock.now() + error.retryInMs);
      return;
    }
    switch (classifyWasendError(error)) {
      case 'connected':
        return endAll(entry, { kind: 'connected', sessionId: entry.id }, at);
      case 'not_found':
        return endAll(entry, { kind: 'expired', sessionId: entry.id, reason: 'stopped' }, at);
      case 'not_ready':
        entry.code.noCode('unknown', at);
        return;
      default: {
        const retryInMs = entry.code.failed(clock.now(), pollIntervalMs, retryAfterOf(error));
        logger.warn({ sessionId: entry.id, err: describeError(error), retryInMs }, 'live QR look failed; will retry');
      }
    }
  }

  async function codeShow(sessionId: string, fetched: QrFetch, timing?: ObservedTiming): Promise<CodeShow> {
    const { qr } = fetched;
    const png = await pngFor(qr.fingerprint, qr.payload);
    const known = entries.get(sessionId)?.code;
    let expiry = known?.expiryOf(qr.fingerprint) ?? null;
    let seriesIndex = known?.current()?.fingerprint === qr.fingerprint ? (known.current()?.seriesIndex ?? null) : null;
    if (expiry === null && timing !== undefined) {
      const probe = new SessionCode(deps.lifetimes);
      probe.see(qr, fetched.at, fetched.seenAt, timing);
      expiry = probe.expiryOf(qr.fingerprint);
      seriesIndex ??= probe.current()?.seriesIndex ?? null;
    }
    return showOf(sessionId, qr.fingerprint, png, expiry, seriesIndex);
  }

  /** What the session's passkey step shows, or null outside one (or while its code is not known yet). */
  function passkeyShow(entry: SessionEntry): CodeShow | null {
    const step = entry.passkey;
    if (step === null) return null;
    const base = { sessionId: entry.id, png: NO_PNG, expiresAt: null, estimated: false };
    if (step.kind === 'required') return { ...base, fingerprint: 'passkey:required', face: { kind: 'passkey_required' } };
    if (step.code === null) return null;
    return { ...base, fingerprint: secretFingerprint('passkey', step.code), face: { kind: 'passkey_confirm', code: step.code } };
  }

  /** The QR as messages show it, rendered once per code; null when there is none or it cannot be drawn. */
  async function qrShow(entry: SessionEntry): Promise<CodeShow | null> {
    const current = entry.code.current();
    if (current === null) return null;
    try {
      const png = await pngFor(current.fingerprint, current.payload);
      return showOf(entry.id, current.fingerprint, png, entry.code.expiryOf(current.fingerprint), current.seriesIndex);
    } catch (error) {
      logger.warn({ sessionId: entry.id, err: describeError(error) }, 'new QR code could not be rendered; messages keep the last one');
      return null;
    }
  }

  /**
   * Hands every message that does not show it yet what it should show: the passkey step when the session is in
   * one, else its own pairing code when it has one, else the session's current QR. Decided again at the moment of
   * dispatch, since a pairing code may come or go while the QR renders.
   */
  async function broadcast(entry: SessionEntry, only?: LiveRecord): Promise<void> {
    const targets = only === undefined ? [...entry.records.values()] : [only];
    const wantsQr = (record: LiveRecord) => entry.passkey === null && record.pairing === undefined;
    const qr = targets.some((record) => record.state.kind === 'showing' && wantsQr(record)) ? await qrShow(entry) : null;
    const work: Promise<void>[] = [];
    for (const record of targets) {
      if (record.state.kind !== 'showing') continue;
      // After a restart a pairing message has no code in memory: it keeps what Telegram shows until it lapses.
      const show = entry.passkey !== null ? passkeyShow(entry) : record.pairing !== undefined ? (record.pairing.show ?? null) : qr;
      if (show === null || record.state.shown === show.fingerprint) continue;
      work.push(runner.dispatch(record, { type: 'code', code: show }));
    }
    await Promise.all(work);
  }

  /** An expired view for the message, saying whether it showed a pairing code. */
  function expiredFor(record: LiveRecord, reason: Extract<FinalView, { kind: 'expired' }>['reason']): FinalView {
    return { kind: 'expired', sessionId: record.sessionId, reason, ...(record.pairing ? { pairing: true } : {}) };
  }

  function endAll(entry: SessionEntry, view: FinalView, at: number): void {
    for (const [key, record] of entry.records) {
      if ((entry.since.get(key) ?? 0) > at) continue;
      void runner.dispatch(record, { type: 'end', view: view.kind === 'expired' ? expiredFor(record, view.reason) : view });
    }
  }

  /** The session is in a passkey step: every message shows it (fetching the confirmation code when needed). */
  function enterPasskey(entry: SessionEntry, kind: PasskeyStep['kind'], at: number, code?: string): void {
    const step = entry.passkey;
    if (kind === 'required') {
      if (step?.kind !== 'required') entry.passkey = { kind: 'required', since: at };
    } else if (step?.kind !== 'confirm') {
      entry.passkey = { kind: 'confirm', since: at, code: code ?? null, fetching: false };
    } else if (code !== undefined) {
      step.code = code;
    }
    if (entry.timer !== null) clock.clearTimeout(entry.timer);
    entry.timer = null;
    const current = entry.passkey;
    if (current?.kind === 'confirm' && current.code === null && !current.fetching) void fetchPasskeyCode(entry, current);
    void broadcast(entry);
    reschedule(entry);
  }

  async function fetchPasskeyCode(entry: SessionEntry, step: Extract<PasskeyStep, { kind: 'confirm' }>): Promise<void> {
    step.fetching = true;
    try {
      const code = await deps.wasend.getPasskeyConfirmation(entry.id, { lane: 'rotation' });
      if (entry.passkey === step && step.code === null) step.code = code;
    } catch (error) {
      // The next status tick asks again while the session stays in this step.
      if (!(error instanceof BudgetSkippedError))
        logger.warn({ sessionId: entry.id, err: describeError(error) }, 'could not read the passkey confirmation code');
    } finally {
      step.fetching = false;
    }
    if (entry.passkey === step && !halted) await broadcast(entry);
  }

  /** The session left its passkey step for a linking state: look for its QR now (messages follow). True when it did. */
  function leavePasskey(entry: SessionEntry): boolean {
    if (entry.passkey === null) return false;
    entry.passkey = null;
    void wake(entry, 'rotation');
    return true;
  }

  function onStatus(sessionId: string, status: FeedStatus, at: number): void {
    const entry = entries.get(sessionId);
    if (entry === undefined || halted) return;
    if (status === 'missing') return endAll(entry, { kind: 'expired', sessionId, reason: 'stopped' }, at);
    const { state } = status;
    const previous = entry.lastState;
    entry.lastState = state;
    if (state === 'passkey_required' || state === 'passkey_confirmation') {
      return enterPasskey(entry, state === 'passkey_required' ? 'required' : 'confirm', at);
    }
    const lookedAfterPasskey = (state === 'starting' || state === 'awaiting_scan') && leavePasskey(entry);
    switch (state) {
      case 'connected':
        return endAll(entry, { kind: 'connected', sessionId }, at);
      case 'failed':
        return endAll(entry, { kind: 'expired', sessionId, reason: entry.code.hasSeenCodes() ? 'codes_ran_out' : 'failed' }, at);
      case 'stopped':
        return endAll(entry, { kind: 'expired', sessionId, reason: 'stopped' }, at);
      case 'starting':
        // The Wasend docs' vocabulary says STARTING while a code is shown: only a fresh start drops the code.
        if (previous === 'awaiting_scan' || entry.code.current() === null) {
          entry.code.noCode('starting', at);
          entry.lastNoScanAt = at;
        }
        return;
      case 'awaiting_scan':
        if (previous !== null && previous !== 'awaiting_scan' && entry.lastNoScanAt !== null) {
          // A new series began between two ticks: its first code is due now, look at once.
          entry.code.startedShowing(entry.lastNoScanAt);
          // Leaving a passkey step already looks: a second forced look would only fetch the same code again.
          if (!lookedAfterPasskey) void wake(entry, 'rotation');
        }
        return;
      default:
        return;
    }
  }

  return {
    attach(record, fetched, timing) {
      const entry = entryOf(record.sessionId);
      const key = recordKey(record.chatId, record.messageId);
      const first = entry.records.size === 0;
      entry.records.set(key, record);
      entry.since.set(key, fetched?.at ?? clock.now());
      if (record.stored !== undefined) entry.code.remember(record.stored);
      if (fetched !== undefined) entry.code.see(fetched.qr, fetched.at, fetched.seenAt, timing);
      const poked = pokedEarly.get(record.sessionId);
      pokedEarly.delete(record.sessionId);
      if (poked !== undefined && poked.at >= (fetched?.at ?? Number.NEGATIVE_INFINITY)) {
        // Something changed after this message's code was fetched and before it was watched: look now.
        if (entry.timer !== null) clock.clearTimeout(entry.timer);
        void wake(entry, poked.lane);
      } else if (!entry.looking) {
        // A message that shows an older code than the session's (or a QR while it is in a passkey step) is put right.
        void broadcast(entry, record);
        reschedule(entry);
      }
      if (first) deps.onSessionsChanged();
    },
    detach(record) {
      const entry = entries.get(record.sessionId);
      if (entry === undefined) return;
      const key = recordKey(record.chatId, record.messageId);
      if (entry.records.get(key) !== record) return;
      entry.records.delete(key);
      entry.since.delete(key);
      if (!entry.looking) reschedule(entry);
    },
    fetchQr,
    newerCode(sessionId, after) {
      const known = latest.get(sessionId);
      return known !== undefined && known.at > after && entries.get(sessionId)?.code.current()?.fingerprint === known.qr.fingerprint
        ? known
        : undefined;
    },
    codeShow,
    async lookNow(sessionId, lane) {
      const entry = entries.get(sessionId);
      if (halted) return;
      if (entry === undefined || entry.records.size === 0) {
        pokedEarly.set(sessionId, { at: clock.now(), lane });
        return;
      }
      if (entry.timer !== null) clock.clearTimeout(entry.timer);
      await wake(entry, lane);
    },
    onStatus,
    notePasskeyCode(sessionId, code) {
      const entry = entries.get(sessionId);
      if (entry === undefined || halted) return;
      entry.lastState = 'passkey_confirmation';
      enterPasskey(entry, 'confirm', clock.now(), code);
    },
    async showNow(record) {
      const entry = entries.get(record.sessionId);
      if (entry === undefined || halted) return;
      reschedule(entry);
      await broadcast(entry, record);
    },
    isLive: (sessionId) => (entries.get(sessionId)?.records.size ?? 0) > 0,
    liveSessions: () =>
      [...entries.values()]
        .filter((e) => e.records.size > 0)
        .map((e) => e.id)
        .sort(),
    halt() {
      halted = true;
      for (const entry of entries.values()) if (entry.timer !== null) clock.clearTimeout(entry.timer);
    },
  };
}
