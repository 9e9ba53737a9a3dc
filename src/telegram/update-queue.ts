import { LRUCache } from 'lru-cache';
import { isRecord } from '../shared/is-record.js';
import type { LogSink } from '../shared/logger.js';

/** The part of a {@link LogSink} the queue uses. */
export type UpdateQueueLogger = Pick<LogSink, 'error' | 'warn'>;

/** Options of {@link createUpdateQueue}. */
export interface UpdateQueueOptions {
  /** Handles one update (e.g. `(update) => bot.handleUpdate(update as Update)`). Its errors are logged, never thrown. */
  readonly handle: (update: unknown) => Promise<void>;
  readonly logger: UpdateQueueLogger;
  /** Updates handled at once; the rest wait in arrival order. Default 100. */
  readonly maxRunning?: number;
  /** Updates waiting at most; beyond that `push` answers `full` (Telegram retries a 503). Default 2000. */
  readonly maxQueued?: number;
  /** `update_id`s remembered to drop a redelivery. Default 10000. */
  readonly rememberIds?: number;
}

/**
 * What became of a pushed update. `answered`: the database could not record it, and the person was told so at
 * once (try again in a minute) instead of hearing nothing for the whole outage; it is confirmed to Telegram.
 */
export type PushResult = 'queued' | 'duplicate' | 'full' | 'answered';

/**
 * Runs webhook updates after the HTTP answer, in arrival order, up to `maxRunning` at once: a slow update
 * (a `/qr` waiting for a code) never holds another, of its chat or any other. Where order matters (two
 * presses on one message) the bot's own `sequentialize` keeps it. A redelivered `update_id` is dropped; a
 * full queue refuses, so that Telegram delivers again later instead of the bot's memory growing.
 */
export interface UpdateQueue {
  /** Queues an update; returns at once. */
  push(update: unknown): PushResult;
  /** Updates queued or running. */
  readonly pending: number;
  /** Resolves when every queued update (including ones pushed meanwhile) has been handled. Never rejects. */
  drain(): Promise<void>;
}

const CHAT_CARRIERS = [
  'message',
  'edited_message',
  'channel_post',
  'edited_channel_post',
  'business_message',
  'edited_business_message',
  'my_chat_member',
  'chat_member',
  'chat_join_request',
  'message_reaction',
  'message_reaction_count',
  'chat_boost',
  'removed_chat_boost',
] as const;

function chatIdOf(value: unknown): number | undefined {
  if (!isRecord(value) || !isRecord(value['chat'])) return undefined;
  const id = value['chat']['id'];
  return typeof id === 'number' ? id : undefined;
}

/** The chat an update belongs to, or undefined when it names none. */
export function updateChatId(update: unknown): number | undefined {
  if (!isRecord(update)) return undefined;
  for (const key of CHAT_CARRIERS) {
    const id = chatIdOf(update[key]);
    if (id !== undefined) return id;
  }
  const callback = update['callback_query'];
  return isRecord(callback) ? chatIdOf(callback['message']) : undefined;
}

/** The `update_id` of a Telegram update, when it has a whole number there. */
export function updateIdOf(update: unknown): number | undefined {
  const id = isRecord(update) ? update['update_id'] : undefined;
  return typeof id === 'number' && Number.isSafeInteger(id) ? id : undefined;
}

/** See {@link UpdateQueue}. */
export function createUpdateQueue(options: UpdateQueueOptions): UpdateQueue {
  const { handle, logger } = options;
  const maxRunning = options.maxRunning ?? 100;
  const maxQueued = options.maxQueued ?? 2_000;
  const seen = new LRUCache<number, true>({ max: options.rememberIds ?? 10_000 });
  const waiting: unknown[] = [];
  const running = new Set<Promise<void>>();
  let refused = 0;

  const start = (update: unknown): void => {
    const task = (async () => {
      // After the current I/O callback: the HTTP answer goes out before any handling starts.
      await new Promise<void>((resolve) => setImmediate(resolve));
      try {
        await handle(update);
      } catch (error) {
        logger.error({ err: error, updateId: updateIdOf(update) }, 'update failed');
      }
    })();
    running.add(task);
    void task.then(() => {
      running.delete(task);
      const next = waiting.shift();
      if (next !== undefined) start(next);
    });
  };

  return {
    push(update) {
      const id = updateIdOf(update);
      if (id !== undefined && seen.has(id)) return 'duplicate';
      if (running.size >= maxRunning && waiting.length >= maxQueued) {
        if (refused++ % 100 === 0) logger.warn({ queued: waiting.length, refused }, 'update queue full; Telegram will deliver again');
        return 'full';
      }
      if (id !== undefined) seen.set(id, true);
      if (running.size < maxRunning) start(update);
      else waiting.push(update);
      return 'queued';
    },
    get pending() {
      return running.size + waiting.length;
    },
    async drain() {
      while (running.size > 0) await Promise.all(running);
    },
  };
}
