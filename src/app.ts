import { run, type RunnerHandle } from '@grammyjs/runner';
import { Api, type Bot } from 'grammy';
import { configureApi, createBot } from './bot/bot.js';
import { registerCommands } from './bot/commands.js';
import type { BotContext } from './bot/context.js';
import { describeError } from './bot/describe-error.js';
import { createTelegramMessenger } from './bot/telegram-messenger.js';
import type { Config } from './config.js';
import { createLiveQr } from './live/live-qr.js';
import type { Logger } from './logger.js';
import { renderQrPng } from './qr/render.js';
import { createStore } from './store/sqlite.js';
import { createRequestBudget } from './wasend/budget.js';
import { createWasendClient } from './wasend/client.js';

export interface AppOptions {
  readonly logger: Logger;
  /** Fetch for Wasend calls; default the global `fetch`. */
  readonly fetch?: typeof fetch;
}

export interface App {
  readonly bot: Bot<BotContext>;
  /** `getMe`, command menus, resumes live QR messages from the store, then takes updates. */
  start(): Promise<void>;
  /** Stops taking updates, finishes in-flight edits, closes the store. Idempotent; done within about 5 s. */
  stop(): Promise<void>;
}

/** Stop budget of each step, so the whole stop stays within 5 s even when a handler hangs. */
const RUNNER_STOP_MS = 1_500;
const LIVE_STOP_MS = 3_000;
const ALLOWED_UPDATES = ['message', 'callback_query'] as const;

/** Builds every part (Wasend client -> store -> messenger -> live QR -> bot); nothing talks to the network yet. */
export async function createApp(config: Config, options: AppOptions): Promise<App> {
  const { logger } = options;
  const wasend = createWasendClient({
    baseUrl: config.wasend.baseUrl,
    apiKey: config.wasend.apiKey,
    timeoutMs: config.wasend.timeoutMs,
    maxRetries: config.wasend.maxRetries,
    budget: createRequestBudget({ maxRps: config.wasend.maxRps }),
    logger: logger.child({ module: 'wasend' }),
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
  const store = createStore(config.databasePath);
  try {
    const telegramApi = new Api(config.telegram.token, { apiRoot: config.telegram.apiRoot });
    configureApi(telegramApi, logger);
    const messenger = createTelegramMessenger({
      api: telegramApi,
      protectContent: config.telegram.protectContent,
      logger: logger.child({ module: 'messenger' }),
    });
    const liveQr = createLiveQr({
      wasend,
      store: store.liveMessages,
      messenger,
      render: renderQrPng,
      logger: logger.child({ module: 'live-qr' }),
      pollIntervalMs: config.wasend.pollIntervalMs,
      watchTimeoutMs: config.qrWatchTimeoutMs,
    });
    const bot = createBot({ config, logger, store, wasend, liveQr });

    let runner: RunnerHandle | undefined;
    let stopping: Promise<void> | undefined;

    const startPolling = async () => {
      // A webhook left over from another deployment would make getUpdates fail with 409.
      await bot.api.deleteWebhook();
      runner = run(bot, { runner: { fetch: { allowed_updates: ALLOWED_UPDATES }, silent: true } });
      logger.info({ username: bot.botInfo.username }, 'bot started (long polling)');
    };

    const stop = async () => {
      const stoppingRunner = runner?.isRunning() ? runner.stop() : Promise.resolve();
      await withTimeout(liveQr.stop(), LIVE_STOP_MS).catch((error: unknown) =>
        logger.warn({ error: describeError(error) }, 'live QR did not stop cleanly'),
      );
      // Handlers waiting on live QR have been released by now; a hung one must not hold the process.
      const drained = await withTimeout(stoppingRunner, RUNNER_STOP_MS).then(
        () => true,
        () => false,
      );
      if (!drained) logger.warn('some updates were still being handled at shutdown');
      store.close();
      logger.info('bot stopped');
    };

    return {
      bot,
      async start() {
        if (stopping) throw new Error('This app was stopped; create a new one to start again.');
        await bot.init();
        await registerCommands(bot.api, config.adminIds, logger);
        await liveQr.resume();
        await startPolling();
      },
      stop() {
        stopping ??= stop();
        return stopping;
      },
    };
  } catch (error) {
    store.close();
    throw error;
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
