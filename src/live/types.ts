import type { LogSink } from '../shared/logger.js';
import type { LiveExpiredReason, LiveMessageStore, PhotoIntentStore } from '../store/types.js';
import type { QrPayload, SessionState, WasendApi } from '../wasend/types.js';
import type { Clock } from '../shared/clock.js';
import type { CodeLifetimes } from './schedule.js';

/** Why a live QR message stopped showing a code. */
export type ExpiredReason = LiveExpiredReason;

/**
 * What a live message puts in front of the person while the session is linking instead of the QR: a
 * pairing code to type on the phone, or one of WhatsApp's passkey steps. `code` and `phone` are secrets and
 * personal data: they go into the message and nowhere else (never a log).
 */
export type CodeFace =
  /** `code` as Wasend sent it (`ABCD-EFGH`); `phone` already masked for display. */
  | { readonly kind: 'pairing'; readonly code: string; readonly phone: string }
  /** WhatsApp wants a passkey signed in a browser: a step the bot cannot take. */
  | { readonly kind: 'passkey_required' }
  /** WhatsApp shows `code` on the phone; the person says whether it matches. */
  | { readonly kind: 'passkey_confirm'; readonly code: string };

/** What one live QR message shows; the messenger turns it into a Telegram photo, caption and buttons. */
export type QrView =
  | {
      readonly kind: 'code';
      readonly sessionId: string;
      /** Rendered, scannable PNG of the current code (shared by every message showing it). */
      readonly png: Buffer;
      readonly fingerprint: string;
      /**
       * When the code stops working (epoch ms): Wasend's expiry, or when `estimated`, the latest time the
       * rotation schedule expects it to be replaced. Null when neither is known.
       */
      readonly expiresAt: number | null;
      /** True when `expiresAt` is our estimate rather than Wasend's word. Absent means false. */
      readonly estimated?: boolean;
      /** 1 for the first code this message showed, +1 per rotation. */
      readonly codeNumber: number;
      /** Position of the code in WhatsApp's series of six, when known. */
      readonly seriesIndex?: number;
      /** Absent: the QR in `png`. */
      readonly face?: CodeFace;
    }
  /** The bot is stopping: the code shown may go out of date until it is back (then the message carries on). */
  | { readonly kind: 'paused'; readonly sessionId: string }
  | { readonly kind: 'connected'; readonly sessionId: string }
  /** `pairing`: the message showed a pairing code (its buttons offer a new code or the QR). */
  | { readonly kind: 'expired'; readonly sessionId: string; readonly reason: ExpiredReason; readonly pairing?: boolean }
  | { readonly kind: 'cancelled'; readonly sessionId: string }
  | { readonly kind: 'retired'; readonly sessionId: string };

/**
 * Thrown by {@link QrMessenger.send} when the photo may or may not have been delivered (the connection broke
 * after the request went out, or Telegram answered 5xx): a message may exist that nobody tracks.
 */
export class DeliveryUnknownError extends Error {
  override readonly name = 'DeliveryUnknownError';
}

/** Thrown by {@link QrMessenger.send} when Telegram definitely refused the photo (nothing was sent), with its reason. */
export class PhotoRefusedError extends Error {
  override readonly name = 'PhotoRefusedError';
  constructor(
    /** Telegram's own words (its `description`), or empty when it gave none. */
    readonly reason: string,
    options?: ErrorOptions,
  ) {
    super(`Telegram refused the photo${reason === '' ? '' : `: ${reason}`}`, options);
  }
}

/**
 * Draws a {@link QrView} in a chat. `send` throws when the photo could not be sent.
 * `edit` resolves `'not_modified'` when the message already shows that view, `'gone'` when the message,
 * the chat or the bot's access is gone for good; it throws on transient errors (the edit is retried later).
 */
export interface QrMessenger {
  send(chatId: number, view: QrView): Promise<{ messageId: number }>;
  edit(chatId: number, messageId: number, view: QrView): Promise<'ok' | 'not_modified' | 'gone'>;
  /**
   * A text message to the chat, in its reader's language: `restarted` says a QR photo was cut short by a restart
   * and how to get a fresh one. Optional; rejections are ignored by the caller.
   */
  notify?(chatId: number, note: { readonly kind: 'restarted'; readonly sessionId: string }): Promise<void>;
}

