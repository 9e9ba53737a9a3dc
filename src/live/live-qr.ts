import type { LiveMessage } from '../store/types.js';
import { acquireCode, type AcquireDeps, type Acquired } from './acquire.js';
import { systemClock } from './clock.js';
import { createEffectRunner, recordKey, type LiveRecord } from './effects.js';
import { describeError } from './failures.js';
import { createStatusFeed } from './feed.js';
import { finalViewOf, pendingFinalState, showingState, type CodeShow, type FinalView } from './message.js';
import { createSessionLooks } from './session-looks.js';
import { expiresAtMs } from './session-code.js';
import type { LiveQr, LiveQrDeps, OpenOutcome, QrView } from './types.js';

/** Default of {@link LiveQrDeps.codeWaitMs}. */
export const DEFAULT_CODE_WAIT_MS = 30_000;
/** Default of {@link LiveQrDeps.webhookPollFactor}. */
export const DEFAULT_WEBHOOK_POLL_FACTOR = 3;
/** Default of {@link LiveQrDeps.webhookFreshMs}: 5 minutes. */
export const DEFAULT_WEBHOOK_FRESH_MS = 300_000;
/** Default of {@link LiveQrDeps.finalEditGiveUpMs}: 10 minutes. */
export const DEFAULT_FINAL_EDIT_GIVE_UP_MS = 600_000;
/** Longest gap between two status-feed ticks by default. */
const MAX_FEED_TICK_MS = 1_000;
/** Longest wait of `stop()` for work in flight. */
const STOP_GRACE_MS = 3_000;
/** Gap between two `getQr` calls while `open` waits for the first code. */
const CODE_WAIT_STEP_MAX_MS = 1_000;

/** A `/qr` waiting for its code, so that `/cancel` and a revoke can reach it. */
interface PendingOpen {
  readonly chatId: number;
  readonly userId: number;
  readonly sessionId: string;
  readonly controller: AbortController;
}

function codeView(code: CodeShow, codeNumber: number): QrView {
  const { sessionId, png, fingerprint, expiresAt } = code;
  return { kind: 'code', sessionId, png, fingerprint, expiresAt, ...(code.estimated ? { estimated: true } : {}), codeNumber };
}

/**
 * The live QR messages: sends a code photo, then keeps it true in place (new code, connected, expired).
 * Composes the per-message state machines ({@link createEffectRunner}), the sessions' QR looks
 * ({@link createSessionLooks}) and the one status feed ({@link createStatusFeed}). Never throws out of
 * `open`/`renew`.
 */
