/**
 * What the bot keeps across restarts, shared by every instance on one database. `./repositories.ts` implements all
 * of it once with Kysely, on SQLite (`./sqlite.ts`, the embedded default) or PostgreSQL (`./postgres.ts`);
 * everything else depends only on these interfaces. Times are epoch milliseconds; Telegram ids are numbers.
 */

import type { LiveMessageStore, PhotoIntentStore } from './live-types.js';

export type * from './live-types.js';

export interface Grant {
  readonly userId: number;
  readonly sessionId: string;
  readonly grantedBy: number;
  readonly grantedAt: number;
}

export interface GrantStore {
  /** Returns false when the user already had the session. */
  grant(userId: number, sessionId: string, grantedBy: number, now?: number): Promise<boolean>;
  /** Returns false when there was nothing to revoke. */
  revoke(userId: number, sessionId: string): Promise<boolean>;
  has(userId: number, sessionId: string): Promise<boolean>;
  /** Session ids granted to a user, sorted. */
  sessionsOf(userId: number): Promise<string[]>;
  /** All grants, or those of one session, sorted by session then user. */
  list(sessionId?: string): Promise<Grant[]>;
}

export type RedeemResult =
  | { readonly ok: true; readonly sessionId: string; readonly alreadyGranted: boolean }
  | { readonly ok: false; readonly reason: 'unknown' | 'used' | 'expired' };

export interface InviteStore {
  /** Creates a single-use invite. Only a hash of the token is stored; the token is returned once. */
  create(input: { sessionId: string; createdBy: number; ttlMs: number; now?: number }): Promise<{ token: string; expiresAt: number }>;
  /** Atomically marks the invite used and grants its session to `userId`. */
  redeem(token: string, userId: number, now?: number): Promise<RedeemResult>;
  /** Invites neither used nor expired, oldest first, optionally of one session. */
  listOpen(sessionId?: string, now?: number): Promise<OpenInvite[]>;
  /** Voids the open invite with this id; false when there is none. */
  void(id: string, now?: number): Promise<boolean>;
  /** Voids every open invite of a session; returns how many. */
  voidSession(sessionId: string, now?: number): Promise<number>;
  /** Deletes invites used or expired more than `olderThanMs` ago; returns how many. */
  purge(olderThanMs: number, now?: number): Promise<number>;
}

/** An invite still waiting for someone to open it. `id` is the first hex digits of its token's hash (safe to show). */
export interface OpenInvite {
  readonly id: string;
  readonly sessionId: string;
  readonly createdBy: number;
  readonly createdAt: number;
  readonly expiresAt: number;
}

export interface AuditEntry {
  readonly id: number;
  readonly at: number;
  readonly userId: number | null;
  readonly chatId: number | null;
  /** e.g. `qr`, `grant`, `revoke`, `invite.create`, `invite.redeem`, `denied`. */
  readonly action: string;
  readonly sessionId: string | null;
  /** e.g. `ok`, `denied`, `error`, `not_found`. */
  readonly outcome: string;
  readonly detail: string | null;
}

export interface AuditStore {
  record(entry: Omit<AuditEntry, 'id' | 'at'> & { at?: number }): Promise<void>;
  /** Newest first; `filter` keeps the entries of one session or one user. */
  latest(limit: number, filter?: { sessionId?: string; userId?: number }): Promise<AuditEntry[]>;
}

/** Health-alert subscriptions (issue 5). */
export interface Watch {
  readonly userId: number;
  readonly chatId: number;
  readonly sessionId: string;
  readonly createdAt: number;
}

export interface WatchStore {
  add(watch: { userId: number; chatId: number; sessionId: string; now?: number }): Promise<boolean>;
  remove(userId: number, sessionId: string): Promise<boolean>;
  listBySession(sessionId: string): Promise<Watch[]>;
  listByUser(userId: number): Promise<Watch[]>;
  /** Distinct watched session ids. */
  sessions(): Promise<string[]>;
}

