import type { LiveOwnership } from '../live/types.js';
import type { LogSink } from '../shared/logger.js';
import type { LeaseStore, LiveMessageStore } from '../store/types.js';

/** Something exactly one instance runs at a time (polling Telegram, the health checks). */
export interface ClusterRole {
  /** This instance took the role's lease: start. */
  gained(): void | Promise<void>;
  /** The lease was lost (or the instance stops): stop at once. */
  lost(): void | Promise<void>;
}

/** What the cluster asks of the live engine (see `LiveQr`). */
export interface ClusterEngine {
  adoptSession(sessionId: string): Promise<number>;
  dropSession(sessionId: string): void;
  hasWork(sessionId: string): boolean;
  sweepStrays(alive: readonly string[], olderThanMs: number): Promise<void>;
}

export interface Cluster {
  /** This instance's id (the holder of its leases). */
  readonly instanceId: string;
  /** True for the one-instance mode (SQLite): no leases, this instance has every role and session. */
  readonly solo: boolean;
  /** For the live engine: which sessions this instance keeps. */
  readonly ownership: LiveOwnership;
  /** Connects the live engine (once, before `start`). */
  bindEngine(engine: ClusterEngine): void;
  /** A role run by exactly one instance at a time, under the lease `name`. */
  lead(name: string, role: ClusterRole): void;
  /** True while this instance may act under the lease `name` (for a role: right before each act, as a fence). */
  holds(name: string): boolean;
  /** Tells every other instance (LISTEN/NOTIFY, at most 4 KB of JSON); one alone has nobody to tell. */
  broadcast(message: object): void;
  /** What other instances broadcast (already parsed JSON, to be checked by the handler). */
  onBroadcast(handler: (message: unknown) => void): void;
  /** Session leases this instance holds now (the sessions whose live messages it keeps); 0 alone, without leases. */
  sessionLeases(): number;
  /** Instances alive now (their own leases run), this one included. */
  aliveInstances(): Promise<string[]>;
  start(): Promise<void>;
  /** Gives up every role and lease at once, so that other instances take over without waiting. */
  stop(): Promise<void>;
}

/** Options of {@link createCluster}. */
export interface ClusterOptions {
  readonly leases: LeaseStore;
  readonly messages: Pick<LiveMessageStore, 'sessionsWithWork'>;
  readonly logger: Pick<LogSink, 'info' | 'warn' | 'error' | 'debug'>;
  /** This instance's id. Default `<host>-<pid>-<random>`. */
  readonly instanceId?: string;
  /** A lease lasts this long unless renewed, ms. Default 6000. */
  readonly leaseTtlMs?: number;
  /** Leases are renewed, and free work is looked for, this often, ms. Default 2000. */
  readonly heartbeatMs?: number;
  /** A lease is trusted locally until this long before it runs out (clock drift, a slow renewal), ms. Default 1000. */
  readonly safetyMarginMs?: number;
  /** How long a request waits for another instance to hand a session over, ms. Default 40000. */
  readonly claimWaitMs?: number;
  /**
   * PostgreSQL LISTEN/NOTIFY, for asking the owner of a session to hand it over at once (without it, a session
   * moves when its owner's lease runs out).
   */
  readonly notifications?: { readonly url: string; readonly channel: string };
  /** For tests. */
  readonly now?: () => number;
}
