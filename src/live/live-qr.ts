import type { LiveMessage } from '../store/types.js';
import type { NormalizedQr, QrPayload } from '../wasend/types.js';
import { systemClock } from './clock.js';
import { classifyWasendError, describeError } from './failures.js';
import { createFinalEdits, DEFAULT_FINAL_EDIT_GIVE_UP_MS, finalViewOf, type FinalView } from './final-edits.js';
import { codeExpiry } from './schedule.js';
import type { LiveQr, LiveQrDeps, OpenOutcome, QrView } from './types.js';
import {
  codeViewOf,
  createSessionWatcher,
  expiresAtMs,
  messageKey,
  trackedFrom,
  type ObservedTiming,
  type QrFetch,
  type SessionWatcher,
  type WatcherContext,
} from './watcher.js';

/** Default of {@link LiveQrDeps.codeWaitMs}. */
export const DEFAULT_CODE_WAIT_MS = 30_000;
/** Default of {@link LiveQrDeps.webhookPollFactor}. */
export const DEFAULT_WEBHOOK_POLL_FACTOR = 3;
/** Default of {@link LiveQrDeps.webhookFreshMs}: 5 minutes. */
export const DEFAULT_WEBHOOK_FRESH_MS = 300_000;
/** Sessions whose last webhook event is remembered; older ones are dropped beyond this. */
const WEBHOOK_SESSIONS_KEPT = 4_096;
/** Longest wait of `stop()` for work in flight. */
const STOP_GRACE_MS = 3_000;
/** Gap between two `getQr` calls while `open` waits for the first code. */
const CODE_WAIT_STEP_MAX_MS = 1_000;
/**
 * Rendered PNGs kept (one per fingerprint, least recently used dropped first). Must exceed the number of
 * sessions shown at once, or every `/qr` re-renders (a few KiB each).
 */
const PNG_CACHE_SIZE = 1_024;

type Acquired = { readonly kind: 'code'; readonly qr: NormalizedQr; readonly at: number; readonly timing: ObservedTiming };

function acquiredFrom(fetched: QrFetch, firstOfSeries: boolean, bornAfter: number | null): Acquired {
  return { kind: 'code', qr: fetched.qr, at: fetched.at, timing: { firstOfSeries, bornAfter, seenAt: fetched.seenAt } };
}

/**
 * The live QR messages: sends a code photo, then keeps it true in place (new code, connected, expired)
 * with one watcher per session, however many messages show it. Never throws out of `open`/`renew`.
 */
