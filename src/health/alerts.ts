import { describeError } from '../shared/describe-error.js';
import type { LogSink } from '../shared/logger.js';
import type { Watch, WatchStore } from '../store/types.js';
import type { SessionStatus } from '../wasend/types.js';
import type { HealthNotifier } from './types.js';

/** The alerts of the health monitor, sent one after another. */
export interface AlertQueue {
  send(kind: 'down' | 'up', sessionId: string, status: SessionStatus): void;
  /** Resolves when every alert queued so far was sent (or failed). */
  idle(): Promise<void>;
}

/**
 * One queue for all alerts: Telegram limits a bot to about 30 messages a second. Who may hear an alert is read when
 * it goes out, so a grant revoked meanwhile on any instance counts. Failures are logged, never thrown.
 */
export function createAlertQueue(deps: {
  readonly watches: Pick<WatchStore, 'listBySession'>;
  readonly notifier: HealthNotifier;
  readonly isAllowed: (watch: Watch) => boolean | Promise<boolean>;
  readonly logger: LogSink;
  /** Whether failures are still worth a log line (not once the monitor stopped). */
  readonly quiet: () => boolean;
}): AlertQueue {
  const { watches, notifier, isAllowed, logger } = deps;
  let queue: Promise<void> = Promise.resolve();
  const deliver = async (kind: 'down' | 'up', sessionId: string, status: SessionStatus) => {
    const watched = await watches.listBySession(sessionId).catch((error: unknown) => {
      if (!deps.quiet()) logger.warn({ sessionId, err: describeError(error) }, 'health alert: could not read the watchers');
      return [];
    });
    const info = { sessionId, status };
    for (const watch of watched) {
      if (!(await Promise.resolve(isAllowed(watch)).catch(() => false))) continue;
      try {
        await (kind === 'down' ? notifier.alertDown(watch, info) : notifier.alertUp(watch, info));
      } catch (error) {
        logger.warn({ sessionId, userId: watch.userId, kind, err: describeError(error) }, 'health alert not delivered');
      }
    }
  };
  return {
    send(kind, sessionId, status) {
      queue = queue.then(() => deliver(kind, sessionId, status));
    },
    idle: () => queue,
  };
}