export function createLiveQr(deps: LiveQrDeps): LiveQr {
  const { wasend, store, messenger, logger, pollIntervalMs, watchTimeoutMs } = deps;
  const clock = deps.clock ?? systemClock;
  const mayShow = deps.mayShow ?? (() => true);
  const records = new Map<string, LiveRecord>();
  const pendingOpens = new Set<PendingOpen>();
  const openChains = new Map<string, Promise<unknown>>();
  const inFlight = new Set<Promise<unknown>>();
  const sleepers = new Set<() => void>();
  let stopped = false;

  const runner = createEffectRunner({
    messenger,
    store,
    logger,
    clock,
    retryBaseMs: pollIntervalMs,
    giveUpMs: deps.finalEditGiveUpMs ?? DEFAULT_FINAL_EDIT_GIVE_UP_MS,
    onRelease: (record) => looks.detach(record),
    onSettled: (record) => {
      const key = recordKey(record.chatId, record.messageId);
      if (records.get(key) === record) records.delete(key);
    },
    mayShow: (record) => mayShow(record.userId, record.sessionId),
  });
  const feed = createStatusFeed({
    wasend,
    clock,
    logger,
    tickMs: deps.feedTickMs ?? Math.min(pollIntervalMs, MAX_FEED_TICK_MS),
    perSessionIntervalMs: pollIntervalMs,
    webhookSlowdown: Math.max(1, deps.webhookPollFactor ?? DEFAULT_WEBHOOK_POLL_FACTOR),
    webhookFreshMs: deps.webhookFreshMs ?? DEFAULT_WEBHOOK_FRESH_MS,
    sessions: () => looks.liveSessions(),
    onStatus: (sessionId, status, at) => looks.onStatus(sessionId, status, at),
  });
  const looks = createSessionLooks({ wasend, clock, logger, runner, pollIntervalMs, render: deps.render, ...(deps.codeLifetimes ? { lifetimes: deps.codeLifetimes } : {}), onSessionsChanged: () => feed.wake() });

  function track<T>(work: Promise<T>): Promise<T> {
    inFlight.add(work);
    const forget = () => inFlight.delete(work);
    work.then(forget, forget);
    return work;
  }

  function sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        sleepers.delete(done);
        clock.clearTimeout(handle);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      const handle = clock.setTimeout(done, ms);
      sleepers.add(done);
      signal?.addEventListener('abort', done, { once: true });
    });
  }

  const acquireDeps: AcquireDeps = {
    wasend,
    clock,
    logger,
    fetchQr: looks.fetchQr,
    newerCode: looks.newerCode,
    sleep,
    codeWaitMs: deps.codeWaitMs ?? DEFAULT_CODE_WAIT_MS,
    stepMs: Math.min(pollIntervalMs, CODE_WAIT_STEP_MAX_MS),
  };

  function liveRows(read: () => LiveMessage[]): LiveMessage[] {
    try {
      return read();
    } catch (error) {
      logger.error({ err: describeError(error) }, 'could not read live QR messages');
      return [];
    }
  }

  /** The record of a message: in memory when live or pending, else rebuilt from a stored `showing` row. */
  function recordOf(chatId: number, messageId: number): LiveRecord | undefined {
    const known = records.get(recordKey(chatId, messageId));
    if (known !== undefined) return known;
    const row = liveRows(() => {
      const found = store.get(chatId, messageId);
      return found === undefined ? [] : [found];
    })[0];
    return row === undefined ? undefined : adopt(row);
  }

  /** Keeps a stored row in memory: `showing` rows as live, pending final views as pending, others not at all. */
  function adopt(row: LiveMessage): LiveRecord | undefined {
    const pending = finalViewOf(row);
    let state;
    if (row.state === 'showing') state = showingState(row.fingerprint);
    else if (pending !== undefined && row.finalEditSince !== undefined && row.finalEditSince !== null) state = pendingFinalState(pending, row.finalEditSince);
    else return undefined;
    const record: LiveRecord = { chatId: row.chatId, messageId: row.messageId, userId: row.userId, sessionId: row.sessionId, deadlineAt: row.deadlineAt, state };
    records.set(recordKey(row.chatId, row.messageId), record);
    return record;
  }

  /** Ends a live message (a no-op for one already ending); resolves when its final edit was answered. */
  function end(record: LiveRecord, view: FinalView): Promise<void> {
    return runner.dispatch(record, { type: 'end', view });
  }

  /** Runs opens of one session in one chat one after the other: the later one retires the earlier. */
  function serially<T>(key: string, task: () => Promise<T>): Promise<T> {
    const result = (openChains.get(key) ?? Promise.resolve()).then(task, task);
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    openChains.set(key, tail);
    void tail.then(() => {
      if (openChains.get(key) === tail) openChains.delete(key);
    });
    return result;
  }

  async function open(request: { chatId: number; userId: number; sessionId: string }): Promise<OpenOutcome> {
    const { chatId, userId, sessionId } = request;
    if (stopped) return { kind: 'unavailable', reason: 'down' };
    if (!mayShow(userId, sessionId)) return { kind: 'refused' };
    const pending: PendingOpen = { chatId, userId, sessionId, controller: new AbortController() };
    pendingOpens.add(pending);
    try {
      return await serially(`${chatId}:${sessionId}`, () => openNow(pending));
    } finally {
      pendingOpens.delete(pending);
    }
  }

  async function openNow(pending: PendingOpen): Promise<OpenOutcome> {
    const { chatId, userId, sessionId, controller } = pending;
    const { signal } = controller;
    const acquired = await acquireCode(acquireDeps, { sessionId, restart: false, userId, signal });
    if (acquired.kind === 'cancelled' && !mayShow(userId, sessionId)) return { kind: 'refused' };
    if (acquired.kind !== 'code') return acquired;
    const code = await codeShowOf(sessionId, acquired);
    if (code === undefined) return { kind: 'unavailable', reason: 'invalid_response' };
    if (signal.aborted || stopped) return { kind: stopped ? 'unavailable' : 'cancelled', ...(stopped ? { reason: 'down' } : {}) } as OpenOutcome;
    if (!mayShow(userId, sessionId)) return { kind: 'refused' };
    let messageId: number;
    try {
      ({ messageId } = await messenger.send(chatId, codeView(code, 1)));
    } catch (error) {
      logger.warn({ chatId, sessionId, err: describeError(error) }, 'could not send the QR photo');
      return { kind: 'unavailable', reason: 'telegram' };
    }
    const now = clock.now();
    const row: LiveMessage = {
      chatId,
      messageId,
      userId,
      sessionId,
      state: 'showing',
      fingerprint: code.fingerprint,
      expiresAt: expiresAtMs(acquired.fetched.qr),
      deadlineAt: now + watchTimeoutMs,
      createdAt: now,
      updatedAt: now,
    };
    try {
      store.save(row);
    } catch (error) {
      logger.error({ chatId, messageId, err: describeError(error) }, 'could not save the live QR message');
    }
    const record: LiveRecord = { chatId, messageId, userId, sessionId, deadlineAt: row.deadlineAt, state: showingState(code.fingerprint) };
    records.set(recordKey(chatId, messageId), record);
    // Access or the person's mind may have changed while the photo was on its way.
    if (!mayShow(userId, sessionId) || signal.aborted || stopped) {
      await end(record, { kind: 'cancelled', sessionId });
      return mayShow(userId, sessionId) ? { kind: 'cancelled' } : { kind: 'refused' };
    }
    looks.attach(record, acquired.fetched, acquired.timing);
    await retireEarlier(chatId, sessionId, messageId);
    return { kind: 'sent', messageId };
  }

  async function codeShowOf(sessionId: string, acquired: Acquired): Promise<CodeShow | undefined> {
    try {
      return await looks.codeShow(sessionId, acquired.fetched, acquired.timing);
    } catch (error) {
      logger.warn({ sessionId, err: describeError(error) }, 'QR code could not be rendered');
      return undefined;
    }
  }

  async function retireEarlier(chatId: number, sessionId: string, messageId: number): Promise<void> {
    const earlier = new Set<LiveRecord>();
    for (const row of liveRows(() => store.listLiveByChat(chatId))) {
      const record = row.sessionId === sessionId && row.messageId !== messageId ? recordOf(row.chatId, row.messageId) : undefined;
      if (record !== undefined) earlier.add(record);
    }
    for (const record of records.values()) {
      if (record.chatId === chatId && record.sessionId === sessionId && record.messageId !== messageId && record.state.kind === 'showing') earlier.add(record);
    }
    await Promise.all([...earlier].map((record) => end(record, { kind: 'retired', sessionId })));
  }

  async function renew(chatId: number, messageId: number, userId: number): Promise<OpenOutcome> {
    if (stopped) return { kind: 'unavailable', reason: 'down' };
    let row: LiveMessage | undefined;
    try {
      row = store.get(chatId, messageId);
    } catch (error) {
      logger.error({ chatId, messageId, err: describeError(error) }, 'could not read the live QR message');
      return { kind: 'unavailable', reason: 'down' };
    }
    if (row === undefined || row.state === 'gone') return { kind: 'not_found' };
    const { sessionId } = row;
    if (!mayShow(userId, sessionId)) return { kind: 'refused' };
    const live = records.get(recordKey(chatId, messageId));
    if (live?.state.kind === 'showing') {
      await looks.lookNow(sessionId, 'person');
      return { kind: 'sent', messageId };
    }
    const acquired = await acquireCode(acquireDeps, { sessionId, restart: true, userId });
    if (acquired.kind === 'already_connected') {
      const record = live ?? adopt(row);
      if (record !== undefined) await end(record, { kind: 'connected', sessionId });
      return acquired;
    }
    if (acquired.kind !== 'code') return acquired;
    const code = await codeShowOf(sessionId, acquired);
    if (code === undefined) return { kind: 'unavailable', reason: 'invalid_response' };
    if (!mayShow(userId, sessionId)) return { kind: 'refused' };
    return putRenewed(row, live, userId, acquired, code);
  }

  async function putRenewed(row: LiveMessage, live: LiveRecord | undefined, userId: number, acquired: Acquired, code: CodeShow): Promise<OpenOutcome> {
    const { chatId, messageId, sessionId } = row;
    const now = clock.now();
    const record: LiveRecord = live ?? { chatId, messageId, userId, sessionId, deadlineAt: row.deadlineAt, state: { kind: 'final', seq: 0, view: finalViewOf(row) ?? { kind: 'cancelled', sessionId } } };
    const previous = record.state.kind === 'final_pending' || record.state.kind === 'final' ? record.state.view : undefined;
    record.userId = userId;
    record.deadlineAt = now + watchTimeoutMs;
    records.set(recordKey(chatId, messageId), record);
    await runner.dispatch(record, { type: 'renew', code });
    const state = record.state as LiveRecord['state'];
    if (state.kind === 'gone') return { kind: 'not_found' };
    if (state.kind !== 'showing' || state.shown !== code.fingerprint) {
      await end(record, previous ?? { kind: 'expired', sessionId, reason: 'timed_out' });
      return { kind: 'unavailable', reason: 'down' };
    }
    try {
      store.update(chatId, messageId, {
        state: 'showing',
        fingerprint: code.fingerprint,
        expiresAt: expiresAtMs(acquired.fetched.qr),
        deadlineAt: record.deadlineAt,
        userId,
        expiredReason: null,
        finalEditSince: null,
      }, now);
    } catch (error) {
      logger.error({ chatId, messageId, err: describeError(error) }, 'could not save the renewed live QR message');
    }
    looks.attach(record, acquired.fetched, acquired.timing);
    return { kind: 'sent', messageId };
  }

  async function refresh(chatId: number, messageId: number): Promise<void> {
    const record = records.get(recordKey(chatId, messageId));
    if (record?.state.kind === 'final_pending') return runner.dispatch(record, { type: 'retry' });
    if (record?.state.kind === 'showing') await looks.lookNow(record.sessionId, 'person');
  }

  async function cancel(chatId: number, messageId: number): Promise<boolean> {
    const record = recordOf(chatId, messageId);
    if (record === undefined) return false;
    if (record.state.kind !== 'showing') {
      await runner.dispatch(record, { type: 'retry' });
      return false;
    }
    await end(record, { kind: 'cancelled', sessionId: record.sessionId });
    return true;
  }

  /** Ends the live messages and aborts the `/qr` in flight that `matches` picks; returns how many. */
  async function cancelWhere(rows: LiveMessage[], matches: (m: { chatId: number; userId: number; sessionId: string }) => boolean): Promise<number> {
    let count = 0;
    for (const pending of pendingOpens) {
      if (matches(pending) && !pending.controller.signal.aborted) {
        pending.controller.abort();
        count += 1;
      }
    }
    const targets = new Set<LiveRecord>();
    for (const row of rows) {
      const record = matches(row) ? recordOf(row.chatId, row.messageId) : undefined;
      if (record?.state.kind === 'showing') targets.add(record);
    }
    for (const record of records.values()) if (record.state.kind === 'showing' && matches(record)) targets.add(record);
    await Promise.all([...targets].map((record) => end(record, { kind: 'cancelled', sessionId: record.sessionId })));
    return count + targets.size;
  }

  async function resume(): Promise<void> {
    if (stopped) return;
    const pendingFinals = liveRows(() => store.listFinalPending());
    for (const row of pendingFinals) {
      const record = records.get(recordKey(row.chatId, row.messageId)) ?? adopt(row);
      if (record?.state.kind === 'final_pending') void track(runner.dispatch(record, { type: 'retry' }));
    }
    if (pendingFinals.length > 0) logger.info({ messages: pendingFinals.length }, 'retrying final views of live QR messages');
    const rows = liveRows(() => store.listLive());
    for (const row of rows) {
      if (records.has(recordKey(row.chatId, row.messageId))) continue;
      const record = adopt(row);
      if (record !== undefined) looks.attach(record);
    }
    if (rows.length > 0) logger.info({ messages: rows.length, sessions: looks.liveSessions().length }, 'resumed live QR messages');
  }

  async function stop(): Promise<void> {
    stopped = true;
    for (const pending of pendingOpens) pending.controller.abort();
    looks.halt();
    runner.stop();
    const feedStopped = feed.stop();
    for (const wakeUp of [...sleepers]) wakeUp();
    let graceTimer: unknown;
    const grace = new Promise<void>((resolve) => {
      graceTimer = clock.setTimeout(resolve, STOP_GRACE_MS);
    });
    await Promise.race([Promise.allSettled([...inFlight, ...runner.inFlight(), feedStopped]), grace]);
    clock.clearTimeout(graceTimer);
  }

  const guarded =
    <A extends unknown[], R>(fn: (...args: A) => Promise<R>) =>
    (...args: A): Promise<R> =>
      track(fn(...args));

  /** The last net under `open`/`renew`: a bug must not become an unhandled rejection in a bot handler. */
  const neverThrows =
    <A extends unknown[]>(name: string, fn: (...args: A) => Promise<OpenOutcome>) =>
    (...args: A): Promise<OpenOutcome> =>
      fn(...args).catch((error: unknown) => {
        logger.error({ err: describeError(error) }, `live QR ${name} failed unexpectedly`);
        return { kind: 'unavailable', reason: 'down' } as const;
      });

  return {
    open: guarded(neverThrows('open', open)),
    renew: guarded(neverThrows('renew', renew)),
    refresh: guarded(refresh),
    cancel: guarded(cancel),
    cancelChat: guarded((chatId: number, userId: number) =>
      cancelWhere(liveRows(() => store.listLiveByChat(chatId)), (m) => m.chatId === chatId && m.userId === userId),
    ),
    enforceAccess: guarded((userId: number) =>
      cancelWhere(liveRows(() => store.listLive()), (m) => m.userId === userId && !mayShow(m.userId, m.sessionId)),
    ),
    poke(sessionId, state) {
      if (stopped || !looks.liveSessions().includes(sessionId)) return;
      feed.poke();
      if (state !== 'connected' && state !== 'stopped' && state !== 'failed') void track(looks.lookNow(sessionId, 'rotation'));
    },
    noteWebhookEvent: (sessionId) => feed.noteWebhookEvent(sessionId),
    resume,
    liveSessions: () => looks.liveSessions(),
    feedStats: () => feed.stats(),
    stop,
  };
}
