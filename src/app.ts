import { run, type RunnerHandle } from '@grammyjs/runner';
import { Api, type Bot } from 'grammy';
import type { Update } from 'grammy/types';
import { configureApi, createBot } from './bot/bot.js';
import { registerCommands } from './bot/commands.js';
import type { BotContext } from './bot/context.js';
import { describeError } from './bot/describe-error.js';
import { createTelegramMessenger } from './bot/telegram-messenger.js';
import type { Config } from './config.js';
import { createHealthMonitor } from './health/monitor.js';
import { createTelegramHealthNotifier } from './health/notifier.js';
import { createHealthReporter, createTelegramContactTransformer } from './http/health.js';
import { createHttpServer, telegramWebhookPath, type HttpServer } from './http/server.js';
import { createUpdateQueue } from './http/update-queue.js';
import { createOutbox } from './bot/outbox.js';
import type { WasendStatusEvent } from './http/wasend-webhook.js';
import { createLiveQr } from './live/live-qr.js';
import type { CodeLifetimes } from './live/schedule.js';
import type { LiveQr } from './live/types.js';
import type { Logger } from './logger.js';
import { renderQrPng } from './qr/render.js';
import { createRenderPool } from './qr/render-pool.js';
import { openStore } from './store/open.js';
import { createRequestBudget } from './wasend/budget.js';
import { createWasendClient } from './wasend/client.js';
import { withSessionNames } from './wasend/names.js';
import { DEFAULT_LOCALE, loadCatalogue } from './i18n/catalogue.js';
import { localeOfUser } from './bot/locale.js';
import { checkWasend, connectTelegram, DEFAULT_CONNECT_TIMEOUT_MS } from './startup.js';

export interface AppOptions {
  readonly logger: Logger;
  /** Fetch for Wasend calls; default the global `fetch`. */
  readonly fetch?: typeof fetch;
  /** How long `/qr` waits for Wasend to show a first code before answering "no code yet", in ms. Default 30000 (for tests). */
  readonly codeWaitMs?: number;
  /** How long codes live when Wasend sends no expiry (tests against a sped-up simulator), in ms. Default WAHA's 60 s / 20 s. */
  readonly codeLifetimes?: CodeLifetimes;
  /** Least time between two pairing codes for one session, in ms. Default 60000 (tests shorten it). */
  readonly pairingCooldownMs?: number;
  /** How long a pairing code is shown, in ms. Default 160000 (tests shorten it). */
  readonly pairingLifetimeMs?: number;
  /** How long a `/delete` confirm button works, in ms. Default 60000 (tests shorten it). */
  readonly confirmWindowMs?: number;
}

export interface App {
  readonly bot: Bot<BotContext>;
  /** The live QR engine (what a Wasend webhook event pokes). */
  readonly liveQr: LiveQr;
  /** The HTTP listener (webhooks, `/healthz`) once started, when `HTTP_PORT` is set. */
  readonly http: () => HttpServer | undefined;
  /** `getMe`, command menus, resumes live QR messages from the store, then takes updates. */
  start(): Promise<void>;
  /** Stops taking updates, finishes in-flight edits, closes the store. Idempotent; done within about 5 s. */
  stop(): Promise<void>;
}

/** Stop budget of each step, so the whole stop stays within 5 s even when a handler hangs. */
const RUNNER_STOP_MS = 1_500;
const LIVE_STOP_MS = 3_000;
const ALLOWED_UPDATES = ['message', 'callback_query', 'my_chat_member'] as const;