/** What the health monitor last concluded about a watched session (issue 5). */
export type HealthState = 'up' | 'down' | 'unknown';

export interface HealthRecord {
  readonly state: HealthState;
  /** When the session entered `state`, epoch ms. */
  readonly since: number;
  /** When watchers were last told the session dropped, epoch ms (null: never). */
  readonly lastAlertAt: number | null;
}

/** Per-session health state, kept so a restart neither repeats nor forgets an alert. */
export interface HealthStateStore {
  get(sessionId: string): Promise<HealthRecord | undefined>;
  /** Inserts or replaces the session's record. */
  set(sessionId: string, record: HealthRecord): Promise<void>;
  /** `set` for many sessions in one transaction (all or none). */
  setMany(entries: ReadonlyArray<readonly [sessionId: string, record: HealthRecord]>): Promise<void>;
}
/** Ids of accepted Wasend webhook events, so that a replay is refused even after a restart (bounded by age). */
export interface WebhookEventStore {
  /** Records `id` as seen at `at`; false when it was seen within the last `ttlMs` (a replay). Forgets older ids. */
  firstSeen(id: string, at: number, ttlMs: number): Promise<boolean>;
}

/** Someone the bot has seen, as Telegram last described them, and the language they chose. */
export interface KnownUser {
  readonly userId: number;
  readonly firstName: string | null;
  readonly username: string | null;
  /** Telegram's `language_code` of their client, e.g. `pt-br`. */
  readonly languageCode: string | null;
  /** The language they chose with /language (a supported locale), or null to follow Telegram's. */
  readonly language: string | null;
  readonly seenAt: number;
}

export interface UserStore {
  /** Records what Telegram says of a user now (keeps their chosen language). */
  note(user: { userId: number; firstName?: string; username?: string; languageCode?: string }, at?: number): Promise<void>;
  get(userId: number): Promise<KnownUser | undefined>;
  /** Sets (or with null clears) the user's chosen language; creates the row when missing. */
  setLanguage(userId: number, language: string | null, at?: number): Promise<void>;
}

/**
 * The Telegram updates instances took (an inbox): an update Telegram sends twice, to one instance or two, is
 * handled once, and one whose instance died before finishing it is taken over by another.
 */
export interface TelegramUpdateStore {
  /**
   * Records the update as taken by `holder`, with its JSON (kept until it is done); false when it was taken already.
   * Forgets ids older than `keepMs`.
   */
  take(update: { updateId: number; payload: string; started?: boolean }, holder: string, keepMs: number, now?: number): Promise<boolean>;
  /** Its handler starts: from now on a crash does not run it again (its reply may be out already). */
  start(updateId: number, now?: number): Promise<void>;
  /** The update was handled: its JSON is deleted, its id kept (for `keepMs`) against a second delivery. */
  done(updateId: number, now?: number): Promise<void>;
  /**
   * Moves to `holder` the updates taken more than `graceMs` ago by holders not in `alive` (dead instances) and
   * not started; returns them oldest first. Those the dead holders had started are closed (their ids returned in
   * `cutShort`): a crash cut their handlers short, and running them again could answer twice.
   */
  /** When the oldest update not yet done was received (null when none waits): how far behind the inbox is. */
  oldestOpenAt(): Promise<number | null>;
  reclaim(
    holder: string,
    alive: readonly string[],
    graceMs: number,
    now?: number,
  ): Promise<{ readonly updates: Array<{ updateId: number; payload: string }>; readonly cutShort: number[] }>;
}

/** A named lease: who holds it, until when, and its fencing number (one higher at every change of holder). */
export interface Lease {
  readonly name: string;
  readonly holder: string;
  readonly fence: number;
  readonly expiresAt: number;
}

