import { isRecord } from '../is-record.js';
import type { LogSink } from '../logger.js';

/** The part of a {@link LogSink} the queue uses. */
export type UpdateQueueLogger = Pick<LogSink, 'error'>;

/** Options of {@link createUpdateQueue}. */
export interface UpdateQueueOptions {
  /** Handles one update (e.g. `(update) => bot.handleUpdate(update as Update)`). Its errors are logged, never thrown. */
  readonly handle: (update: unknown) => Promise<void>;
  readonly logger: UpdateQueueLogger;
}

/**
 * Runs webhook updates after the HTTP answer: one chat's updates one after another in arrival order, different
 * chats concurrently. Updates that name no chat (inline queries, polls, ...) each run on their own.
 */
export interface UpdateQueue {
  /** Queues an update; returns at once. */
  push(update: unknown): void;
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

function updateIdOf(update: unknown): unknown {
  return isRecord(update) ? update['update_id'] : undefined;
}

/** See {@link UpdateQueue}. */
export function createUpdateQueue(options: UpdateQueueOptions): UpdateQueue {
  const { handle, logger } = options;
  const lanes = new Map<number, Promise<void>>();
  const running = new Set<Promise<void>>();
  let pending = 0;

  const run = async (update: unknown): Promise<void> => {
    try {
      await handle(update);
    } catch (error) {
      logger.error({ err: error, updateId: updateIdOf(update) }, 'update failed');
    } finally {
      pending -= 1;
    }
  };

  const track = (task: Promise<void>): void => {
    running.add(task);
    void task.then(() => running.delete(task));
  };

  return {
    push(update) {
      pending += 1;
      const chatId = updateChatId(update);
      if (chatId === undefined) {
        track(run(update));
        return;
      }
      const lane = (lanes.get(chatId) ?? Promise.resolve()).then(() => run(update));
      lanes.set(chatId, lane);
      track(lane);
      void lane.then(() => {
        if (lanes.get(chatId) === lane) lanes.delete(chatId);
      });
    },
    get pending() {
      return pending;
    },
    async drain() {
      while (running.size > 0) await Promise.all(running);
    },
  };
}
