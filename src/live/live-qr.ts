import { accessVerdict } from './access-verdict.js';
import type { AcquireDeps } from './acquire.js';
import { systemClock, type TimerHandle } from '../shared/clock.js';
import { createEffectRunner, type LiveRecord } from './effects.js';
import { describeError } from '../shared/describe-error.js';
import { createStatusFeed } from './feed.js';
import type { FinalView } from './message.js';
import { createOpener, type PendingOpen } from './open.js';
import { adoptRows, cancelWhere, pauseShowing } from './keep.js';
import {
  CODE_WAIT_STEP_MAX_MS,
  DEFAULT_CODE_WAIT_MS,
  DEFAULT_FINAL_EDIT_GIVE_UP_MS,
  DEFAULT_WEBHOOK_FRESH_MS,
  DEFAULT_WEBHOOK_POLL_FACTOR,
  SOLE_OWNER,
  MAX_FEED_TICK_MS,
  PAUSE_BUDGET_MS,
  STOP_GRACE_MS,
} from './defaults.js';
import { createPairing, DEFAULT_PAIRING_COOLDOWN_MS, DEFAULT_PAIRING_LIFETIME_MS } from './pairing.js';
import { LiveRecords } from './records.js';
import { createSessionLooks } from './session-runner.js';
import type { LiveQr, LiveQrDeps, OpenOutcome, OpenRequest, PairingRequest } from './types.js';

/**
 * The live QR messages: sends a code photo, then keeps it true in place (new code, connected, expired). Composes the
 * messages' reducer ({@link createEffectRunner}), the sessions' ({@link createSessionLooks}) and the one status feed.
 */
