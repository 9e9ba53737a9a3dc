import type { LogSink } from '../logger.js';
import type { LiveMessage, LiveMessageStore } from '../store/types.js';
import { acquireCode, type AcquireDeps, type Acquired } from './acquire.js';
import type { Clock } from './clock.js';
import type { EffectRunner, LiveRecord } from './effects.js';
import { describeError } from './failures.js';
import { finalViewOf, showingState, type CodeShow, type FinalView } from './message.js';
import type { LiveRecords } from './records.js';
import { expiresAtMs } from './session-code.js';
import type { SessionLooks } from './session-looks.js';
import type { OpenOutcome, QrMessenger, QrView } from './types.js';

/** A `/qr` waiting for its code, so that `/cancel` and a revoke can reach it. */
export interface PendingOpen {
  readonly chatId: number;
  readonly userId: number;
  readonly sessionId: string;
  readonly controller: AbortController;
}

export interface OpenerContext {
  readonly store: LiveMessageStore;
  readonly messenger: QrMessenger;
  readonly logger: LogSink;
  readonly clock: Clock;
  readonly runner: EffectRunner;
  readonly looks: SessionLooks;
  readonly records: LiveRecords;
  readonly acquire: AcquireDeps;
  readonly watchTimeoutMs: number;
  /** The `/qr` waiting for a code now (the opener adds and removes its own). */
  readonly pendingOpens: Set<PendingOpen>;
  mayShow(userId: number, sessionId: string): boolean;
  maxLivePerUser(userId: number): number;
  isStopped(): boolean;
}

export interface Opener {
  open(request: { chatId: number; userId: number; sessionId: string }): Promise<OpenOutcome>;
  renew(chatId: number, messageId: number, userId: number): Promise<OpenOutcome>;
}

function codeView(code: CodeShow, codeNumber: number): QrView {
  const { sessionId, png, fingerprint, expiresAt } = code;
  return { kind: 'code', sessionId, png, fingerprint, expiresAt, ...(code.estimated ? { estimated: true } : {}), codeNumber };
}

/**
 * Opening live messages: `/qr` (a code acquired for a person, sent as a photo, stored, then watched) and
 * "New QR" (a fresh series put into the same message). Access is asked again right before the photo goes
 * out and right after it is stored.
 */
export function createOpener(ctx: OpenerContext): Opener {
  const { store, messenger, logger, clock, runner, looks, records, watchTimeoutMs } = ctx;
  const mayShow = (userId: number, sessionId: string) => ctx.mayShow(userId, sessionId);
  const acquireDeps = ctx.acquire;
  const openChains = new Map<string, Promise<unknown>>();

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
    if (ctx.isStopped()) return { kind: 'unavailable', reason: 'down' };
    if (!mayShow(userId, sessionId)) return { kind: 'refused' };
    const limit = ctx.maxLivePerUser(userId);
    if (liveOf(userId, chatId, sessionId) >= limit) return { kind: 'too_many', limit };
    const pending: PendingOpen = { chatId, userId, sessionId, controller: new AbortController() };
    ctx.pendingOpens.add(pending);
    try {
      return await serially(`${chatId}:${sessionId}`, () => openNow(pending));
    } finally {
      ctx.pendingOpens.delete(pending);
    }
  }

  /** The user's live messages and `/qr` in flight, but for what opening `sessionId` in `chatId` would replace. */
  function liveOf(userId: number, chatId: number, sessionId: string): number {
    let count = 0;
    for (const record of records.values()) {
      const replaced = record.chatId === chatId && record.sessionId === sessionId;
      if (record.userId === userId && record.state.kind === 'showing' && !replaced) count += 1;
    }
    for (const pending of ctx.pendingOpens) {
      if (pending.userId === userId && !(pending.chatId === chatId && pending.sessionId === sessionId)) count += 1;
    }
    return count;
  }

  async function openNow(pending: PendingOpen): Promise<OpenOutcome> {
    const { chatId, userId, sessionId, controller } = pending;
    const { signal } = controller;
    const acquired = await acquireCode(acquireDeps, { sessionId, restart: false, userId, signal });
    if (acquired.kind === 'cancelled' && !mayShow(userId, sessionId)) return { kind: 'refused' };
    if (acquired.kind !== 'code') return acquired;
    const code = await codeShowOf(sessionId, acquired);
    if (code === undefined) return { kind: 'unavailable', reason: 'invalid_response' };
    if (signal.aborted || ctx.isStopped()) return ctx.isStopped() ? { kind: 'unavailable', reason: 'down' } : { kind: 'cancelled' };
    if (!mayShow(userId, sessionId)) return { kind: 'refused' };
    let messageId: number;
    try {
      ({ messageId } = await messenger.send(chatId, codeView(code, 1)));
      // From here on it is a live message, which /cancel and a revoke reach as such.
      ctx.pendingOpens.delete(pending);
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
    records.set(record);
    // Access or the person's mind may have changed while the photo was on its way.
    if (!mayShow(userId, sessionId) || signal.aborted || ctx.isStopped()) {
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
    for (const row of records.rows((store) => store.listLiveByChat(chatId))) {
      const record = row.sessionId === sessionId && row.messageId !== messageId ? records.find(row.chatId, row.messageId) : undefined;
      if (record !== undefined) earlier.add(record);
    }
    for (const record of records.values()) {
      if (record.chatId === chatId && record.sessionId === sessionId && record.messageId !== messageId && record.state.kind === 'showing') earlier.add(record);
    }
    await Promise.all([...earlier].map((record) => end(record, { kind: 'retired', sessionId })));
  }

  async function renew(chatId: number, messageId: number, userId: number): Promise<OpenOutcome> {
    if (ctx.isStopped()) return { kind: 'unavailable', reason: 'down' };
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
    const live = records.get(chatId, messageId);
    if (live?.state.kind === 'showing') {
      await looks.lookNow(sessionId, 'person');
      return { kind: 'sent', messageId };
    }
    const acquired = await acquireCode(acquireDeps, { sessionId, restart: true, userId });
    if (acquired.kind === 'already_connected') {
      const record = live ?? records.adopt(row);
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
    records.set(record);
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


  return { open, renew };
}
