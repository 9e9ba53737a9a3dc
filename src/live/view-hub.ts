import { LRUCache } from 'lru-cache';
import type { QrMessenger, QrView } from './types.js';

/** The newest view put on a person's message of a session, with that message. */
export interface SeenView {
  readonly messageId: number;
  readonly view: QrView;
}

/**
 * What the live messages show, for the live view (Mini App): every view the messenger put in a chat, newest
 * message per (chat, session), and the listeners following one. A view is known here once Telegram took it, so the
 * page never shows what the chat does not. Memory only: after a restart the engine's next edit brings it back.
 */
export interface ViewHub {
  /** The messenger to hand the engine: the real one, noting each view Telegram accepted. */
  readonly messenger: QrMessenger;
  latest(chatId: number, sessionId: string): SeenView | undefined;
  /** Calls `listener` with each newer view of the session's newest message in the chat; returns the unsubscribe. */
  follow(chatId: number, sessionId: string, listener: (seen: SeenView) => void): () => void;
}

/** (chat, session) pairs remembered; the oldest go first beyond it. */
const REMEMBERED = 20_000;

export function createViewHub(inner: QrMessenger): ViewHub {
  const seen = new LRUCache<string, SeenView>({ max: REMEMBERED });
  const listeners = new Map<string, Set<(seen: SeenView) => void>>();
  const keyOf = (chatId: number, sessionId: string) => `${chatId}\u0000${sessionId}`;

  const note = (chatId: number, messageId: number, view: QrView) => {
    const key = keyOf(chatId, view.sessionId);
    // An older message of the session in this chat (being retired for the newer one) does not speak for it.
    if ((seen.get(key)?.messageId ?? 0) > messageId) return;
    const entry: SeenView = { messageId, view };
    seen.set(key, entry);
    for (const listener of listeners.get(key) ?? []) listener(entry);
  };

  const messenger: QrMessenger = {
    async send(chatId, view) {
      const sent = await inner.send(chatId, view);
      note(chatId, sent.messageId, view);
      return sent;
    },
    async edit(chatId, messageId, view) {
      const outcome = await inner.edit(chatId, messageId, view);
      if (outcome !== 'gone') note(chatId, messageId, view);
      return outcome;
    },
    ...(inner.notify ? { notify: inner.notify.bind(inner) } : {}),
  };

  return {
    messenger,
    latest: (chatId, sessionId) => seen.get(keyOf(chatId, sessionId)),
    follow(chatId, sessionId, listener) {
      const key = keyOf(chatId, sessionId);
      const set = listeners.get(key) ?? new Set();
      set.add(listener);
      listeners.set(key, set);
      return () => {
        set.delete(listener);
        if (set.size === 0) listeners.delete(key);
      };
    },
  };
}
