/**
 * The imperative shell around {@link reduce}: keeps each live message's state, performs the effects a
 * transition asks for (Telegram edits, store writes, retry timers) and feeds the answers back as events.
 * The reducer allows at most one code edit in flight per message, so edits of one message never cross.
 */
import { accessVerdict } from './access-verdict.js';
import type { LogSink } from '../shared/logger.js';
import type { LiveMessageStore } from '../store/types.js';
import type { Clock, TimerHandle } from '../shared/clock.js';
import { describeError } from '../shared/describe-error.js';
import { reduce, type CodeShow, type EditResult, type MessageEffect, type MessageEvent, type MessageState } from './message.js';
import type { QrMessenger } from './types.js';

/** One live message: where it is, whose it is, and its state machine. */
export interface LiveRecord {
  readonly chatId: number;
  readonly messageId: number;
  userId: number;
  readonly sessionId: string;
  deadlineAt: number;
  state: MessageState;
  /**
   * Set while the message shows a pairing code instead of the QR: the number (digits), when the code lapses, and
   * the code as shown (memory only: after a restart the message keeps what Telegram shows until it lapses).
   */
  pairing?: { readonly phone: string; readonly expiresAt: number; readonly show?: CodeShow };
  /** From the store, for a message adopted after a restart or a takeover: the code it showed and its place in the series. */
  readonly stored?: { readonly fingerprint: string; readonly seriesIndex: number };
}

export interface EffectRunnerDeps {
  readonly messenger: QrMessenger;
  readonly store: Pick<LiveMessageStore, 'update'>;
  readonly logger: LogSink;
  readonly clock: Clock;
  readonly retryBaseMs: number;
  readonly giveUpMs: number;
  /** The message needs no more codes (final, gone): take it off its session. */
  onRelease(record: LiveRecord): void;
  /** The message reached `final` or `gone`: nothing more will happen to it. */
  onSettled(record: LiveRecord): void;
  /**
   * Asked right before a code goes into a message: may this user still see this session? A refusal ends the
   * message as cancelled instead of showing the code.
   */
  mayShow(record: LiveRecord): boolean | Promise<boolean>;
  /** May this instance edit the message now (it owns the session)? A refusal drops the record without an edit. Default: yes. */
  mayEdit?(record: LiveRecord): boolean;
  /** A record was dropped because `mayEdit` refused: the session belongs to another instance now. */
  onFenced?(record: LiveRecord): void;
}

export interface EffectRunner {
  /**
   * Feeds one event to a message and performs what follows. Resolves when the edits this event started
   * were answered (not the ones those answers start).
   */
  dispatch(record: LiveRecord, event: MessageEvent): Promise<void>;
  /** Work in flight (for `stop`). */
  inFlight(): Promise<unknown>[];
  /** Clears the retry timers; no effect starts afterwards. */
  stop(): void;
  /** No event nor retry of this record does anything from now on (another instance keeps its message). */
  forget(record: LiveRecord): void;
}

export const recordKey = (chatId: number, messageId: number): string => `${chatId}:${messageId}`;

