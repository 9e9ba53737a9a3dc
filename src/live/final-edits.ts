import type { LogSink } from '../logger.js';
import type { LiveMessage } from '../store/types.js';
import type { Clock, TimerHandle } from './clock.js';
import { describeError } from './failures.js';
import type { QrMessenger, QrView } from './types.js';
import { messageKey } from './watcher.js';

/** Default of {@link LiveQrDeps.finalEditGiveUpMs}: 10 minutes. */
export const DEFAULT_FINAL_EDIT_GIVE_UP_MS = 600_000;
/** Longest pause between two tries of a pending final view. */
export const MAX_FINAL_RETRY_MS = 60_000;

/** A view that ends a live message; its kind is also the state the store keeps. */
export type FinalView = Extract<QrView, { kind: 'connected' | 'expired' | 'cancelled' | 'retired' }>;

/** What one try to show a final view got from Telegram. */
export type FinalEditResult = 'ok' | 'not_modified' | 'gone' | 'failed';

export interface FinalTarget {
  readonly chatId: number;
  readonly messageId: number;
  readonly sessionId: string;
}

export interface FinalEditsContext {
  readonly messenger: QrMessenger;
  readonly logger: LogSink;
  readonly clock: Clock;
  /** First pause after a refusal, in ms; doubled per refusal up to {@link MAX_FINAL_RETRY_MS}. */
  readonly retryBaseMs: number;
  readonly giveUpMs: number;
  persist(chatId: number, messageId: number, patch: Partial<Pick<LiveMessage, 'state' | 'expiredReason' | 'finalEditSince'>>): void;
  withMessage<T>(chatId: number, messageId: number, task: () => Promise<T>): Promise<T>;
  track(work: Promise<unknown>): void;
}

/**
 * Final views that must reach Telegram: a message whose final edit was refused may still show a scannable
 * code nobody watches any more, so the view is kept pending (in the store too) and put again with backoff
 * until Telegram takes it or says the message is gone, or until `giveUpMs` after the first refusal.
 */
export interface FinalEdits {
  /**
   * Records what a try to show `view` got: the final state when settled (`gone` when gone), else keeps the
   * view pending and schedules the next try.
   */
  record(target: FinalTarget, view: FinalView, result: FinalEditResult): void;
  /** Edits now (without waiting for other edits of the message) and records the result. */
  put(target: FinalTarget, view: FinalView): Promise<FinalEditResult>;
  /** True when the message's final view is still pending. */
  has(chatId: number, messageId: number): boolean;
  /** Tries a pending final view again now; resolves when that try is answered. */
  retryNow(chatId: number, messageId: number): Promise<void>;
  /** The message shows something else from now on (a fresh code): no more tries. */
  forget(chatId: number, messageId: number): void;
  /** Picks up the pending final views a previous run left in the store; each is tried at once. */
  resume(rows: readonly LiveMessage[]): void;
  /** Messages whose final view is pending. */
  size(): number;
  /** Clears the timer; no try starts afterwards. */
  stop(): void;
}

interface Pending {
  readonly target: FinalTarget;
  readonly view: FinalView;
  readonly since: number;
  tries: number;
  nextTryAt: number;
  trying: boolean;
}

const FINAL_KINDS: ReadonlySet<string> = new Set(['connected', 'expired', 'cancelled', 'retired']);

/** The final view a stored row asks for, or undefined when its state is not one. */
export function finalViewOf(row: LiveMessage): FinalView | undefined {
  const { sessionId, state } = row;
  if (!FINAL_KINDS.has(state)) return undefined;
  if (state === 'expired') return { kind: 'expired', sessionId, reason: row.expiredReason ?? 'timed_out' };
  return { kind: state as Exclude<FinalView['kind'], 'expired'>, sessionId };
}

