import { LRUCache } from 'lru-cache';

/**
 * Gateway events are hints to look, never the truth: each one only makes the bot look at its session, and a
 * session is looked at for events at most once per `intervalMs`. A burst (old WAHA sends the very same bytes at
 * every code; a replayed or forged-but-authenticated event) costs at most one look a second; the last hint of a
 * burst is kept and acted on when the second is up, so a real change inside the burst is not lost.
 */
export interface EventHints<T> {
  hint(sessionId: string, event: T): void;
  stop(): void;
}

export function createEventHints<T>(act: (sessionId: string, event: T) => void, intervalMs = 1_000): EventHints<T> {
  const last = new LRUCache<string, number>({ max: 20_000 });
  const pending = new Map<string, { event: T; timer: NodeJS.Timeout }>();
  const run = (sessionId: string, event: T) => {
    last.set(sessionId, Date.now());
    act(sessionId, event);
  };
  return {
    hint(sessionId, event) {
      const waiting = pending.get(sessionId);
      if (waiting !== undefined) {
        waiting.event = event;
        return;
      }
      const since = Date.now() - (last.get(sessionId) ?? 0);
      if (since >= intervalMs) return run(sessionId, event);
      const timer = setTimeout(() => {
        const latest = pending.get(sessionId);
        pending.delete(sessionId);
        if (latest !== undefined) run(sessionId, latest.event);
      }, intervalMs - since);
      timer.unref();
      pending.set(sessionId, { event, timer });
    },
    stop() {
      for (const { timer } of pending.values()) clearTimeout(timer);
      pending.clear();
    },
  };
}
