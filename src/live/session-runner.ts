/**
 * Runs the session reducer (`session.ts`): keeps each watched session's state and its messages, performs the
 * effects the reducer decides (looks, passkey codes, handing faces to messages, ends, timers) and feeds their
 * results back as events. A new code is rendered once and handed to every message that does not show it yet.
 */
import { LRUCache } from 'lru-cache';
import type { TimerHandle } from '../shared/clock.js';
import { describeError } from '../shared/describe-error.js';
import { BudgetSkippedError } from '../wasend/errors.js';
import type { RequestLane } from '../wasend/types.js';
import type { QrFetch } from './acquire.js';
import type { LiveRecord } from './effects.js';
import { recordKey } from './effects.js';
import { classifyWasendError, retryAfterOf } from './failures.js';
import type { CodeShow, FinalView } from './message.js';
import { createQrSource } from './qr-source.js';
import type { SessionLooks, SessionLooksDeps } from './session-looks.js';
import {
  initialSession,
  passkeyShow,
  reduceSession,
  type LookFailure,
  type Member,
  type SessionEffect,
  type SessionEvent,
  type SessionState,
} from './session.js';

export type { SessionLooks, SessionLooksDeps } from './session-looks.js';

const memberOf = (record: LiveRecord, since: number): Member => ({
  since,
  deadlineAt: record.deadlineAt,
  pairingUntil: record.pairing?.expiresAt ?? null,
});

/** An expired view for the message, saying whether it showed a pairing code. */
function viewFor(record: LiveRecord, view: FinalView): FinalView {
  return view.kind === 'expired' && record.pairing ? { ...view, pairing: true } : view;
}

function failureOf(error: unknown): LookFailure {
  if (error instanceof BudgetSkippedError) return 'budget';
  const failure = classifyWasendError(error);
  return failure === 'connected' || failure === 'not_found' || failure === 'not_ready' ? failure : 'other';
}

