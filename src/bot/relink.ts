import type { Api } from 'grammy';
import type { Translate } from '../i18n/catalogue.js';
import type { LiveQr, OpenOutcome, QrView } from '../live/types.js';
import { describeError } from '../shared/describe-error.js';
import type { LogSink } from '../shared/logger.js';
import type { LiveMessageStore, RelinkWalk, RelinkWalkStore } from '../store/types.js';
import { RELINK_RETRY, walkButtons, type Relink } from './relink-face.js';
import { currentSession, reduceWalk, type WalkEffect, type WalkEvent } from './relink-walk.js';

export type { Relink } from './relink-face.js';
import { outcomeText } from './texts.js';
import { classifyTelegramError } from '../telegram/errors.js';

/**
 * `/relink`: every unlinked session, one after another, in one live message. The walk's place is in the store
 * (`relink_walks`), moved on with a compare-and-set, so a restart or another instance carries on where it was; each
 * step is an ordinary live QR message (access, the gateway budget and people first hold as for `/qr`), which the
 * messenger draws in the walk's message under its lead line.
 */
export interface RelinkDeps {
  readonly walks: RelinkWalkStore;
  readonly liveMessages: Pick<LiveMessageStore, 'get' | 'listLiveByChat'>;
  readonly liveQr: Pick<LiveQr, 'open' | 'cancel'>;
  readonly api: Pick<Api, 'editMessageCaption' | 'sendMessage'>;
  readonly textsOf: (chatId: number) => Promise<Translate>;
  readonly label: (sessionId: string) => string;
  readonly logger: LogSink;
  /** Calls back with each view put on the chat's newest message of the session (the walk hears its link at once). */
  readonly follow: (chatId: number, sessionId: string, seen: (messageId: number, view: QrView) => void) => () => void;
  /** How often the store's walks are looked at (a link another instance saw, a restart), ms. Default 1000. */
  readonly sweepMs?: number;
  readonly now?: () => number;
}