/** Builds every part (Wasend client -> store -> messenger -> live QR -> bot); nothing talks to the network yet. */
export async function createApp(config: Config, options: AppOptions): Promise<App> {
  const { logger } = options;
  const store = await openStore(config);
  const healthReport = createHealthReporter({ store });
  const i18n = loadCatalogue();
  const { wasend, names } = withSessionNames(createWasendClient({
    baseUrl: config.wasend.baseUrl,
    apiKey: config.wasend.apiKey,
    timeoutMs: config.wasend.timeoutMs,
    maxRetries: config.wasend.maxRetries,
    budget: createRequestBudget({ maxRps: config.wasend.maxRps, burst: Math.max(50, 2 * config.wasend.maxRps) }),
    logger: logger.child({ module: 'wasend' }),
    onContact: healthReport.recordWasendContact,
    ...(options.fetch ? { fetch: options.fetch } : {}),
  }));
  /** The language of a chat's reader: a private chat's id is its user's; groups read English. */
  const localeOf = (chatId: number) => (chatId > 0 ? localeOfUser(store.users, chatId) : DEFAULT_LOCALE);
  const label = (sessionId: string) => names.label(sessionId);
  const renderPool = config.renderThreads ? createRenderPool({ threads: config.renderThreads }) : undefined;
  try {
    const telegramApi = new Api(config.telegram.token, { apiRoot: config.telegram.apiRoot });
    configureApi(telegramApi, logger);
    const recordTelegram = createTelegramContactTransformer(healthReport.recordTelegram);
    // One outgoing queue for both Telegram clients: within Telegram's limits, live QR edits first.
    const outbox = createOutbox(config.telegram.limits ?? {});
    telegramApi.config.use(outbox);
    telegramApi.config.use(recordTelegram);
    const messenger = createTelegramMessenger({
      api: telegramApi,
      protectContent: config.telegram.protectContent,
      logger: logger.child({ module: 'messenger' }),
      i18n,
      localeOf,
      label,
    });
    const liveQr = createLiveQr({
      wasend,
      store: store.liveMessages,
      messenger,
      render: renderPool?.render ?? renderQrPng,
      logger: logger.child({ module: 'live-qr' }),
      pollIntervalMs: config.wasend.pollIntervalMs,
      watchTimeoutMs: config.qrWatchTimeoutMs,
      mayShow: async (userId, sessionId) => config.adminIds.has(userId) || (await store.grants.has(userId, sessionId)),
      photoIntents: store.photoIntents,
      maxLivePerUser: (userId) => (config.adminIds.has(userId) ? Number.POSITIVE_INFINITY : (config.livePerUser ?? 10)),
      ...(options.codeWaitMs !== undefined ? { codeWaitMs: options.codeWaitMs } : {}),
      ...(options.codeLifetimes ? { codeLifetimes: options.codeLifetimes } : {}),
      ...(options.pairingCooldownMs !== undefined ? { pairingCooldownMs: options.pairingCooldownMs } : {}),
      ...(options.pairingLifetimeMs !== undefined ? { pairingLifetimeMs: options.pairingLifetimeMs } : {}),
    });
    const healthLogger = logger.child({ module: 'health' });
    const monitor = createHealthMonitor({
      wasend,
      watches: store.watches,
      state: store.health,
      notifier: createTelegramHealthNotifier(telegramApi, healthLogger, { i18n, localeOf, label }),
      logger: healthLogger,
      intervalMs: config.healthCheckIntervalMs,
      isAllowed: async (watch) => config.adminIds.has(watch.userId) || (await store.grants.has(watch.userId, watch.sessionId)),
    });
    const bot = createBot({
      config,
      logger,
      store,
      wasend,
      liveQr,
      health: monitor,
      i18n,
      names,
      ...(options.confirmWindowMs !== undefined ? { confirmWindowMs: options.confirmWindowMs } : {}),
    });
    bot.api.config.use(outbox);
    bot.api.config.use(recordTelegram);
    // Webhook mode answers Telegram first and handles the update after, in order per chat.
    const updates = createUpdateQueue({
      handle: (update) => bot.handleUpdate(update as Update),
      logger: logger.child({ module: 'updates' }),
    });
    const onWasendEvent = (event: WasendStatusEvent) => {
      liveQr.noteWebhookEvent(event.sessionId);
      liveQr.poke(event.sessionId, event.status.state, event.passkeyCode);
      monitor.poke(event.sessionId, event.status);
    };

    let runner: RunnerHandle | undefined;
    let http: HttpServer | undefined;
    let stopping: Promise<void> | undefined;

    const startHttp = async () => {
      if (config.http.port === undefined) return;
      const hook = config.telegram.webhook;
      http = await createHttpServer({
        host: config.http.host,
        port: config.http.port,
        logger: logger.child({ module: 'http' }),
        health: async () => healthReport.report(),
        ...(config.wasend.webhookSecret
          ? { wasendWebhook: { secret: config.wasend.webhookSecret, onEvent: onWasendEvent, seenIds: store.webhookEvents } }
          : {}),
        ...(hook
          ? { telegramWebhook: { path: telegramWebhookPath(hook.url), secret: hook.secret, onUpdate: (u) => updates.push(u) } }
          : {}),
      });
      logger.info({ url: http.url, wasendWebhooks: Boolean(config.wasend.webhookSecret) }, 'HTTP listener started');
    };

    const startWebhook = async (hook: { url: string; secret: string }) => {
      await bot.api.setWebhook(hook.url, { secret_token: hook.secret, allowed_updates: ALLOWED_UPDATES });
      logger.info({ username: bot.botInfo.username }, 'bot started (webhook)');
    };

    const startPolling = async () => {
      // A webhook left over from another deployment would make getUpdates fail with 409.
      await bot.api.deleteWebhook();
      runner = run(bot, { runner: { fetch: { allowed_updates: ALLOWED_UPDATES }, silent: true } });
      logger.info({ username: bot.botInfo.username }, 'bot started (long polling)');
    };

    const stop = async () => {
      await http?.close();
      const stoppingRunner = Promise.all([runner?.isRunning() ? runner.stop() : undefined, updates.drain()]);
      await Promise.all([
        withTimeout(liveQr.stop(), LIVE_STOP_MS).catch((error: unknown) =>
          logger.warn({ error: describeError(error) }, 'live QR did not stop cleanly'),
        ),
        withTimeout(monitor.stop(), LIVE_STOP_MS).catch((error: unknown) =>
          logger.warn({ error: describeError(error) }, 'health monitor did not stop cleanly'),
        ),
      ]);
      // Handlers waiting on live QR have been released by now; a hung one must not hold the process.
      const drained = await withTimeout(stoppingRunner, RUNNER_STOP_MS).then(
        () => true,
        () => false,
      );
      if (!drained) logger.warn('some updates were still being handled at shutdown');
      await outbox.stop();
      await store.close();
      await renderPool?.close();
      logger.info('bot stopped');
    };

    return {
      bot,
      liveQr,
      http: () => http,
      async start() {
        if (stopping) throw new Error('This app was stopped; create a new one to start again.');
        bot.botInfo = await connectTelegram({
          api: bot.api,
          apiRoot: config.telegram.apiRoot,
          limitMs: config.telegram.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
          logger,
        });
        await checkWasend(wasend, config.wasend.baseUrl, logger);
        await registerCommands(bot.api, config.adminIds, logger, i18n, (userId) => localeOfUser(store.users, userId));
        await liveQr.resume();
        monitor.start();
        await startHttp();
        const hook = config.telegram.webhook;
        await (hook ? startWebhook(hook) : startPolling());
      },
      stop() {
        stopping ??= stop();
        return stopping;
      },
    };
  } catch (error) {
    await store.close();
    await renderPool?.close();
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