export function createSessionLooks(deps: SessionLooksDeps): SessionLooks {
  const { clock, logger, runner } = deps;
  const settings = { pollIntervalMs: deps.pollIntervalMs };
  const sessions = new Map<string, SessionState>();
  const records = new Map<string, Map<string, LiveRecord>>();
  const timers = new Map<string, TimerHandle>();
  /** Forced looks asked for a session with no live message yet (a `/qr` may be storing its photo right now). */
  const pokedEarly = new LRUCache<string, { at: number; lane: RequestLane }>({ max: 1_024, ttl: 60_000 });
  const source = createQrSource({
    wasend: deps.wasend,
    clock,
    render: deps.render,
    ...(deps.lifetimes ? { lifetimes: deps.lifetimes } : {}),
    codeOf: (id) => sessions.get(id)?.code,
  });
  let halted = false;

  /** Feeds one event to the session's reducer and performs its effects; resolves when they (and what they led to) are done. */
  function step(sessionId: string, event: SessionEvent): Promise<void> {
    const state = sessions.get(sessionId);
    if (state === undefined) return Promise.resolve();
    const { state: next, effects } = reduceSession(state, event, settings);
    sessions.set(sessionId, next);
    return Promise.all(effects.map((effect) => perform(sessionId, effect))).then(() => undefined);
  }

  function disarm(sessionId: string): void {
    const timer = timers.get(sessionId);
    if (timer !== undefined) clock.clearTimeout(timer);
    timers.delete(sessionId);
  }

  async function perform(sessionId: string, effect: SessionEffect): Promise<void> {
    switch (effect.type) {
      case 'fetch_qr': {
        const at = clock.now();
        let fetched: QrFetch;
        try {
          fetched = await source.fetchQr(sessionId, { lane: effect.lane }, effect.notBefore);
        } catch (error) {
          const retryAfterMs = retryAfterOf(error);
          return step(sessionId, {
            type: 'look_failed',
            failure: failureOf(error),
            at,
            now: clock.now(),
            ...(error instanceof BudgetSkippedError ? { retryInMs: error.retryInMs } : {}),
            ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
            detail: describeError(error),
          });
        }
        return step(sessionId, { type: 'looked', qr: fetched.qr, at: fetched.at, seenAt: fetched.seenAt, now: clock.now() });
      }
      case 'fetch_passkey_code': {
        let code: string | null = null;
        try {
          code = await deps.wasend.getPasskeyConfirmation(sessionId, { lane: 'rotation' });
        } catch (error) {
          // The next status tick asks again while the session stays in this step.
          if (!(error instanceof BudgetSkippedError))
            logger.warn({ sessionId, err: describeError(error) }, 'could not read the passkey confirmation code');
        }
        if (halted) return;
        return step(sessionId, { type: 'passkey_fetched', since: effect.since, code, now: clock.now() });
      }
      case 'show':
        try {
          await broadcast(sessionId, effect.only);
        } catch (error) {
          logger.error({ sessionId, err: describeError(error) }, 'live QR look failed unexpectedly');
        }
        if (effect.thenDone) return step(sessionId, { type: 'look_done', now: clock.now() });
        return;
      case 'end':
        for (const key of effect.keys) {
          const record = records.get(sessionId)?.get(key);
          if (record !== undefined) void runner.dispatch(record, { type: 'end', view: viewFor(record, effect.view) });
        }
        return;
      case 'arm':
        disarm(sessionId);
        if (halted || effect.at === Number.POSITIVE_INFINITY) return;
        timers.set(
          sessionId,
          clock.setTimeout(
            () => {
              timers.delete(sessionId);
              if (!halted) void step(sessionId, { type: 'wake', now: clock.now() });
            },
            Math.max(0, effect.at - clock.now()),
          ),
        );
        return;
      case 'disarm':
        return disarm(sessionId);
      case 'forget':
        sessions.delete(sessionId);
        records.delete(sessionId);
        source.forget(sessionId);
        deps.onSessionsChanged();
        return;
      case 'look_failed_log':
        logger.warn({ sessionId, err: effect.detail, retryInMs: effect.retryInMs }, 'live QR look failed; will retry');
        return;
    }
  }

  /**
   * Hands every message that does not show it yet what it should show: the passkey step when the session is in
   * one, else its own pairing code when it has one, else the session's current QR. Decided again at the moment of
   * dispatch, since a pairing code may come or go while the QR renders.
   */
  async function broadcast(sessionId: string, only?: string): Promise<void> {
    const members = records.get(sessionId);
    const before = sessions.get(sessionId);
    if (members === undefined || before === undefined) return;
    const targets = only === undefined ? [...members.values()] : [members.get(only)].filter((r): r is LiveRecord => r !== undefined);
    const wantsQr = (record: LiveRecord) => before.passkey === null && record.pairing === undefined;
    let qr: CodeShow | null = null;
    if (targets.some((record) => record.state.kind === 'showing' && wantsQr(record))) {
      qr = await source.currentShow(sessionId, before.code).catch((error: unknown) => {
        logger.warn({ sessionId, err: describeError(error) }, 'new QR code could not be rendered; messages keep the last one');
        return null;
      });
    }
    const now = sessions.get(sessionId) ?? before;
    const work: Promise<void>[] = [];
    for (const record of targets) {
      if (record.state.kind !== 'showing') continue;
      // After a restart a pairing message has no code in memory: it keeps what Telegram shows until it lapses.
      const show = now.passkey !== null ? passkeyShow(now) : record.pairing !== undefined ? (record.pairing.show ?? null) : qr;
      if (show === null || record.state.shown === show.fingerprint) continue;
      // A rotation reaching Telegram: from the answer that showed the new code to its edit (a message put right after
      // a restart, which showed nothing known, is no rotation).
      const learntAt = show === qr && record.state.shown !== null ? now.code.code?.seenAt : undefined;
      const edited = runner.dispatch(record, { type: 'code', code: show });
      if (typeof learntAt === 'number' && deps.onCodeEdited) void edited.then(() => deps.onCodeEdited?.(Math.max(0, clock.now() - learntAt) / 1000));
      work.push(edited);
    }
    await Promise.all(work);
  }

  const isLive = (sessionId: string) => (records.get(sessionId)?.size ?? 0) > 0;

  return {
    attach(record, fetched, timing) {
      const sessionId = record.sessionId;
      const first = !sessions.has(sessionId);
      if (first) sessions.set(sessionId, initialSession(sessionId, deps.lifetimes));
      const key = recordKey(record.chatId, record.messageId);
      const members = records.get(sessionId) ?? new Map<string, LiveRecord>();
      records.set(sessionId, members);
      members.set(key, record);
      const poked = pokedEarly.get(sessionId);
      pokedEarly.delete(sessionId);
      // Something changed after this message's code was fetched and before it was watched: look now.
      const lookNow = poked !== undefined && poked.at >= (fetched?.at ?? Number.NEGATIVE_INFINITY);
      void step(sessionId, {
        type: 'attach',
        key,
        member: memberOf(record, fetched?.at ?? clock.now()),
        now: clock.now(),
        ...(record.stored !== undefined ? { stored: record.stored } : {}),
        ...(fetched !== undefined ? { fetched } : {}),
        ...(timing !== undefined ? { timing } : {}),
        ...(lookNow ? { poked: poked.lane } : {}),
      });
      if (first) deps.onSessionsChanged();
    },
    detach(record) {
      const key = recordKey(record.chatId, record.messageId);
      const members = records.get(record.sessionId);
      if (members?.get(key) !== record) return;
      members.delete(key);
      void step(record.sessionId, { type: 'detach', key, now: clock.now() });
    },
    fetchQr: (sessionId, options) => source.fetchQr(sessionId, options),
    newerCode: (sessionId, after) => source.newerCode(sessionId, after),
    codeShow: (sessionId, fetched, timing) => source.codeShow(sessionId, fetched, timing),
    async lookNow(sessionId, lane) {
      if (halted) return;
      if (!isLive(sessionId)) {
        pokedEarly.set(sessionId, { at: clock.now(), lane });
        return;
      }
      await step(sessionId, { type: 'wake', now: clock.now(), forced: lane });
    },
    onStatus(sessionId, status, at) {
      if (!halted) void step(sessionId, { type: 'status', status, at, now: clock.now() });
    },
    notePasskeyCode(sessionId, code) {
      if (!halted) void step(sessionId, { type: 'passkey_code', code, now: clock.now() });
    },
    async showNow(record) {
      const key = recordKey(record.chatId, record.messageId);
      const since = sessions.get(record.sessionId)?.members[key]?.since;
      if (halted || since === undefined) return;
      await step(record.sessionId, { type: 'changed', key, member: memberOf(record, since), now: clock.now() });
    },
    isLive,
    states() {
      const counts: Record<string, number> = {};
      for (const [id, members] of records) {
        if (members.size === 0) continue;
        const state = sessions.get(id)?.lastState ?? 'unknown';
        counts[state] = (counts[state] ?? 0) + 1;
      }
      return counts;
    },
    anyLive() {
      for (const members of records.values()) if (members.size > 0) return true;
      return false;
    },
    liveSessions: () =>
      [...records.entries()]
        .filter(([, members]) => members.size > 0)
        .map(([id]) => id)
        .sort(),
    halt() {
      halted = true;
      for (const sessionId of [...timers.keys()]) disarm(sessionId);
    },
  };
}