export function createFinalEdits(ctx: FinalEditsContext): FinalEdits {
  const { messenger, logger, clock } = ctx;
  const pending = new Map<string, Pending>();
  let timer: TimerHandle | null = null;
  let stopped = false;

  function retryDelay(tries: number): number {
    return Math.min(ctx.retryBaseMs * 2 ** Math.max(0, tries - 1), Math.max(MAX_FINAL_RETRY_MS, ctx.retryBaseMs));
  }

  function reschedule(): void {
    if (timer !== null) clock.clearTimeout(timer);
    timer = null;
    if (stopped) return;
    let at = Number.POSITIVE_INFINITY;
    for (const p of pending.values()) if (!p.trying) at = Math.min(at, p.nextTryAt);
    if (at === Number.POSITIVE_INFINITY) return;
    timer = clock.setTimeout(wake, Math.max(0, at - clock.now()));
  }

  function wake(): void {
    timer = null;
    const now = clock.now();
    for (const p of pending.values()) if (!p.trying && p.nextTryAt <= now) void tryAgain(p);
    reschedule();
  }

  function tryAgain(p: Pending): Promise<void> {
    const { chatId, messageId } = p.target;
    const key = messageKey(chatId, messageId);
    p.trying = true;
    const work = ctx
      .withMessage(chatId, messageId, async () => {
        if (pending.get(key) !== p || stopped) return;
        const result = await edit(p.target, p.view);
        if (pending.get(key) === p) record(p.target, p.view, result);
      })
      .finally(() => {
        p.trying = false;
        reschedule();
      });
    ctx.track(work);
    return work;
  }

  async function edit(target: FinalTarget, view: FinalView): Promise<FinalEditResult> {
    const { chatId, messageId, sessionId } = target;
    try {
      return await messenger.edit(chatId, messageId, view);
    } catch (error) {
      logger.warn({ sessionId, chatId, messageId, view: view.kind, err: describeError(error) }, 'final live QR edit failed; will retry');
      return 'failed';
    }
  }

  function record(target: FinalTarget, view: FinalView, result: FinalEditResult): void {
    const { chatId, messageId, sessionId } = target;
    const key = messageKey(chatId, messageId);
    const expiredReason = view.kind === 'expired' ? view.reason : null;
    const earlier = pending.get(key);
    if (result !== 'failed') {
      pending.delete(key);
      ctx.persist(chatId, messageId, { state: result === 'gone' ? 'gone' : view.kind, expiredReason, finalEditSince: null });
      reschedule();
      return;
    }
    const now = clock.now();
    const entry: Pending =
      earlier !== undefined && earlier.view.kind === view.kind
        ? earlier
        : { target, view, since: now, tries: 0, nextTryAt: now, trying: false };
    entry.tries += 1;
    entry.nextTryAt = now + retryDelay(entry.tries);
    if (now - entry.since >= ctx.giveUpMs) {
      pending.delete(key);
      ctx.persist(chatId, messageId, { state: view.kind, expiredReason, finalEditSince: null });
      logger.warn(
        { sessionId, chatId, messageId, view: view.kind, tries: entry.tries, sinceMs: now - entry.since },
        'gave up showing the final view of a live QR message; it may still show an old code',
      );
    } else if (entry !== earlier) {
      pending.set(key, entry);
      ctx.persist(chatId, messageId, { state: view.kind, expiredReason, finalEditSince: entry.since });
    }
    reschedule();
  }

  return {
    record,
    async put(target, view) {
      const result = await edit(target, view);
      record(target, view, result);
      return result;
    },
    has: (chatId, messageId) => pending.has(messageKey(chatId, messageId)),
    async retryNow(chatId, messageId) {
      const p = pending.get(messageKey(chatId, messageId));
      if (p === undefined || p.trying || stopped) return;
      await tryAgain(p);
    },
    forget(chatId, messageId) {
      if (pending.delete(messageKey(chatId, messageId))) reschedule();
    },
    resume(rows) {
      const now = clock.now();
      for (const row of rows) {
        const view = finalViewOf(row);
        if (view === undefined || row.finalEditSince === undefined || row.finalEditSince === null) continue;
        const key = messageKey(row.chatId, row.messageId);
        if (pending.has(key)) continue;
        const target = { chatId: row.chatId, messageId: row.messageId, sessionId: row.sessionId };
        pending.set(key, { target, view, since: row.finalEditSince, tries: 0, nextTryAt: now, trying: false });
      }
      reschedule();
    },
    size: () => pending.size,
    stop() {
      stopped = true;
      if (timer !== null) clock.clearTimeout(timer);
      timer = null;
    },
  };
}