export function createRelink(deps: RelinkDeps): Relink {
  const { walks, liveQr, logger } = deps;
  const now = deps.now ?? Date.now;
  /** The running walks as last read (the sweep reads them all every `sweepMs`): a live edit asks without a query. */
  const known = new Map<number, RelinkWalk>();
  const following = new Map<number, { sessionId: string; unfollow: () => void }>();
  const chains = new Map<number, Promise<unknown>>();
  let sweeper: NodeJS.Timeout | undefined;
  let stopped = false;

  /** One change of a chat's walk at a time; each reads the walk afresh from the store. */
  function serially(chatId: number, task: () => Promise<void>): Promise<void> {
    const result = (chains.get(chatId) ?? Promise.resolve()).then(task, task).catch((error: unknown) => {
      logger.error({ err: describeError(error), chatId }, 'relink step failed');
    });
    chains.set(chatId, result);
    void result.then(() => chains.get(chatId) === result && chains.delete(chatId));
    return result;
  }

  /** Keeps a walk as the messenger draws it (one that ended is forgotten); returns it while it runs. */
  const remember = (chatId: number, walk: RelinkWalk | undefined): RelinkWalk | undefined => {
    if (walk?.state === 'active') known.set(chatId, walk);
    else known.delete(chatId);
    return walk?.state === 'active' ? walk : undefined;
  };

  /** The chat's running walk as the store has it now (and so, as the messenger draws it). */
  const fresh = async (chatId: number) => remember(chatId, await walks.get(chatId));

  /** Watches the current session's face in the walk's message: Connected moves the walk on at once. */
  function follow(walk: RelinkWalk): void {
    const sessionId = currentSession(walk);
    const followed = following.get(walk.chatId);
    if (followed?.sessionId === sessionId) return;
    followed?.unfollow();
    following.delete(walk.chatId);
    if (sessionId === undefined || walk.state !== 'active') return;
    const unfollow = deps.follow(walk.chatId, sessionId, (messageId, view) => {
      if (view.kind === 'connected') void serially(walk.chatId, () => linkedIfSo(walk.chatId, { messageId, sessionId }));
      // Cancelled from outside the walk (/cancel, a revoke): the walk stops there and says what it did not reach.
      if (view.kind === 'cancelled') {
        void serially(walk.chatId, () => apply(walk.chatId, { type: 'cancelled', sessionId }, (shown) => shown.messageId === messageId));
      }
    });
    following.set(walk.chatId, { sessionId, unfollow });
  }

  /**
   * Runs an event through the reducer: the changed walk is written first (compare-and-set on its position: a walk
   * another press, look or instance moved is left to it), then the effects are performed in order; what they bring
   * back goes through the reducer in turn. `accepts`: whether the first event is about the walk as it stands (a press
   * on a step it has left, a cancel of another message, is not).
   */
  async function apply(chatId: number, first: WalkEvent, accepts: (walk: RelinkWalk) => boolean = () => true): Promise<void> {
    const events: WalkEvent[] = [first];
    for (let event = events.shift(); event !== undefined; event = events.shift()) {
      const before = await fresh(chatId);
      if (before === undefined || (event === first && !accepts(before))) return;
      const reduced = reduceWalk(before, event);
      const { effects } = reduced;
      let walk = reduced.walk;
      if (walk !== before) {
        const { position, linked, skipped, state, messageId } = walk;
        const at = now();
        if (!(await walks.move(chatId, before.position, { position, linked, skipped, state, messageId }, at))) return;
        // As written: the messenger draws it from now on.
        walk = { ...walk, updatedAt: at };
        remember(chatId, walk);
      }
      for (const effect of effects) {
        const next = await perform(walk, before, effect);
        if (next !== undefined) events.push(next);
      }
    }
  }

  /** Performs one effect; `before` is the walk as it was when the event came (the message it showed then). */
  async function perform(walk: RelinkWalk, before: RelinkWalk, effect: WalkEffect): Promise<WalkEvent | undefined> {
    switch (effect.type) {
      case 'show': {
        if (stopped) return undefined;
        follow(walk);
        const outcome = await liveQr.open({ chatId: walk.chatId, userId: walk.userId, sessionId: effect.sessionId });
        // The app is stopping (the engine ended the step's wait): the walk stays where it is for the next start,
        // but a photo that did go out is written down.
        if (stopped && outcome.kind !== 'sent') return undefined;
        return { type: 'opened', sessionId: effect.sessionId, outcome };
      }
      case 'end_shown':
        if (before.messageId !== null) await liveQr.cancel(before.chatId, before.messageId);
        return undefined;
      case 'stuck':
        await stuck(walk, effect.outcome);
        return undefined;
      case 'finish':
        await finish(walk, effect.how);
        return undefined;
    }
  }

  /** Moves on when the walk's session is linked: by the view just put (`seen`), else by the stored message. */
  async function linkedIfSo(chatId: number, seen?: { messageId: number; sessionId: string }): Promise<void> {
    const found = await fresh(chatId);
    const walk = found?.messageId === null ? await findMessage(found, seen) : found;
    const sessionId = walk === undefined ? undefined : currentSession(walk);
    if (walk === undefined || sessionId === undefined || walk.messageId === null) return;
    let linked = seen !== undefined && seen.messageId === walk.messageId && seen.sessionId === sessionId;
    if (!linked) {
      const row = await deps.liveMessages.get(chatId, walk.messageId);
      linked = row?.sessionId === sessionId && row.state === 'connected';
    }
    if (linked) await apply(chatId, { type: 'linked', sessionId });
  }

  /**
   * A walk whose message id was not stored (the process stopped between the photo and that write) finds it: the
   * view just seen of its session, else the chat's live message of its session.
   */
  async function findMessage(walk: RelinkWalk, seen?: { messageId: number; sessionId: string }): Promise<RelinkWalk> {
    const sessionId = currentSession(walk);
    const messageId =
      seen !== undefined && seen.sessionId === sessionId
        ? seen.messageId
        : (await deps.liveMessages.listLiveByChat(walk.chatId)).find((m) => m.sessionId === sessionId && m.userId === walk.userId)?.messageId;
    const at = now();
    if (messageId === undefined || !(await walks.move(walk.chatId, walk.position, { messageId }, at))) return walk;
    return remember(walk.chatId, { ...walk, messageId, updatedAt: at }) ?? walk;
  }

  /** The step could not show a code: the walk's message says why, with Try again, Skip and Stop. */
  async function stuck(walk: RelinkWalk, outcome: OpenOutcome): Promise<void> {
    const t = await deps.textsOf(walk.chatId);
    const sessionId = currentSession(walk) ?? '';
    const reason = outcomeText(t, outcome, sessionId, deps.label(sessionId)) ?? outcome.kind;
    const text = t('relink-stuck', { index: walk.position + 1, total: walk.sessions.length, session: deps.label(sessionId), reason });
    const reply_markup = { inline_keyboard: [[{ text: t('button-retry'), callback_data: RELINK_RETRY }], walkButtons(t)] };
    await say(walk, text, reply_markup);
  }

  /** The end: how many were linked and skipped, naming the skipped ones (and, when stopped, those not reached). */
  async function finish(walk: RelinkWalk, how: 'done' | 'stopped' | 'replaced' = 'done'): Promise<void> {
    following.get(walk.chatId)?.unfollow();
    following.delete(walk.chatId);
    const t = await deps.textsOf(walk.chatId);
    const counts = { linked: walk.linked.length, skipped: walk.skipped.length };
    const place = { index: Math.min(walk.position + 1, walk.sessions.length), total: walk.sessions.length };
    const lines = [
      how === 'done' ? t('relink-done', counts) : how === 'replaced' ? t('relink-replaced') : t('relink-stopped', { ...place, ...counts }),
    ];
    const names = (ids: readonly string[]) => ids.map((id) => deps.label(id)).join(', ');
    if (walk.skipped.length > 0) lines.push(t('relink-skipped-list', { sessions: names(walk.skipped) }));
    const unreached = walk.sessions.slice(walk.position);
    if (how !== 'done' && unreached.length > 0) lines.push(t('relink-not-linked-list', { sessions: names(unreached) }));
    await say(walk, lines.join('\n'), { inline_keyboard: [] });
  }

  /** Puts `text` as the walk's message caption (its photo stays), or in a message of its own when it has none. */
  async function say(walk: RelinkWalk, text: string, reply_markup: { inline_keyboard: ReturnType<typeof walkButtons>[] }): Promise<void> {
    if (walk.messageId !== null) {
      try {
        await deps.api.editMessageCaption(walk.chatId, walk.messageId, { caption: text, reply_markup });
        return;
      } catch (error) {
        // Already says so (a second Try again that failed the same way): nothing to change.
        if (classifyTelegramError(error) === 'not_modified') return;
        logger.info({ err: describeError(error), chatId: walk.chatId }, 'relink message could not be edited; sending the text instead');
      }
    }
    await deps.api.sendMessage(walk.chatId, text, { reply_markup });
  }

  async function sweep(): Promise<void> {
    const startedAt = now();
    let active: RelinkWalk[];
    try {
      active = await walks.listActive();
    } catch (error) {
      return void logger.warn({ err: describeError(error) }, 'relink walks could not be read');
    }
    // What changed here while the list was read is newer than the list.
    const listed = new Set(active.map((walk) => walk.chatId));
    for (const [chatId, walk] of known) if (!listed.has(chatId) && walk.updatedAt < startedAt) known.delete(chatId);
    for (const walk of active) {
      if ((known.get(walk.chatId)?.updatedAt ?? 0) <= walk.updatedAt) known.set(walk.chatId, walk);
      follow(walk);
      if (!chains.has(walk.chatId)) void serially(walk.chatId, () => linkedIfSo(walk.chatId));
    }
  }

  return {
    async step(chatId) {
      const walk = known.get(chatId);
      const sessionId = walk?.state === 'active' ? currentSession(walk) : undefined;
      if (walk === undefined || sessionId === undefined) return undefined;
      return { messageId: walk.messageId, sessionId, index: walk.position + 1, total: walk.sessions.length };
    },
    start: (chatId, userId, sessions) =>
      serially(chatId, async () => {
        await apply(chatId, { type: 'replaced' });
        const walk: RelinkWalk = {
          chatId,
          userId,
          messageId: null,
          sessions,
          position: 0,
          linked: [],
          skipped: [],
          state: 'active',
          updatedAt: now(),
        };
        await walks.put(walk);
        remember(chatId, walk);
        // The first step, as Try again would show it.
        await apply(chatId, { type: 'retry' });
      }),
    async press(chatId, userId, messageId, action) {
      const walk = await fresh(chatId);
      if (walk === undefined || walk.userId !== userId || (walk.messageId !== null && messageId !== walk.messageId && action !== 'retry'))
        return false;
      // A press on a step the walk has left does nothing.
      void serially(chatId, () => apply(chatId, { type: action }, (latest) => latest.position === walk.position));
      return true;
    },
    async resume() {
      if (sweeper !== undefined || stopped) return;
      // The walks first, so that the engine's first edits after a restart draw them; then a look every `sweepMs`.
      try {
        for (const walk of await walks.listActive()) {
          known.set(walk.chatId, walk);
          follow(walk);
        }
      } catch (error) {
        logger.warn({ err: describeError(error) }, 'relink walks could not be read');
      }
      sweeper = setInterval(() => void sweep(), deps.sweepMs ?? 1_000);
      sweeper.unref();
    },
    async stop() {
      // A step waiting for its code is released by the live engine's own stop (run beside this one); what a step had
      // done by then is written before the store closes, so the walk carries on from there at the next start.
      stopped = true;
      if (sweeper !== undefined) clearInterval(sweeper);
      for (const { unfollow } of following.values()) unfollow();
      following.clear();
      await Promise.allSettled([...chains.values()]);
    },
  };
}