export function createEffectRunner(deps: EffectRunnerDeps): EffectRunner {
  const { messenger, store, logger, clock } = deps;
  const retryTimers = new Map<string, TimerHandle>();
  const writes = new Map<string, Promise<void>>();
  const forgotten = new WeakSet<LiveRecord>();
  const working = new Set<Promise<unknown>>();
  let stopped = false;

  function dispatch(record: LiveRecord, event: MessageEvent): Promise<void> {
    if (stopped || forgotten.has(record)) return Promise.resolve();
    const { state, effects } = reduce(record.state, event, {
      now: clock.now(),
      retryBaseMs: deps.retryBaseMs,
      giveUpMs: deps.giveUpMs,
    });
    record.state = state;
    if (state.kind === 'final' || state.kind === 'gone') deps.onSettled(record);
    const edits: Promise<void>[] = [];
    for (const effect of effects) {
      const edit = perform(record, effect);
      if (edit !== undefined) edits.push(edit);
    }
    return Promise.all(edits).then(() => undefined);
  }

  function perform(record: LiveRecord, effect: MessageEffect): Promise<void> | undefined {
    switch (effect.type) {
      case 'edit':
        return edit(record, effect.seq, effect.view);
      case 'persist':
        return persist(record, effect.patch);
      case 'retry_at':
        armRetry(record, effect.at);
        return undefined;
      case 'release':
        deps.onRelease(record);
        return undefined;
      case 'gave_up':
        logger.warn(
          { sessionId: record.sessionId, chatId: record.chatId, messageId: record.messageId, tries: effect.tries, sinceMs: effect.sinceMs },
          'gave up showing the final view of a live QR message; it may still show an old code',
        );
        return undefined;
    }
  }

  function edit(record: LiveRecord, seq: number, view: Parameters<QrMessenger['edit']>[2]): Promise<void> {
    const { chatId, messageId, sessionId } = record;
    const work = (async () => {
      const verdict = view.kind === 'code' ? await accessVerdict(() => deps.mayShow(record), sessionId, logger) : 'yes';
      if (verdict === 'no') {
        logger.info({ sessionId, chatId, messageId }, 'live QR message stopped: its user may no longer see the session');
        await dispatch(record, { type: 'edited', seq, result: 'failed' });
        await dispatch(record, { type: 'end', view: { kind: 'cancelled', sessionId } });
        return;
      }
      if (verdict === 'unknown') {
        // The store does not answer: the new code is not shown and the message not ended; tried again later.
        void dispatch(record, { type: 'edited', seq, result: 'failed' });
        return;
      }
      // Fencing: an owner that was paused or cut off, and lost the session meanwhile, must not edit over its successor.
      if (forgotten.has(record)) return;
      if (deps.mayEdit !== undefined && !deps.mayEdit(record)) {
        logger.info({ sessionId, chatId, messageId }, 'live QR edit skipped: another instance keeps this session now');
        forget(record);
        deps.onFenced?.(record);
        return;
      }
      let result: EditResult;
      try {
        result = await messenger.edit(chatId, messageId, view);
      } catch (error) {
        logger.warn({ sessionId, chatId, messageId, view: view.kind, err: describeError(error) }, 'live QR edit failed; will retry');
        result = 'failed';
      }
      // The answer's follow-ups (the next code, a re-put final view) run on their own.
      void dispatch(record, { type: 'edited', seq, result });
    })();
    working.add(work);
    void work.finally(() => working.delete(work));
    return work;
  }

  /** Writes of one message go out in order (a pool may run two queries at once), each after the one before. */
  function persist(record: LiveRecord, patch: Parameters<LiveMessageStore['update']>[2]): Promise<void> {
    const key = recordKey(record.chatId, record.messageId);
    const at = clock.now();
    const write = async () => {
      try {
        await store.update(record.chatId, record.messageId, patch, at);
      } catch (error) {
        logger.error({ chatId: record.chatId, messageId: record.messageId, err: describeError(error) }, 'could not save live QR message state');
      }
    };
    const next = (writes.get(key) ?? Promise.resolve()).then(write);
    writes.set(key, next);
    working.add(next);
    void next.finally(() => {
      working.delete(next);
      if (writes.get(key) === next) writes.delete(key);
    });
    return next;
  }

  function armRetry(record: LiveRecord, at: number): void {
    const key = recordKey(record.chatId, record.messageId);
    const earlier = retryTimers.get(key);
    if (earlier !== undefined) clock.clearTimeout(earlier);
    const handle = clock.setTimeout(
      () => {
        retryTimers.delete(key);
        void dispatch(record, { type: 'retry' });
      },
      Math.max(0, at - clock.now()),
    );
    retryTimers.set(key, handle);
  }

  function forget(record: LiveRecord): void {
    forgotten.add(record);
    const key = recordKey(record.chatId, record.messageId);
    const handle = retryTimers.get(key);
    if (handle !== undefined) clock.clearTimeout(handle);
    retryTimers.delete(key);
  }

  return {
    dispatch,
    forget,
    inFlight: () => [...working],
    stop() {
      stopped = true;
      for (const handle of retryTimers.values()) clock.clearTimeout(handle);
      retryTimers.clear();
    },
  };
}