export function createLiveQr(deps: LiveQrDeps): LiveQr {
  const { wasend, store, messenger, logger, pollIntervalMs, watchTimeoutMs } = deps;
  const clock = deps.clock ?? systemClock;
  const mayShow = deps.mayShow ?? (() => true);
  const ownership = deps.ownership ?? SOLE_OWNER;
  const records = new LiveRecords(store, logger);
  const pendingOpens = new Set<PendingOpen>();
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
    onSettled: (record) => records.settle(record),
    mayShow: (record) => mayShow(record.userId, record.sessionId),
    mayEdit: (record) => ownership.holds(record.sessionId),
    onFenced: (record) => dropSession(record.sessionId),
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
    anyLive: () => looks.anyLive(),
    onStatus: (sessionId, status, at) => looks.onStatus(sessionId, status, at),
  });
  const looks = createSessionLooks({
    wasend,
    clock,
    logger,
    runner,
    pollIntervalMs,
    render: deps.render,
    ...(deps.codeLifetimes ? { lifetimes: deps.codeLifetimes } : {}),
    onSessionsChanged: () => feed.wake(),
    ...(deps.onCodeEdited ? { onCodeEdited: deps.onCodeEdited } : {}),
  });

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

  /** Ends a live message (a no-op for one already ending); resolves when its final edit was answered. */
  function end(record: LiveRecord, view: FinalView): Promise<void> {
    return runner.dispatch(record, { type: 'end', view });
  }

  const pairingLifetimeMs = deps.pairingLifetimeMs ?? DEFAULT_PAIRING_LIFETIME_MS;
  const pairing = createPairing({
    wasend,
    clock,
    logger,
    cooldownMs: deps.pairingCooldownMs ?? DEFAULT_PAIRING_COOLDOWN_MS,
    lifetimeMs: pairingLifetimeMs,
  });

  const opener = createOpener({
    pairing,
    store,
    messenger,
    logger,
    clock,
    runner,
    looks,
    records,
    acquire: acquireDeps,
    watchTimeoutMs,
    pendingOpens,
    ...(deps.photoIntents ? { photoIntents: deps.photoIntents } : {}),
    ...(deps.instanceId !== undefined ? { holder: deps.instanceId } : {}),
    mayShow,
    maxLivePerUser: deps.maxLivePerUser ?? (() => Number.POSITIVE_INFINITY),
    isStopped: () => stopped,
  });

  async function refresh(chatId: number, messageId: number): Promise<boolean> {
    const record = records.get(chatId, messageId);
    if (record?.state.kind === 'final_pending') {
      await runner.dispatch(record, { type: 'retry' });
      return false;
    }
    if (record?.state.kind !== 'showing') return false;
    const showing = (state: LiveRecord['state']) => (state.kind === 'showing' ? (state.wanted?.fingerprint ?? state.shown) : null);
    const before = showing(record.state);
    await looks.lookNow(record.sessionId, 'person');
    return showing(record.state) !== before;
  }

  async function cancel(chatId: number, messageId: number): Promise<boolean> {
    const record = await records.find(chatId, messageId);
    if (record === undefined) return false;
    if (record.state.kind !== 'showing') {
      await runner.dispatch(record, { type: 'retry' });
      return false;
    }
    await end(record, { kind: 'cancelled', sessionId: record.sessionId });
    return true;
  }

  /** The session of a message, from memory or the store (undefined when neither knows it). */
  async function sessionOf(chatId: number, messageId: number): Promise<string | undefined> {
    const known = records.get(chatId, messageId);
    if (known !== undefined) return known.sessionId;
    try {
      return (await store.get(chatId, messageId))?.sessionId;
    } catch {
      return undefined;
    }
  }

  /** Runs work on a message as the owner of its session (a message nobody knows runs as it is, and finds nothing). */
  async function asOwnerOf<T>(chatId: number, messageId: number, work: () => Promise<T>, otherwise: () => T): Promise<T> {
    const sessionId = await sessionOf(chatId, messageId);
    return sessionId === undefined ? work() : ownership.run(sessionId, work, otherwise);
  }

  const cancelDeps = { pendingOpens, records, ownership, end };
  const adoptDeps = { records, runner, looks, pairing, pairingLifetimeMs, track };

  async function adoptSession(sessionId: string): Promise<number> {
    if (stopped) return 0;
    const finals = (await records.rows((rows) => rows.listFinalPending())).filter((row) => row.sessionId === sessionId);
    const adopted = adoptRows(adoptDeps, finals, await records.rows((rows) => rows.listLiveBySession(sessionId)));
    const count = adopted.finals + adopted.live;
    if (count > 0) logger.info({ sessionId, messages: count }, 'keeping the live QR messages of a session taken over');
    return count;
  }

  function dropSession(sessionId: string): void {
    for (const record of [...records.values()]) {
      if (record.sessionId !== sessionId) continue;
      runner.forget(record);
      looks.detach(record);
      records.settle(record);
    }
  }

  async function resume(): Promise<void> {
    // With several instances, sessions are adopted one by one as their owners' leases run out (see src/cluster/).
    if (stopped || !ownership.solo) return;
    const adopted = adoptRows(adoptDeps, await records.rows((rows) => rows.listFinalPending()), await records.rows((rows) => rows.listLive()));
    if (adopted.finals > 0) logger.info({ messages: adopted.finals }, 'retrying final views of live QR messages');
    if (adopted.live > 0) logger.info({ messages: adopted.live, sessions: looks.liveSessions().length }, 'resumed live QR messages');
    void track(opener.sweepIntents());
  }

  async function stop(): Promise<void> {
    stopped = true;
    for (const pending of pendingOpens) pending.controller.abort();
    looks.halt();
    runner.stop();
    const feedStopped = feed.stop();
    for (const wakeUp of [...sleepers]) wakeUp();
    let graceTimer: TimerHandle | undefined;
    const grace = new Promise<void>((resolve) => {
      graceTimer = clock.setTimeout(resolve, STOP_GRACE_MS);
    });
    await Promise.race([Promise.allSettled([...inFlight, ...runner.inFlight(), feedStopped]), grace]);
    if (graceTimer !== undefined) clock.clearTimeout(graceTimer);
    if (deps.pauseOnStop) await pauseShowing({ records, clock, messenger, logger }, PAUSE_BUDGET_MS);
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

  const unavailable = (): OpenOutcome => (stopped ? { kind: 'unavailable', reason: 'down' } : { kind: 'unavailable', reason: 'busy' });
  return {
    open: guarded(neverThrows('open', (request: OpenRequest) => ownership.run(request.sessionId, () => opener.open(request), unavailable))),
    renew: guarded(
      neverThrows('renew', (chatId: number, messageId: number, userId: number, pairingRequest?: PairingRequest) =>
        asOwnerOf(chatId, messageId, () => opener.renew(chatId, messageId, userId, pairingRequest), unavailable),
      ),
    ),
    refresh: guarded((chatId: number, messageId: number) =>
      asOwnerOf(
        chatId,
        messageId,
        () => refresh(chatId, messageId),
        () => false,
      ),
    ),
    cancel: guarded((chatId: number, messageId: number) =>
      asOwnerOf(
        chatId,
        messageId,
        () => cancel(chatId, messageId),
        () => false,
      ),
    ),
    cancelChat: guarded(async (chatId: number, userId: number) =>
      cancelWhere(cancelDeps, await records.rows((rows) => rows.listLiveByChat(chatId)), (m) => m.chatId === chatId && m.userId === userId),
    ),
    enforceAccess: guarded(async (userId: number) =>
      cancelWhere(
        cancelDeps,
        await records.rows((rows) => rows.listLive()),
        async (m) => m.userId === userId && (await accessVerdict(() => mayShow(m.userId, m.sessionId), m.sessionId, logger)) === 'no',
      ),
    ),
    poke(sessionId, state, passkeyCode) {
      if (stopped) return;
      if (state === 'passkey_confirmation' && passkeyCode !== undefined) looks.notePasskeyCode(sessionId, passkeyCode);
      if (looks.isLive(sessionId)) feed.poke();
      // Also remembered for a session whose first message is being stored right now.
      const noCode =
        state === 'connected' || state === 'stopped' || state === 'failed' || state === 'passkey_required' || state === 'passkey_confirmation';
      if (!noCode) void track(looks.lookNow(sessionId, 'rotation'));
    },
    noteWebhookEvent: (sessionId) => feed.noteWebhookEvent(sessionId),
    resume,
    adoptSession: (sessionId) => track(adoptSession(sessionId)),
    dropSession,
    hasWork: (sessionId) => looks.isLive(sessionId) || records.holdsSession(sessionId),
    sweepStrays: (alive, olderThanMs) =>
      track(opener.sweepIntents((intent) => !alive.includes(intent.holder ?? '') && clock.now() - intent.createdAt >= olderThanMs)),
    liveSessions: () => looks.liveSessions(),
    sessionStates: () => looks.states(),
    feedStats: () => feed.stats(),
    stop,
  };
}
