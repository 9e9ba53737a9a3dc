/** The stored side of live QR messages: the rows the live engine keeps, and the photos it is about to send. */

/** `showing` is the only live state; the others are final and kept for history. */
export type LiveMessageState = 'showing' | 'connected' | 'expired' | 'cancelled' | 'retired' | 'gone';

/** Why a message in state `expired` stopped showing a code (the live module's `ExpiredReason`). */
export type LiveExpiredReason = 'codes_ran_out' | 'failed' | 'timed_out' | 'stopped';

export interface LiveMessage {
  readonly chatId: number;
  readonly messageId: number;
  readonly userId: number;
  readonly sessionId: string;
  readonly state: LiveMessageState;
  /** Fingerprint of the code the message shows now (null when it shows no code). */
  readonly fingerprint: string | null;
  /** When the shown code expires (null when unknown). */
  readonly expiresAt: number | null;
  /** After this the watch gives up and the message says expired. */
  readonly deadlineAt: number;
  readonly createdAt: number;
  readonly updatedAt: number;
  /** For state `expired`: why (absent or null when unknown). */
  readonly expiredReason?: LiveExpiredReason | null;
  /**
   * When Telegram first refused (transiently) to show the final `state`: the message may still show a code
   * and the edit is retried, across restarts too. Absent or null when the message shows its state.
   */
  readonly finalEditSince?: number | null;
  /**
   * Set while the message shows (or last showed) a pairing code instead of the QR: the phone number it was
   * asked for (digits, for "New code") and when the code lapses. The code itself is never stored.
   */
  readonly pairing?: LivePairing | null;
  /** Where the shown code stands in WhatsApp's series ("code N of 6"), when known: a takeover keeps saying it. */
  readonly seriesIndex?: number | null;
}

export interface LivePairing {
  readonly phone: string;
  readonly expiresAt: number;
}

export interface LiveMessageStore {
  /** Inserts or replaces the row for (chatId, messageId). */
  save(message: LiveMessage): Promise<void>;
  get(chatId: number, messageId: number): Promise<LiveMessage | undefined>;
  /** Only fields given change; `updatedAt` is set to `now`. Returns the updated row. */
  update(
    chatId: number,
    messageId: number,
    patch: Partial<
      Pick<
        LiveMessage,
        'state' | 'fingerprint' | 'expiresAt' | 'deadlineAt' | 'userId' | 'expiredReason' | 'finalEditSince' | 'pairing' | 'seriesIndex'
      >
    >,
    now?: number,
  ): Promise<LiveMessage | undefined>;
  /** Every message in state `showing`. */
  listLive(): Promise<LiveMessage[]>;
  /** Every message whose final view is still to be shown (`finalEditSince` set), oldest first. */
  listFinalPending(): Promise<LiveMessage[]>;
  listLiveBySession(sessionId: string): Promise<LiveMessage[]>;
  listLiveByChat(chatId: number): Promise<LiveMessage[]>;
  /** Sessions with a message showing a code or a final view still to put, sorted. */
  sessionsWithWork(): Promise<string[]>;
}

/** A QR photo about to be sent into a chat, after the message `afterMessageId` (the person's /qr). */
export interface PhotoIntent {
  readonly id: number;
  readonly chatId: number;
  readonly afterMessageId: number;
  readonly sessionId: string;
  readonly createdAt: number;
  /** The instance sending it (several instances on PostgreSQL); absent for one instance alone. */
  readonly holder?: string | null;
}

/**
 * QR photos being sent, recorded before the send and cleared once the message is stored: an intent left over
 * after a crash means Telegram may hold a photo nobody tracks, and a restart retires it.
 */
export interface PhotoIntentStore {
  add(intent: Omit<PhotoIntent, 'id'>): Promise<number>;
  /** Deletes the intent; false when it was gone already (another instance swept it). */
  clear(id: number): Promise<boolean>;
  list(): Promise<PhotoIntent[]>;
}