/** What `open` and `renew` achieved; they never throw. */
export type OpenOutcome =
  | { readonly kind: 'sent'; readonly messageId: number }
  | { readonly kind: 'already_connected' }
  /** The session does not exist (or, for `renew`, the message is unknown or gone). */
  | { readonly kind: 'not_found' }
  /** No code appeared within `codeWaitMs`. */
  | { readonly kind: 'no_code' }
  /** The person cancelled (`/cancel`) while waiting for the code: nothing was sent. */
  | { readonly kind: 'cancelled' }
  /** The person lost access to the session (revoked, no longer admin) before the code went out. */
  | { readonly kind: 'refused' }
  /** The person already has `limit` live QR messages (see {@link LiveQrDeps.maxLivePerUser}). */
  | { readonly kind: 'too_many'; readonly limit: number }
  /** A pairing code was asked for this session less than the cooldown ago; the next may be asked at `retryAt`. */
  | { readonly kind: 'pairing_wait'; readonly retryAt: number }
  /** This Wasend server does not offer pairing codes (the QR stays). */
  | { readonly kind: 'pairing_not_offered' }
  /** Telegram refused the photo for good (nothing was sent), in its own words. */
  | { readonly kind: 'photo_refused'; readonly reason: string }
  /**
   * Wasend failed (`rate_limited`, `down`, `auth`, `invalid_response`), the photo's fate is unknown (`telegram`),
   * another instance would not hand the session over (`busy`), or the store could not say who may see it (`access_unknown`).
   */
  | { readonly kind: 'unavailable'; readonly reason: 'rate_limited' | 'down' | 'auth' | 'invalid_response' | 'telegram' | 'busy' | 'access_unknown' };

export interface LiveQrDeps {
  readonly wasend: WasendApi;
  readonly store: LiveMessageStore;
  readonly messenger: QrMessenger;
  /** Pure payload -> PNG renderer (`renderQrPng`); a rejection means the payload is unusable. */
  readonly render: (payload: QrPayload) => Promise<Buffer>;
  readonly logger: LogSink;
  /**
   * Gap between QR looks at a session whose rotation time is not known yet, between status looks at each
   * session when Wasend has no list, and the first retry pause after a refused edit, in ms.
   */
  readonly pollIntervalMs: number;
  /** How long one message is kept live before it says expired (`timed_out`), in ms. */
  readonly watchTimeoutMs: number;
  /**
   * While every live session's Wasend webhooks flow (an event within {@link LiveQrDeps.webhookFreshMs}), the
   * status feed ticks this many times less often (events report links at once). Default 3; 1 turns it off.
   */
  readonly webhookPollFactor?: number;
  /** How long one webhook event counts as proof that the session's webhooks flow, in ms. Default 300000. */
  readonly webhookFreshMs?: number;
  /**
   * How long a final view (connected, expired, cancelled, retired) that Telegram keeps refusing is retried
   * before giving up with a warning, in ms, counted from the first refusal (across restarts). Default 600000.
   */
  readonly finalEditGiveUpMs?: number;
  /** How long `open` / `renew` wait for a first code, in ms. Default 30000. */
  readonly codeWaitMs?: number;
  /**
   * Gap between two ticks of the status feed (one `GET /sessions` for every live session), in ms.
   * Default `min(pollIntervalMs, 1000)`.
   */
  readonly feedTickMs?: number;
  /**
   * May this user see this session now? Asked right before a photo goes out, after it is stored, and before
   * every code edit: a revoke reaches a `/qr` still in flight. Default: always.
   */
  readonly mayShow?: (userId: number, sessionId: string) => boolean | Promise<boolean>;
  /**
   * Live QR messages (and `/qr` waiting for a code) one user may have at once; a `/qr` beyond it is answered
   * `too_many`. Opening a session again in the same chat replaces the earlier message and does not count. Default:
   * no limit.
   */
  readonly maxLivePerUser?: (userId: number) => number;
  /** Where a photo being sent is recorded first, so that a crash mid-send can be cleaned up after a restart. */
  readonly photoIntents?: PhotoIntentStore;
  /**
   * How long a series' first code and each next one live when Wasend sends no expiry, in ms. Default WAHA's
   * 60 s / 20 s; only a test against a sped-up simulator sets it.
   */
  readonly codeLifetimes?: CodeLifetimes;
  /** Least time between two pairing-code requests for one session, in ms (WhatsApp locks numbers out). Default 60000. */
  readonly pairingCooldownMs?: number;
  /** How long a pairing code is shown before the message says it lapsed, in ms. Default 160000 (WhatsApp's). */
  readonly pairingLifetimeMs?: number;
  /** Time source and timers. Default: the system clock. */
  readonly clock?: Clock;
  /** Which sessions this instance keeps (several instances on PostgreSQL). Default: every session (one instance). */
  readonly ownership?: LiveOwnership;
  /**
   * On `stop`, turn the messages still showing a code into "paused" (one instance alone: nobody edits them until it
   * is back, and a code left on screen would go stale). Several instances hand them over instead. Default false.
   */
  readonly pauseOnStop?: boolean;
  /** Told, for every message edited to a new code, the seconds from the answer that showed the code to the edit (metrics). */
  readonly onCodeEdited?: (seconds: number) => void;
  /** This instance's id (several instances): recorded with each photo being sent. */
  readonly instanceId?: string;
}