export function createLiveQr(deps: LiveQrDeps): LiveQr {
  const { wasend, store, messenger, render, logger, pollIntervalMs, watchTimeoutMs } = deps;
  const clock = deps.clock ?? systemClock;
  const codeWaitMs = deps.codeWaitMs ?? DEFAULT_CODE_WAIT_MS;
  const webhookPollFactor = Math.max(1, deps.webhookPollFactor ?? DEFAULT_WEBHOOK_POLL_FACTOR);
  const webhookFreshMs = deps.webhookFreshMs ?? DEFAULT_WEBHOOK_FRESH_MS;
  /** When the last webhook event of each session arrived (insertion order = oldest first). */
  const webhookSeenAt = new Map<string, number>();
  const watchers = new Map<string, SessionWatcher>();
  const inFlight = new Set<Promise<unknown>>();
  const sleepers = new Set<() => void>();
  const tails = new Map<string, Promise<unknown>>();
  const pngs = new Map<string, Promise<Buffer>>();
  const qrFetches = new Map<string, Promise<QrFetch>>();
  let stopped = false;

  function track<T>(work: Promise<T>): Promise<T> {
    inFlight.add(work);
    const forget = () => inFlight.delete(work);
    work.then(forget, forget);
    return work;
  }

  function sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        sleepers.delete(done);
        clock.clearTimeout(handle);
        resolve();
      };
      const handle = clock.setTimeout(done, ms);
      sleepers.add(done);
    });
  }

  function fetchQr(sessionId: string): Promise<QrFetch> {
    const pending = qrFetches.get(sessionId);
    if (pending) return pending;
    const at = clock.now();
    const fetching = wasend.getQr(sessionId, { priority: 'live' }).then((qr) => ({ qr, at, seenAt: clock.now() }));
    qrFetches.set(sessionId, fetching);
    const forget = () => {
      if (qrFetches.get(sessionId) === fetching) qrFetches.delete(sessionId);
    };
    fetching.then(forget, forget);
    return fetching;
  }

  function pngFor(fingerprint: string, payload: QrPayload): Promise<Buffer> {
    const cached = pngs.get(fingerprint);
    if (cached) {
      pngs.delete(fingerprint);
      pngs.set(fingerprint, cached);
      return cached;
    }
    const rendering = render(payload);
    pngs.set(fingerprint, rendering);
    rendering.catch(() => pngs.delete(fingerprint));
    while (pngs.size > PNG_CACHE_SIZE) {
      const oldest = pngs.keys().next().value;
      if (oldest === undefined) break;
      pngs.delete(oldest);
    }
    return rendering;
  }

  function withMessage<T>(chatId: number, messageId: number, task: () => Promise<T>): Promise<T> {
    const key = messageKey(chatId, messageId);
    const result = (tails.get(key) ?? Promise.resolve()).then(task);
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    tails.set(key, tail);
    void tail.then(() => {
      if (tails.get(key) === tail) tails.delete(key);
    });
    return result;
  }

  function persist(chatId: number, messageId: number, patch: Parameters<typeof store.update>[2]): void {
    try {
      store.update(chatId, messageId, patch, clock.now());
    } catch (error) {
      logger.error({ chatId, messageId, err: describeError(error) }, 'could not save live QR message state');
    }
  }

  const finals = createFinalEdits({
    messenger,
    logger,
    clock,
    retryBaseMs: pollIntervalMs,
    giveUpMs: deps.finalEditGiveUpMs ?? DEFAULT_FINAL_EDIT_GIVE_UP_MS,
    persist,
    withMessage,
    track: (work) => void track(work),
  });

  function linkPollIntervalMs(sessionId: string): number {
    const seenAt = webhookSeenAt.get(sessionId);
    return seenAt !== undefined && clock.now() - seenAt < webhookFreshMs ? pollIntervalMs * webhookPollFactor : pollIntervalMs;
  }

  const context: WatcherContext = {
    wasend,
    messenger,
    logger,
    clock,
    pollIntervalMs,
    linkPollIntervalMs,
    finals,
    fetchQr,
    pngFor,
    withMessage,
    persist,
    isStopped: () => stopped,
    track: (work) => void track(work),
    onIdle: (watcher) => {
      if (watchers.get(watcher.sessionId) === watcher) watchers.delete(watcher.sessionId);
    },
  };

  function watcherFor(sessionId: string): SessionWatcher {
    let watcher = watchers.get(sessionId);
    if (watcher === undefined) {
      watcher = createSessionWatcher(sessionId, context);
      watchers.set(sessionId, watcher);
    }
    return watcher;
  }

  function findTracked(chatId: number, messageId: number): SessionWatcher | undefined {
    for (const watcher of watchers.values()) {
      if (watcher.messages().some((m) => m.chatId === chatId && m.messageId === messageId)) return watcher;
    }
    return undefined;
  }

  function failureOutcome(error: unknown, sessionId: string, step: string): OpenOutcome {
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

  /** A code the session's watcher saw in a look that went out after `after` (newer than our "not ready"). */
  function newerCode(sessionId: string, after: number): QrFetch | undefined {
    const latest = watchers.get(sessionId)?.latest();
    return latest !== null && latest !== undefined && latest.at > after ? latest : undefined;
  }

  /**
   * Asks for the code first (one request when the session shows one), else reads the session, (re)starts it
   * when needed, then waits up to `codeWaitMs` for a code. `restart` starts a fresh series whatever the state.
   */
  async function acquireCode(sessionId: string, restart: boolean): Promise<Acquired | OpenOutcome> {
    let askedAt: number | null = null;
    if (!restart) {
      askedAt = clock.now();
      try {
        return acquiredFrom(await fetchQr(sessionId), false, null);
      } catch (error) {
        if (classifyWasendError(error) !== 'not_ready') return failureOutcome(error, sessionId, 'getQr');
        const newer = newerCode(sessionId, askedAt);
        if (newer) return acquiredFrom(newer, false, null);
      }
    }
    let state;
    try {
      state = (await wasend.getSession(sessionId, { priority: 'live' })).status.state;
    } catch (error) {
      return failureOutcome(error, sessionId, 'getSession');
    }
    if (state === 'connected') return { kind: 'already_connected' };
    const action = state === 'stopped' ? 'start' : restart || state === 'failed' ? 'restart' : null;
    let startedAt: number | null = null;
    if (action !== null) {
      startedAt = clock.now();
      try {
        await (action === 'start' ? wasend.startSession(sessionId) : wasend.restartSession(sessionId));
      } catch (error) {
        return failureOutcome(error, sessionId, `${action}Session`);
      }
    }
    const firstOfSeries = startedAt !== null || state === 'starting';
    let lastNoCodeAt = startedAt;
    /** A code the watcher saw after this is as good as ours (our answers and its looks may interleave). */
    let noCodeSince = startedAt ?? askedAt;
    const giveUpAt = clock.now() + codeWaitMs;
    const step = Math.min(pollIntervalMs, CODE_WAIT_STEP_MAX_MS);
    for (;;) {
      if (stopped) return { kind: 'unavailable', reason: 'down' };
      const at = clock.now();
      const bornAfter = firstOfSeries ? lastNoCodeAt : null;
      try {
        return acquiredFrom(await fetchQr(sessionId), firstOfSeries, bornAfter);
      } catch (error) {
        if (classifyWasendError(error) !== 'not_ready') return failureOutcome(error, sessionId, 'getQr');
        const newer = newerCode(sessionId, noCodeSince ?? at);
        if (newer) return acquiredFrom(newer, firstOfSeries, bornAfter);
        lastNoCodeAt = at;
        noCodeSince = at;
      }
      if (clock.now() + step > giveUpAt) return { kind: 'no_code' };
      await sleep(step);
    }
  }

  /** The first view of an acquired code; undefined (logged) when it cannot be rendered. */
  async function firstCodeView(sessionId: string, acquired: Acquired): Promise<QrView | undefined> {
    const { qr, timing } = acquired;
    let png: Buffer;
    try {
      png = await pngFor(qr.fingerprint, qr.payload);
    } catch (error) {
      logger.warn({ sessionId, err: describeError(error) }, 'QR code could not be rendered');
      return undefined;
    }
    const expiry =
      watchers.get(sessionId)?.expiryOf(qr.fingerprint) ??
      codeExpiry({
        expiresAt: expiresAtMs(qr),
        bornAfter: timing.bornAfter,
        firstOfSeries: timing.firstOfSeries,
        seenAt: timing.seenAt ?? null,
      });
    return codeViewOf(sessionId, png, qr.fingerprint, expiry, 1);
  }

  function watch(row: LiveMessage, acquired: Acquired): void {
    const watcher = watcherFor(row.sessionId);
    watcher.observe(acquired.qr, acquired.at, acquired.timing);
    watcher.attach(trackedFrom(row));
  }

  /**
   * Takes a message out of its watcher and edits it to a final view at once, without waiting for a code
   * edit of that message in flight. A refused edit stays pending in `finals` (retried until Telegram takes
   * it). A code edit in flight may reach Telegram after ours, so the final view is put again once that edit
   * is answered.
   */
  async function finishMessage(row: Pick<LiveMessage, 'chatId' | 'messageId' | 'sessionId'>, view: FinalView) {
    const { chatId, messageId } = row;
    const target = { chatId, messageId, sessionId: row.sessionId };
    watchers.get(row.sessionId)?.detach(chatId, messageId);
    const overtaken = tails.has(messageKey(chatId, messageId));
    const result = await finals.put(target, view);
    if (!overtaken || result === 'gone' || result === 'failed') return;
    void track(
      withMessage(chatId, messageId, async () => {
        if (finals.has(chatId, messageId)) return; // a retry of its own is scheduled
        await finals.put(target, view);
      }),
    );
  }

  function liveInChat(chatId: number): LiveMessage[] {
    try {
      return store.listLiveByChat(chatId);
    } catch (error) {
      logger.error({ chatId, err: describeError(error) }, 'could not read live QR messages');
      return [];
    }
  }

  async function open(request: { chatId: number; userId: number; sessionId: string }): Promise<OpenOutcome> {
    const { chatId, userId, sessionId } = request;
    if (stopped) return { kind: 'unavailable', reason: 'down' };
    const acquired = await acquireCode(sessionId, false);
    if (acquired.kind !== 'code') return acquired;
    const view = await firstCodeView(sessionId, acquired);
    if (view === undefined) return { kind: 'unavailable', reason: 'invalid_response' };
    let messageId: number;
    try {
      ({ messageId } = await messenger.send(chatId, view));
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
      fingerprint: acquired.qr.fingerprint,
      expiresAt: expiresAtMs(acquired.qr),
      deadlineAt: now + watchTimeoutMs,
      createdAt: now,
      updatedAt: now,
    };
    try {
      store.save(row);
    } catch (error) {
      logger.error({ chatId, messageId, err: describeError(error) }, 'could not save the live QR message');
    }
    const earlier = new Map<number, LiveMessage | { chatId: number; messageId: number; sessionId: string }>();
    for (const m of liveInChat(chatId)) if (m.sessionId === sessionId) earlier.set(m.messageId, m);
    for (const m of watchers.get(sessionId)?.messages() ?? []) if (m.chatId === chatId) earlier.set(m.messageId, { ...m, sessionId });
    earlier.delete(messageId);
    watch(row, acquired);
    await Promise.all([...earlier.values()].map((m) => finishMessage(m, { kind: 'retired', sessionId })));
    return { kind: 'sent', messageId };
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
    if (row.state === 'showing' && findTracked(chatId, messageId)) {
      await refresh(chatId, messageId);
      return { kind: 'sent', messageId };
    }
    const acquired = await acquireCode(sessionId, true);
    if (acquired.kind === 'already_connected') {
      await finishMessage(row, { kind: 'connected', sessionId });
      return acquired;
    }
    if (acquired.kind !== 'code') return acquired;
    const view = await firstCodeView(sessionId, acquired);
    if (view === undefined) return { kind: 'unavailable', reason: 'invalid_response' };
    findTracked(chatId, messageId)?.detach(chatId, messageId);
    const pendingFinal = finals.has(chatId, messageId) ? finalViewOf(row) : undefined;
    finals.forget(chatId, messageId);
    const result = await withMessage(chatId, messageId, async () => {
      try {
        return await messenger.edit(chatId, messageId, view);
      } catch (error) {
        logger.warn({ chatId, messageId, err: describeError(error) }, 'could not put the new QR code in the message');
        return 'failed' as const;
      }
    });
    if (result === 'failed') {
      if (pendingFinal) finals.record({ chatId, messageId, sessionId }, pendingFinal, 'failed');
      return { kind: 'unavailable', reason: 'down' };
    }
    if (result === 'gone') {
      persist(chatId, messageId, { state: 'gone' });
      return { kind: 'not_found' };
    }
    const now = clock.now();
    const renewed: LiveMessage = {
      ...row,
      userId,
      state: 'showing',
      fingerprint: acquired.qr.fingerprint,
      expiresAt: expiresAtMs(acquired.qr),
      deadlineAt: now + watchTimeoutMs,
      updatedAt: now,
      expiredReason: null,
      finalEditSince: null,
    };
    try {
      store.update(chatId, messageId, {
        state: renewed.state,
        fingerprint: renewed.fingerprint,
        expiresAt: renewed.expiresAt,
        deadlineAt: renewed.deadlineAt,
        userId,
        expiredReason: null,
        finalEditSince: null,
      }, now);
    } catch (error) {
      logger.error({ chatId, messageId, err: describeError(error) }, 'could not save the renewed live QR message');
    }
    watch(renewed, acquired);
    return { kind: 'sent', messageId };
  }

  async function refresh(chatId: number, messageId: number): Promise<void> {
    if (finals.has(chatId, messageId)) return finals.retryNow(chatId, messageId);
    await findTracked(chatId, messageId)?.lookNow();
  }

  async function cancel(chatId: number, messageId: number): Promise<boolean> {
    const watcher = findTracked(chatId, messageId);
    let row: LiveMessage | undefined;
    try {
      row = store.get(chatId, messageId);
    } catch (error) {
      logger.error({ chatId, messageId, err: describeError(error) }, 'could not read the live QR message');
    }
    const sessionId = watcher?.sessionId ?? (row?.state === 'showing' ? row.sessionId : undefined);
    if (sessionId === undefined) {
      await finals.retryNow(chatId, messageId);
      return false;
    }
    await finishMessage({ chatId, messageId, sessionId }, { kind: 'cancelled', sessionId });
    return true;
  }

  async function cancelChat(chatId: number, userId: number): Promise<number> {
    const targets = new Map<number, { chatId: number; messageId: number; sessionId: string }>();
    for (const m of liveInChat(chatId)) if (m.userId === userId) targets.set(m.messageId, m);
    for (const watcher of watchers.values()) {
      for (const m of watcher.messages()) {
        if (m.chatId === chatId && m.userId === userId) targets.set(m.messageId, { ...m, sessionId: watcher.sessionId });
      }
    }
    await Promise.all(
      [...targets.values()].map((m) => finishMessage(m, { kind: 'cancelled', sessionId: m.sessionId })),
    );
    return targets.size;
  }

  async function resume(): Promise<void> {
    if (stopped) return;
    let rows: LiveMessage[];
    let pendingFinals: LiveMessage[];
    try {
      rows = store.listLive();
      pendingFinals = store.listFinalPending();
    } catch (error) {
      logger.error({ err: describeError(error) }, 'could not read live QR messages to resume');
      return;
    }
    finals.resume(pendingFinals);
    if (pendingFinals.length > 0) logger.info({ messages: pendingFinals.length }, 'retrying final views of live QR messages');
    for (const row of rows) {
      if (findTracked(row.chatId, row.messageId)) continue;
      watcherFor(row.sessionId).attach(trackedFrom(row));
    }
    if (rows.length > 0) logger.info({ messages: rows.length, sessions: watchers.size }, 'resumed live QR messages');
  }

  async function stop(): Promise<void> {
    stopped = true;
    finals.stop();
    for (const watcher of watchers.values()) watcher.halt();
    for (const wakeUp of [...sleepers]) wakeUp();
    let graceTimer: unknown;
    const grace = new Promise<void>((resolve) => {
      graceTimer = clock.setTimeout(resolve, STOP_GRACE_MS);
    });
    await Promise.race([Promise.allSettled([...inFlight]), grace]);
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
    cancelChat: guarded(cancelChat),
    poke(sessionId) {
      if (!stopped) watchers.get(sessionId)?.poke();
    },
    noteWebhookEvent(sessionId) {
      webhookSeenAt.delete(sessionId);
      webhookSeenAt.set(sessionId, clock.now());
      if (webhookSeenAt.size > WEBHOOK_SESSIONS_KEPT) {
        const oldest = webhookSeenAt.keys().next().value;
        if (oldest !== undefined) webhookSeenAt.delete(oldest);
      }
    },
    resume,
    liveSessions: () => [...watchers.keys()].sort(),
    stop,
  };
}