/** Time-limited leases in the shared database (`leases` table): one holder at a time per name. */
export interface LeaseStore {
  /**
   * Takes `name` for `holder` until `now + ttlMs` when it is free, expired or already the holder's (then renews it).
   * Returns the lease, or undefined while another holder's lease runs. A new holder gets the next fence.
   */
  acquire(name: string, holder: string, ttlMs: number, now?: number): Promise<Lease | undefined>;
  /** Renews every unexpired lease of `holder` whose name starts with `prefix`; returns those still held. */
  renew(holder: string, prefix: string, ttlMs: number, now?: number): Promise<Lease[]>;
  /** True while `holder` holds `name` with this `fence` and it has not expired. */
  holds(name: string, holder: string, fence: number, now?: number): Promise<boolean>;
  /** Gives the lease up (only when still held with this fence), so another may take it at once. */
  release(name: string, holder: string, fence: number): Promise<void>;
  /** Unexpired leases whose name starts with `prefix`, by name. */
  list(prefix: string, now?: number): Promise<Lease[]>;
}

/**
 * A question the bot asked and waits to have answered (a `/delete` confirm button, a "reply with the phone number"
 * prompt): kept in the store so that the answer counts on whichever instance receives it, and after a restart.
 */
/**
 * `/relink` in one private chat: the sessions to link one after another, where the walk stands, and what became
 * of the ones behind it. One walk per chat; a new one replaces it.
 */
export interface RelinkWalk {
  readonly chatId: number;
  readonly userId: number;
  /** The one message the walk shows its current session in (null until it is sent). */
  readonly messageId: number | null;
  readonly sessions: readonly string[];
  /** Index in `sessions` of the session shown now; `sessions.length` once past the last. */
  readonly position: number;
  readonly linked: readonly string[];
  readonly skipped: readonly string[];
  readonly state: 'active' | 'done' | 'stopped';
  readonly updatedAt: number;
}

export interface RelinkWalkStore {
  /** Starts the chat's walk, replacing any earlier one. */
  put(walk: RelinkWalk): Promise<void>;
  get(chatId: number): Promise<RelinkWalk | undefined>;
  /**
   * Moves the walk on from `fromPosition` (compare-and-set: false when it is no longer there, because another press,
   * instance or look moved it first).
   */
  move(
    chatId: number,
    fromPosition: number,
    patch: Partial<Pick<RelinkWalk, 'position' | 'linked' | 'skipped' | 'state' | 'messageId'>>,
    now?: number,
  ): Promise<boolean>;
  listActive(): Promise<RelinkWalk[]>;
}

export interface PendingAction {
  /** What it is and whose, e.g. `delete:<token>`, `phone:<chat>:<user>`; a new one under the same key replaces it. */
  readonly key: string;
  /** The person who was asked: only their answer counts. */
  readonly userId: number;
  /** What the answer acts on (JSON the feature reads back). */
  readonly payload: string;
  readonly expiresAt: number;
}

export interface PendingActionStore {
  /** Keeps (or replaces) the action; expired ones are pruned now and then. */
  put(action: PendingAction, now?: number): Promise<void>;
  /** The action under `key` unless it expired. */
  get(key: string, now?: number): Promise<PendingAction | undefined>;
  /** Removes and returns the action under `key` unless it expired: one taker wins across instances. */
  take(key: string, now?: number): Promise<PendingAction | undefined>;
}

export interface Store {
  /** Which engine the data lives in. */
  readonly dialect: 'sqlite' | 'postgres';
  /** On PostgreSQL: its pool and address, for what coordinates instances (LISTEN/NOTIFY, the shared Wasend budget). */
  readonly postgres?: { readonly pool: import('pg').Pool; readonly url: string; readonly schema?: string };
  readonly telegramUpdates: TelegramUpdateStore;
  readonly leases: LeaseStore;
  readonly grants: GrantStore;
  readonly users: UserStore;
  readonly webhookEvents: WebhookEventStore;
  readonly photoIntents: PhotoIntentStore;
  readonly invites: InviteStore;
  readonly liveMessages: LiveMessageStore;
  readonly audit: AuditStore;
  readonly watches: WatchStore;
  readonly health: HealthStateStore;
  readonly pendingActions: PendingActionStore;
  readonly relinkWalks: RelinkWalkStore;
  /** Cheap liveness check for /healthz. */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}
