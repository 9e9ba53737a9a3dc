import type { LogSink } from '../shared/logger.js';
import type { LiveMessage, LiveMessageStore } from '../store/types.js';
import { recordKey, type LiveRecord } from './effects.js';
import { describeError } from '../shared/describe-error.js';
import { finalViewOf, pendingFinalState, showingState } from './message.js';

/**
 * The live messages kept in memory (showing a code, or with a final view still to put), by chat and message.
 * A message the store knows but memory does not (after a restart, or a failed write) is adopted on demand.
 */
export class LiveRecords {
  private readonly byKey = new Map<string, LiveRecord>();

  constructor(
    private readonly store: LiveMessageStore,
    private readonly logger: LogSink,
  ) {}

  get(chatId: number, messageId: number): LiveRecord | undefined {
    return this.byKey.get(recordKey(chatId, messageId));
  }

  set(record: LiveRecord): void {
    this.byKey.set(recordKey(record.chatId, record.messageId), record);
  }

  /** Forgets a record that reached `final` or `gone`. */
  settle(record: LiveRecord): void {
    const key = recordKey(record.chatId, record.messageId);
    if (this.byKey.get(key) === record) this.byKey.delete(key);
  }

  values(): IterableIterator<LiveRecord> {
    return this.byKey.values();
  }

  /** Whether a message of `sessionId` is kept (without copying them all). */
  holdsSession(sessionId: string): boolean {
    for (const record of this.byKey.values()) if (record.sessionId === sessionId) return true;
    return false;
  }

  /** Rows from the store; a store failure is logged and reads as none. */
  async rows(read: (store: LiveMessageStore) => Promise<LiveMessage[]>): Promise<LiveMessage[]> {
    try {
      return await read(this.store);
    } catch (error) {
      this.logger.error({ err: describeError(error) }, 'could not read live QR messages');
      return [];
    }
  }

  /** True when the message is one of ours that memory or the store knows (a tracked QR message). */
  async isKnown(chatId: number, messageId: number): Promise<boolean> {
    return this.get(chatId, messageId) !== undefined || (await this.stored(chatId, messageId)) !== undefined;
  }

  private async stored(chatId: number, messageId: number): Promise<LiveMessage | undefined> {
    const rows = await this.rows(async (store) => {
      const found = await store.get(chatId, messageId);
      return found === undefined ? [] : [found];
    });
    return rows[0];
  }

  /** The record of a message: in memory when live or pending, else adopted from its stored row. */
  async find(chatId: number, messageId: number): Promise<LiveRecord | undefined> {
    const known = this.get(chatId, messageId);
    if (known !== undefined) return known;
    const row = await this.stored(chatId, messageId);
    // Another call may have adopted it while the row was read.
    return row === undefined ? undefined : (this.get(chatId, messageId) ?? this.adopt(row));
  }

  /** Keeps a stored row in memory: `showing` rows as live, pending final views as pending, others not at all. */
  adopt(row: LiveMessage): LiveRecord | undefined {
    const pending = finalViewOf(row);
    let state;
    // What a stored message shows is not known for sure (a stop may have paused it, a crash left an older code):
    // adopted as showing nothing, so the first look puts the current code in it once.
    if (row.state === 'showing') state = showingState(null);
    else if (pending !== undefined && row.finalEditSince !== undefined && row.finalEditSince !== null)
      state = pendingFinalState(pending, row.finalEditSince);
    else return undefined;
    const stored =
      row.fingerprint !== null && row.seriesIndex != null ? { stored: { fingerprint: row.fingerprint, seriesIndex: row.seriesIndex } } : {};
    const record: LiveRecord = {
      chatId: row.chatId,
      messageId: row.messageId,
      userId: row.userId,
      sessionId: row.sessionId,
      deadlineAt: row.deadlineAt,
      state,
      ...stored,
    };
    if (row.state === 'showing' && row.pairing) record.pairing = { phone: row.pairing.phone, expiresAt: row.pairing.expiresAt };
    this.set(record);
    return record;
  }
}
