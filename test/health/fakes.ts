import { createHealthMonitor } from '../../src/health/monitor.js';
import { createStore } from '../../src/store/sqlite.js';
import type { Store } from '../../src/store/types.js';
import { createMemoryLogger } from '../support/memory-logger.js';
import type { HealthAlertInfo, HealthNotifier } from '../../src/health/types.js';
import type { Watch } from '../../src/store/types.js';
import type { WasendApi } from '../../src/wasend/types.js';

export interface SentAlert {
  readonly kind: 'down' | 'up';
  readonly userId: number;
  readonly chatId: number;
  readonly sessionId: string;
  readonly raw: string;
}

/** Records every alert; `failFor` makes alerts to one chat reject. */
export function createMemoryNotifier(): HealthNotifier & {
  sent: SentAlert[];
  failFor: Set<number>;
  of(kind: 'down' | 'up', sessionId?: string): SentAlert[];
} {
  const sent: SentAlert[] = [];
  const failFor = new Set<number>();
  const push = async (kind: 'down' | 'up', watch: Watch, info: HealthAlertInfo) => {
    if (failFor.has(watch.chatId)) throw new Error('Telegram: 500 Internal Server Error');
    sent.push({ kind, userId: watch.userId, chatId: watch.chatId, sessionId: info.sessionId, raw: info.status.raw });
  };
  return {
    sent,
    failFor,
    of: (kind, sessionId) => sent.filter((a) => a.kind === kind && (sessionId === undefined || a.sessionId === sessionId)),
    alertDown: (watch, info) => push('down', watch, info),
    alertUp: (watch, info) => push('up', watch, info),
  };
}

/** A health monitor against `wasend` with an in-memory store and notifier (confirming a drop after 20 ms). */
export async function monitorAgainst(wasend: WasendApi): Promise<{
  monitor: ReturnType<typeof createHealthMonitor>;
  store: Store;
  notifier: ReturnType<typeof createMemoryNotifier>;
  close: () => Promise<void>;
}> {
  const store = await createStore(':memory:');
  const notifier = createMemoryNotifier();
  const monitor = createHealthMonitor({
    wasend,
    watches: store.watches,
    state: store.health,
    notifier,
    logger: createMemoryLogger(),
    intervalMs: 60_000,
    confirmDelayMs: 20,
  });
  return {
    monitor,
    store,
    notifier,
    async close() {
      await monitor.stop();
      await store.close();
    },
  };
}
