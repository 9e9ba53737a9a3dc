import type { LogSink } from '../shared/logger.js';
import { createUpdateQueue, updateIdOf, type PushResult } from './update-queue.js';
import type { TelegramUpdateStore } from '../store/types.js';

/** Options of {@link createUpdateInbox}. */
export interface UpdateInboxOptions {
  readonly store: TelegramUpdateStore;
  /** This instance's id: the holder of the updates it takes. */
  readonly holder: string;
  /** Handles one update (e.g. `bot.handleUpdate`). Its errors are logged, never thrown. */
  readonly handle: (update: unknown) => Promise<void>;
  readonly logger: Pick<LogSink, 'error' | 'warn' | 'info'>;
  /** Ids are remembered this long against a second delivery, ms. Default 24 h (Telegram keeps an update at most 24 h). */
  readonly keepMs?: number;
  /** An update taken by a dead instance is taken over once it is at least this old, ms. Default 5000. */
  readonly reclaimGraceMs?: number;
  /** Updates handled at once. Default 100. */
  readonly maxRunning?: number;
  /** Updates waiting at most (then `accept` answers `full`). Default 2000. */
  readonly maxQueued?: number;
  /**
   * Answers an update the database cannot record (it does not answer): then `accept` resolves `answered` instead
   * of rejecting. Without it, such an update is left to Telegram to deliver again.
   */
  readonly unrecorded?: (update: unknown) => Promise<void>;
}

export interface UpdateInbox {
  /**
   * An update arrived (by webhook or by a poll): recorded in the database as taken by this instance, then queued.
   * `duplicate` when it was taken already (by this or another instance), `full` when the queue is full (nothing is
   * recorded, so a redelivery is handled), `answered` when the database cannot record it and `unrecorded` told the
   * sender so. Rejects when the database cannot record it and there is no `unrecorded`: the caller must not confirm
   * the update to Telegram then.
   */
  accept(update: unknown): Promise<PushResult>;
  /** Takes over and queues the updates that instances no longer alive took but never finished; returns how many. */
  recover(alive: readonly string[]): Promise<number>;
  /** Updates queued or running. */
  readonly pending: number;
  /** Resolves when every queued update has been handled. */
  drain(): Promise<void>;
}

const DAY_MS = 24 * 60 * 60_000;

/**
 * Telegram updates go through the database before they are handled: every instance, in webhook or polling mode,
 * takes an update with one `INSERT ... ON CONFLICT DO NOTHING` (so a redelivery, to any instance, is handled once),
 * keeps its JSON until it is handled, and an update whose instance died in between is taken over by a live one.
 * An update whose handler had started when its instance died is not run again: its reply may have gone out, and a
 * second `/qr` would send a second photo (at most once for those; the person asks again).
 */
export function createUpdateInbox(options: UpdateInboxOptions): UpdateInbox {
  const { store, holder, logger } = options;
  const keepMs = options.keepMs ?? DAY_MS;
  const graceMs = options.reclaimGraceMs ?? 5_000;
  const queue = createUpdateQueue({
    handle: async (update) => {
      const id = updateIdOf(update);
      // Recorded before the handler runs: a crash after this does not run it again (it may have answered already).
      // An update that started at once was recorded as started when it was taken (one write fewer).
      if (id !== undefined && !startedAtTake.delete(id)) {
        await store.start(id).catch((error: unknown) => logger.warn({ err: error, updateId: id }, 'could not mark an update started'));
      }
      try {
        await options.handle(update);
      } finally {
        if (id !== undefined) {
          await store.done(id).catch((error: unknown) => logger.warn({ err: error, updateId: id }, 'could not mark an update done'));
        }
      }
    },
    logger,
    ...(options.maxRunning !== undefined ? { maxRunning: options.maxRunning } : {}),
    ...(options.maxQueued !== undefined ? { maxQueued: options.maxQueued } : {}),
  });
  // The queue refuses beyond maxRunning + maxQueued; updates being taken count too, so a taken update always fits.
  const maxRunning = options.maxRunning ?? 100;
  const capacity = maxRunning + (options.maxQueued ?? 2_000);
  let taking = 0;
  /** Updates taken with `started` set: they run at once, no second write needed. */
  const startedAtTake = new Set<number>();

  return {
    async accept(update) {
      const updateId = updateIdOf(update);
      // Telegram's ids are never negative: anything else is not an update to record.
      if (updateId === undefined || updateId < 0) return 'duplicate';
      if (queue.pending + taking >= capacity) return 'full';
      const startsNow = queue.pending + taking < maxRunning;
      taking += 1;
      try {
        let taken: boolean;
        try {
          taken = await store.take({ updateId, payload: JSON.stringify(update), started: startsNow }, holder, keepMs);
        } catch (error) {
          if (options.unrecorded === undefined) throw error;
          logger.warn({ err: error, updateId }, 'could not record a Telegram update: the database does not answer; the sender is told to try again');
          await options
            .unrecorded(update)
            .catch((failure: unknown) => logger.warn({ err: failure, updateId }, 'could not tell the sender that the database does not answer'));
          return 'answered';
        }
        if (!taken) return 'duplicate';
        if (startsNow) startedAtTake.add(updateId);
        const pushed = queue.push(update);
        if (pushed !== 'queued') startedAtTake.delete(updateId);
        return pushed;
      } finally {
        taking -= 1;
      }
    },
    async recover(alive) {
      const { updates: orphans, cutShort } = await store.reclaim(holder, alive, graceMs);
      if (cutShort.length > 0)
        logger.warn({ updates: cutShort.length }, 'a stopped instance was handling Telegram updates when it died; they are not run again');
      for (const orphan of orphans) {
        let update: unknown;
        try {
          update = JSON.parse(orphan.payload);
        } catch {
          await store.done(orphan.updateId);
          continue;
        }
        queue.push(update);
      }
      if (orphans.length > 0) logger.info({ updates: orphans.length }, 'took over Telegram updates that a stopped instance had not finished');
      return orphans.length;
    },
    get pending() {
      return queue.pending;
    },
    drain: () => queue.drain(),
  };
}