/**
 * Who keeps a session's live messages when several instances share the database: exactly one instance at a time,
 * holding the session's lease (see `src/cluster/`). The engine asks before any work on a session and before every
 * edit; the cluster hands it sessions to adopt (a dead owner's) or to drop (taken over by another instance).
 */
export interface LiveOwnership {
  /** True when this is the only instance: it keeps every session, and `resume` adopts every stored message. */
  readonly solo: boolean;
  /**
   * Runs `work` as the session's owner: takes the session first (moving it from another instance when it has to)
   * and keeps it for the duration. Resolves with `otherwise()` when the session could not be taken.
   */
  run<T>(sessionId: string, work: () => Promise<T>, otherwise: () => T): Promise<T>;
  /** May this instance edit the session's messages right now (its lease runs, with a safety margin)? */
  holds(sessionId: string): boolean;
}

/** Link by phone number instead of the QR: the number as digits (8-15, country code first). */
export interface PairingRequest {
  readonly phone: string;
  /** Runs once the code is known and before it is shown: what must be on record first (the audit entry). */
  readonly beforeShow?: () => Promise<void>;
}

export interface OpenRequest {
  readonly chatId: number;
  readonly userId: number;
  readonly sessionId: string;
  readonly afterMessageId?: number;
  /** Show a pairing code for this phone number instead of the QR. */
  readonly pairing?: PairingRequest;
}

export interface LiveQr {
  /**
   * Sends a live QR photo for the session to the chat. A second open of the same session in the same chat retires
   * the first. `afterMessageId` (the person's command or the message they pressed) lets a photo whose answer was
   * lost be sent again and the copy Telegram did deliver be found and retired.
   */
  open(request: OpenRequest): Promise<OpenOutcome>;
  /**
   * "New QR" on a finished message: restarts the session's code series and shows the fresh code in the same message.
   * With `pairing`: shows a pairing code for that number in the same message (live or finished). Without it, a live
   * message that shows a pairing code goes back to the QR.
   */
  renew(chatId: number, messageId: number, userId: number, pairing?: PairingRequest): Promise<OpenOutcome>;
  /**
   * Looks at the message's session now (the Refresh button); resolves when that look is done, with true when the
   * message got something new to show (a new code). On a message whose final view is still pending, puts that view
   * again instead.
   */
  refresh(chatId: number, messageId: number): Promise<boolean>;
  /**
   * Returns false when the message was not live. A message whose final view Telegram refused so far gets
   * that view put again at once (and still answers false).
   */
  cancel(chatId: number, messageId: number): Promise<boolean>;
  /**
   * Cancels the live messages that `userId` opened in the chat, and their `/qr` still waiting for a code;
   * returns how many.
   */
  cancelChat(chatId: number, userId: number): Promise<number>;
  /**
   * Ends every live message (and `/qr` in flight) of `userId` that `mayShow` no longer allows, in any chat;
   * returns how many. Call after a revoke.
   */
  enforceAccess(userId: number): Promise<number>;
  /**
   * A webhook said the session changed: the status feed ticks now and, unless the event says the session
   * linked or stopped, the session's code is looked at now. Bursts are coalesced; sessions without a live
   * message are ignored. `passkeyCode`: the confirmation code a `PASSKEY_CONFIRMATION_REQUIRED` event carried.
   */
  poke(sessionId: string, state?: SessionState, passkeyCode?: string): void;
  /**
   * A verified Wasend webhook event for the session arrived: its webhooks flow, so polling for a link may
   * slow down for a while (see {@link LiveQrDeps.webhookPollFactor}). Call it for every event, before `poke`.
   */
  noteWebhookEvent(sessionId: string): void;
  /** After start: watch every live message in the store again; overdue ones are edited to expired. */
  resume(): Promise<void>;
  /** Sessions that have a live message now. */
  liveSessions(): string[];
  /** How many of those are in each state the status feed last saw (`unknown` before it saw one). */
  sessionStates(): Record<string, number>;
  /** Starts keeping the session's stored messages (live ones, and final views still to put): this instance owns it now. */
  adoptSession(sessionId: string): Promise<number>;
  /** Forgets the session's messages without a single edit: another instance owns it now. */
  dropSession(sessionId: string): void;
  /** True while this instance keeps messages of the session (or a final view of one is still pending). */
  hasWork(sessionId: string): boolean;
  /**
   * Photos that instances no longer `alive` were sending when they stopped (older than `olderThanMs`), which no live
   * message keeps: retired, and their people told to ask again. Another instance's restart, in effect.
   */
  sweepStrays(alive: readonly string[], olderThanMs: number): Promise<void>;
  /** Counters of the status feed (for benches and `/healthz`). */
  feedStats(): { readonly ticks: number; readonly listCalls: number; readonly sessionCalls: number; readonly skipped: number };
  /** Clears every timer and waits (at most 3 s) for looks and edits in flight. No look starts afterwards. */
  stop(): Promise<void>;
}
