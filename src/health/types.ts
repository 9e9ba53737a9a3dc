import type { Clock } from '../shared/clock.js';
import type { LogSink } from '../shared/logger.js';
import type { HealthStateStore, Watch, WatchStore } from '../store/types.js';
import type { SessionStatus, WasendApi } from '../wasend/types.js';

/** What an alert is about. `status.raw` is Wasend's word (`NOT_FOUND` when the session vanished from Wasend). */
export interface HealthAlertInfo {
  readonly sessionId: string;
  readonly status: SessionStatus;
}

/** Tells one watcher about a session; a rejection is logged by the monitor and not retried. */
export interface HealthNotifier {
  /** The session is no longer linked (confirmed). */
  alertDown(watch: Watch, info: HealthAlertInfo): Promise<void>;
  /** A session the watcher was told about is linked again. */
  alertUp(watch: Watch, info: HealthAlertInfo): Promise<void>;
}

export interface HealthMonitorDeps {
  readonly wasend: WasendApi;
  readonly watches: WatchStore;
  readonly state: HealthStateStore;
  readonly notifier: HealthNotifier;
  readonly logger: LogSink;
  /** Default the system clock. */
  readonly clock?: Clock;
  /** Gap between two check cycles, ms (`config.healthCheckIntervalMs`). */
  readonly intervalMs: number;
  /** A session seen unlinked is looked at again after this long before anyone is alerted, ms. Default 20000. */
  readonly confirmDelayMs?: number;
  /** After a drop alert for a session, further drops of it within this long alert nobody, ms. Default 15 min. */
  readonly alertCooldownMs?: number;
  /**
   * Whether a watcher may still hear about the session (e.g. admin or still granted); watchers refused here get no
   * alert. Default: everyone.
   */
  readonly isAllowed?: (watch: Watch) => boolean | Promise<boolean>;
  /**
   * Whether this instance still runs the checks (holds the `health` lease), asked right before a drop is recorded
   * and alerted: an instance that lost the role meanwhile records nothing, so its successor, which looks again at
   * once, still sees the session up and alerts. Default: always.
   */
  readonly mayAct?: () => boolean;
}

export interface HealthMonitor {
  /** Runs a first check at once, then one every `intervalMs`. */
  start(): void;
  /** Stops the timers, aborts Wasend calls in flight and waits for alerts being sent. Idempotent. */
  stop(): Promise<void>;
  /**
   * A webhook event for a session: apply `status` (a drop is confirmed later; a recovery, or no status, is looked
   * up now).
   */
  poke(sessionId: string, status?: SessionStatus): void;
  /**
   * Someone started watching the session and its status was just read: from now on a drop from linked is
   * reported (also one that happens before the next check cycle), and a session not linked yet is reported once
   * it is linked and then drops. A session the checks already keep a record of is left as they know it.
   */
  baseline(sessionId: string, status: SessionStatus): Promise<void>;
  /** Runs one check cycle now (or joins the one running); resolves when it is done, never rejects. */
  checkNow(): Promise<void>;
}
