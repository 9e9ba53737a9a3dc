import { setTimeout as delay } from 'node:timers/promises';
import type { Api } from 'grammy';
import { classifyTelegramError } from './errors.js';
import type { Update } from 'grammy/types';
import type { LogSink } from '../shared/logger.js';
import type { UpdateInbox } from './inbox.js';

/** The least time between two polls after an empty answer that came back sooner than this. */
const EMPTY_POLL_GAP_MS = 500;

/** Options of {@link createPoller}. */
export interface PollerOptions {
  readonly api: Api;
  readonly inbox: UpdateInbox;
  readonly allowedUpdates: readonly string[];
  readonly logger: Pick<LogSink, 'info' | 'warn' | 'error'>;
  /** Telegram's long-poll wait, s. Default 25. */
  readonly timeoutS?: number;
  /** Asked before every `getUpdates`: false ends polling (this instance no longer holds the `poller` lease). */
  readonly mayPoll?: () => boolean;
}

export interface Poller {
  /** Starts polling (idempotent). */
  start(): void;
  /** Stops polling: the open long poll is aborted, and nothing is confirmed that the inbox did not record. */
  stop(): Promise<void>;
  readonly running: boolean;
}

/**
 * Long polling that loses nothing when the process dies: each update is recorded in the inbox (the database)
 * before the next `getUpdates` confirms it to Telegram. An update the inbox cannot take (database down, queue
 * full) is not confirmed: the next poll asks from it again. Run by one instance at a time (the `poller` lease).
 */
export function createPoller(options: PollerOptions): Poller {
  const { api, inbox, logger } = options;
  const timeoutS = options.timeoutS ?? 25;
  let controller: AbortController | undefined;
  let loop: Promise<void> | undefined;

  /** Waits `ms`, or less when polling stops. */
  const pause = (ms: number, signal: AbortSignal) => delay(ms, undefined, { signal }).catch(() => undefined);

  async function run(signal: AbortSignal): Promise<void> {
    let offset: number | undefined;
    let failures = 0;
    while (!signal.aborted) {
      if (options.mayPoll?.() === false) {
        logger.warn({}, 'stopped polling: another instance polls now');
        return;
      }
      let updates: Update[];
      const askedAt = Date.now();
      try {
        updates = await api.getUpdates(
          { timeout: timeoutS, allowed_updates: options.allowedUpdates as never, ...(offset !== undefined ? { offset } : {}) },
          // grammY types its signal with the abort-controller shim; the platform's is what it uses at run time.
          signal as Parameters<Api['getUpdates']>[1],
        );
        failures = 0;
      } catch (error) {
        if (signal.aborted) return;
        failures += 1;
        // 409: another getUpdates (an instance that has not noticed it lost the lease) or a webhook is set.
        const conflict = classifyTelegramError(error) === 'conflict';
        if (failures === 1 || failures % 10 === 0) logger.warn({ conflict, failures }, 'getUpdates failed; polling again shortly');
        await pause(Math.min(5_000, 250 * 2 ** Math.min(failures, 5)), signal);
        continue;
      }
      if (updates.length === 0 && Date.now() - askedAt < EMPTY_POLL_GAP_MS) {
        // A server that answers at once without honouring `timeout` (a Bot API written by others) must not make
        // this loop spin: a short gap after an empty answer that came early.
        await pause(EMPTY_POLL_GAP_MS, signal);
        continue;
      }
      for (const update of updates) {
        if (signal.aborted) return;
        let result;
        try {
          result = await inbox.accept(update);
        } catch (error) {
          logger.error({ err: error, updateId: update.update_id }, 'could not record a Telegram update; asking for it again');
          result = 'retry' as const;
        }
        if (result === 'full' || result === 'retry') {
          // Not confirmed: the next poll starts from this update.
          await pause(500, signal);
          break;
        }
        offset = update.update_id + 1;
      }
    }
  }

  return {
    start() {
      if (loop !== undefined) return;
      // A loop that ended by itself (its lease ran out) may start again.
      controller = new AbortController();
      const signal = controller.signal;
      const running: Promise<void> = run(signal)
        .catch((error: unknown) => logger.error({ err: error }, 'polling stopped unexpectedly'))
        .finally(() => {
          if (loop === running) loop = undefined;
        });
      loop = running;
      logger.info({}, 'polling Telegram for updates');
    },
    async stop() {
      controller?.abort();
      await loop;
      loop = undefined;
      controller = undefined;
    },
    get running() {
      return loop !== undefined;
    },
  };
}
