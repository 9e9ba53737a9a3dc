import type { Clock } from '../shared/clock.js';
import type { LogSink } from '../shared/logger.js';
import type { LiveMessageStore, PhotoIntentStore } from '../store/types.js';
import type { AcquireDeps } from './acquire.js';
import type { EffectRunner } from './effects.js';
import type { Pairing } from './pairing.js';
import type { LiveRecords } from './records.js';
import type { SessionLooks } from './session-runner.js';
import type { PairingRequest, QrMessenger } from './types.js';

/** A `/qr` waiting for its code, so that `/cancel` and a revoke can reach it. */
export interface PendingOpen {
  readonly chatId: number;
  readonly userId: number;
  readonly sessionId: string;
  readonly afterMessageId?: number;
  readonly pairing?: PairingRequest;
  readonly controller: AbortController;
}

export interface OpenerContext {
  readonly store: LiveMessageStore;
  readonly messenger: QrMessenger;
  readonly logger: LogSink;
  readonly clock: Clock;
  readonly runner: EffectRunner;
  readonly looks: SessionLooks;
  readonly records: LiveRecords;
  readonly acquire: AcquireDeps;
  readonly watchTimeoutMs: number;
  /** The `/qr` waiting for a code now (the opener adds and removes its own). */
  readonly pendingOpens: Set<PendingOpen>;
  readonly photoIntents?: PhotoIntentStore;
  /** This instance's id, recorded with each photo intent (so another instance knows whose it was). */
  readonly holder?: string;
  readonly pairing: Pairing;
  mayShow(userId: number, sessionId: string): boolean | Promise<boolean>;
  maxLivePerUser(userId: number): number;
  isStopped(): boolean;
}
