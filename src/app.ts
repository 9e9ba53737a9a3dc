import { createEventHints } from './http/event-hints.js';
import { createAccessUnknownTeller } from './bot/access-unknown.js';
import { createAccessRule } from './access/access-rule.js';
import { Api, BotError, type Bot } from 'grammy';
import type { Update } from 'grammy/types';
import { configureApi, createBot } from './bot/bot.js';
import { keepCommandMenus, registerCommands } from './bot/commands.js';
import type { BotContext } from './bot/context.js';
import { describeError } from './shared/describe-error.js';
import { createTelegramMessenger } from './bot/telegram-messenger.js';
import type { Config } from './config/config.js';
import { createHealthMonitor } from './health/monitor.js';
import { createTelegramHealthNotifier, fencedNotifier } from './health/notifier.js';
import { createHealthReporter, createTelegramContactTransformer } from './http/health.js';
import { createHttpServer, telegramWebhookPath, type HttpServer } from './http/server.js';
import { createOutbox } from './bot/outbox.js';
import type { WasendStatusEvent } from './http/wasend-webhook.js';
import { createLiveQr } from './live/live-qr.js';
import type { CodeLifetimes } from './live/schedule.js';
import type { LiveQr } from './live/types.js';
import type { Logger } from './shared/logger.js';
import { renderQrPng } from './qr/render.js';
import { createRenderPool } from './qr/render-pool.js';
import { openStore } from './store/open.js';
import type { Store } from './store/types.js';
import { withUserCache } from './store/user-cache.js';
import { createRequestBudget } from './wasend/budget.js';
import { GATEWAYS } from './wasend/gateways.js';
import { withSessionNames } from './wasend/names.js';
import { DEFAULT_LOCALE, loadCatalogue } from './i18n/catalogue.js';
import { localeOfUser } from './bot/locale.js';
import { checkWasend, connectTelegram, DEFAULT_CONNECT_TIMEOUT_MS } from './startup.js';
import { createCluster, createSoloCluster, defaultInstanceId, type Cluster } from './cluster/cluster.js';
import type { HealthMonitor } from './health/types.js';
import { createUpdateInbox } from './telegram/inbox.js';
import { createPoller } from './telegram/poller.js';
import { withSharedBudget } from './wasend/shared-budget.js';
import { isSessionState, type SessionStatus } from './wasend/types.js';
import { parseSessionId } from './bot/args.js';

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
  /** Opens the store; default the one the config names (tests put a failing disk in front of it). */
  readonly openStore?: (config: Config) => Promise<Store>;
}

export interface App {
  readonly bot: Bot<BotContext>;
  /** The live QR engine (what a Wasend webhook event pokes). */
  readonly liveQr: LiveQr;
  /** The HTTP listener (webhooks, `/healthz`) once started, when `HTTP_PORT` is set. */
  readonly http: () => HttpServer | undefined;
  /** How this instance shares the work with others (one instance alone on SQLite). */
  readonly cluster: Cluster;
  /** `getMe`, command menus, resumes live QR messages from the store, then takes updates. */
  start(): Promise<void>;
  /** Stops taking updates, finishes in-flight edits, closes the store. Idempotent; done within about 5 s. */
  stop(): Promise<void>;
}

/** Stop budget of each step, so the whole stop stays within 5 s even when a handler hangs. */
const RUNNER_STOP_MS = 1_500;
const LIVE_STOP_MS = 4_500;
const ALLOWED_UPDATES = ['message', 'callback_query', 'my_chat_member'] as const;
/** How often updates that a stopped instance took but never finished are looked for, ms. */
const RECOVER_EVERY_MS = 2_000;

/** Builds every part (Wasend client -> store -> messenger -> live QR -> bot); nothing talks to the network yet. */
export async function createApp(config: Config, options: AppOptions): Promise<App> {
  const { logger } = options;
  const opened = await (options.openStore ?? openStore)(config);
  // Languages are read for every caption: from memory for half a minute (a change made here shows at once).
  const store: Store = { ...opened, users: withUserCache(opened.users) };
  const instanceId = config.instanceId ?? defaultInstanceId();
  // SQLite: this instance alone. PostgreSQL: leases and hand-overs shared with every instance on the database.
  const shared = store.postgres;
  const cluster = shared
    ? createCluster({
        leases: store.leases,
        messages: store.liveMessages,
        logger: logger.child({ module: 'cluster' }),
        instanceId,
        notifications: { url: shared.url, channel: `wasend_qr_bot_${shared.schema ?? 'public'}` },
      })
    : createSoloCluster(instanceId);
  const healthReport = createHealthReporter({ store });
  const gateway = GATEWAYS[config.gateway ?? 'wasend'];
  const i18n = loadCatalogue(undefined, { gateway: gateway.label });
  const ownBudget = createRequestBudget({ maxRps: config.wasend.maxRps, burst: Math.max(50, 2 * config.wasend.maxRps) });
  const { wasend, names } = withSessionNames(
    gateway.create({
      baseUrl: config.wasend.baseUrl,
      apiKey: config.wasend.apiKey,
      timeoutMs: config.wasend.timeoutMs,
      maxRetries: config.wasend.maxRetries,
      budget: shared
        ? withSharedBudget(ownBudget, {
            pool: shared.pool,
            ...(shared.schema ? { schema: shared.schema } : {}),
            maxRps: config.wasend.maxRps,
            logger,
          })
        : ownBudget,
      logger: logger.child({ module: 'wasend' }),
      onContact: healthReport.recordWasendContact,
      ...(options.fetch ? { fetch: options.fetch } : {}),
    }),
  );
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
      seriesLength: gateway.seriesLength,
    });
    const accessRule = createAccessRule(config.adminIds, store.grants);
    const liveQr = createLiveQr({
      wasend,
      store: store.liveMessages,
      messenger,
      render: renderPool?.render ?? renderQrPng,
      logger: logger.child({ module: 'live-qr' }),
      pollIntervalMs: config.wasend.pollIntervalMs,
      watchTimeoutMs: config.qrWatchTimeoutMs,
      mayShow: accessRule.mayUse,
      photoIntents: store.photoIntents,
      maxLivePerUser: (userId) => (accessRule.isAdmin(userId) ? Number.POSITIVE_INFINITY : (config.livePerUser ?? 10)),
      ...(options.codeWaitMs !== undefined ? { codeWaitMs: options.codeWaitMs } : {}),
      codeLifetimes: options.codeLifetimes ?? gateway.lifetimes,
      ...(options.pairingCooldownMs !== undefined ? { pairingCooldownMs: options.pairingCooldownMs } : {}),
      ...(options.pairingLifetimeMs !== undefined ? { pairingLifetimeMs: options.pairingLifetimeMs } : {}),
      ownership: cluster.ownership,
      instanceId: cluster.instanceId,
      pauseOnStop: cluster.solo,
    });
    cluster.bindEngine(liveQr);
    const healthLogger = logger.child({ module: 'health' });
    // The health checks run on one instance at a time (the `health` lease); the others pass their events on to nobody.
    let checks: HealthMonitor | undefined;
    const monitor: HealthMonitor = {
      start() {
        checks ??= createHealthMonitor({
          wasend,
          watches: store.watches,
          state: store.health,
          notifier: fencedNotifier(createTelegramHealthNotifier(telegramApi, healthLogger, { i18n, localeOf, label }), () => cluster.holds('health')),
          logger: healthLogger,
          intervalMs: config.healthCheckIntervalMs,
          isAllowed: (watch) => accessRule.mayUse(watch.userId, watch.sessionId),
          mayAct: () => cluster.holds('health'),
        });
        checks.start();
      },
      async stop() {
        const running = checks;
        checks = undefined;
        await running?.stop();
      },
      poke: (sessionId, status) => checks?.poke(sessionId, status),
      // A new watch's first status must reach the instance that runs the checks, wherever the /watch was handled.
      baseline: async (sessionId, status) => {
        if (checks) return checks.baseline(sessionId, status);
        cluster.broadcast({ kind: 'health-baseline', sessionId, status: { state: status.state, raw: status.raw.slice(0, 64) } });
      },
      checkNow: async () => checks?.checkNow(),
    };
    cluster.lead('health', { gained: () => monitor.start(), lost: () => monitor.stop() });
    const accessUnknown = createAccessUnknownTeller(i18n);
    const bot = createBot({
      accessUnknown,
      accessRule,
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
    // Every update, by webhook or by poll, is taken in the database first (handled once across instances), then
    // handled after Telegram has its answer, many at once.
    const updates = createUpdateInbox({
      store: store.telegramUpdates,
      holder: cluster.instanceId,
      handle: async (update) => {
        try {
          await bot.handleUpdate(update as Update);
        } catch (error) {
          // What grammY's own polling does: a handler's error goes to the bot's error handler (the apology, a log line).
          if (!(error instanceof BotError)) throw error;
          await bot.errorHandler(error as BotError<BotContext>);
        }
      },
      logger: logger.child({ module: 'updates' }),
      unrecorded: (update) => accessUnknown.unrecorded(update, bot.api),
    });
    const poller = createPoller({
      api: bot.api,
      inbox: updates,
      allowedUpdates: ALLOWED_UPDATES,
      logger: logger.child({ module: 'poller' }),
      mayPoll: () => cluster.holds('poller'),
    });
    let recovering: NodeJS.Timeout | undefined;
    let menus: { stop(): void } | undefined;
    let restarted = true;
    const recoverUpdates = async () => {
      try {
        const alive = await cluster.aliveInstances();
        // At start nothing is in flight here: what this instance's id still holds is from before a crash.
        await updates.recover(restarted ? alive.filter((id) => id !== cluster.instanceId) : alive);
        restarted = false;
      } catch (error) {
        logger.warn({ err: describeError(error) }, 'could not look for unfinished Telegram updates');
      }
    };
    const applyWasendEvent = (sessionId: string, status: SessionStatus, passkeyCode?: string) => {
      liveQr.noteWebhookEvent(sessionId);
      liveQr.poke(sessionId, status.state, passkeyCode);
      monitor.poke(sessionId, status);
    };
    // Wasend calls one instance; the session's owner and the health checks may run on others: all hear of it. The
    // passkey code stays here (a secret): the owner reads it from Wasend.
    // At most one look a second per session from events, whatever a sender (or a replay) does.
    const hints = createEventHints<WasendStatusEvent>((_, event) => {
      applyWasendEvent(event.sessionId, event.status, event.passkeyCode);
      cluster.broadcast({
        kind: 'wasend-event',
        sessionId: event.sessionId,
        status: { state: event.status.state, raw: event.status.raw.slice(0, 64) },
      });
    });
    const onWasendEvent = (event: WasendStatusEvent) => hints.hint(event.sessionId, event);
    cluster.onBroadcast((message) => {
      const told = message as { kind?: unknown; sessionId?: unknown; status?: { state?: unknown; raw?: unknown } } | null;
      if (typeof told?.sessionId !== 'string' || parseSessionId(told.sessionId) !== told.sessionId) return;
      const state = told.status?.state;
      const raw = told.status?.raw;
      if (typeof state !== 'string' || !isSessionState(state) || typeof raw !== 'string') return;
      if (told.kind === 'wasend-event') applyWasendEvent(told.sessionId, { state, raw });
      else if (told.kind === 'health-baseline') void monitor.baseline(told.sessionId, { state, raw });
    });

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
          ? { wasendWebhook: { secret: config.wasend.webhookSecret, gateway: gateway.name, onEvent: onWasendEvent, seenIds: store.webhookEvents } }
          : {}),
        ...(hook ? { telegramWebhook: { path: telegramWebhookPath(hook.url), secret: hook.secret, onUpdate: (u) => updates.accept(u) } } : {}),
      });
      logger.info({ url: http.url, wasendWebhooks: Boolean(config.wasend.webhookSecret) }, 'HTTP listener started');
    };

    const startWebhook = async (hook: { url: string; secret: string }) => {
      await bot.api.setWebhook(hook.url, { secret_token: hook.secret, allowed_updates: ALLOWED_UPDATES });
      logger.info({ username: bot.botInfo.username }, 'bot started (webhook)');
    };

    // Exactly one instance polls (the `poller` lease); another takes over when it dies.
    cluster.lead('poller', {
      gained: async () => {
        if (config.telegram.webhook) return;
        // A webhook left over from another deployment would make getUpdates fail with 409.
        await bot.api.deleteWebhook();
        poller.start();
        logger.info({ username: bot.botInfo.username, instanceId: cluster.instanceId }, 'bot started (long polling)');
      },
      lost: () => poller.stop(),
    });

    const stop = async () => {
      await http?.close();
      if (recovering !== undefined) clearInterval(recovering);
      const stoppingRunner = Promise.all([poller.stop(), updates.drain()]);
      await Promise.all([
        withTimeout(liveQr.stop(), LIVE_STOP_MS).catch((error: unknown) =>
          logger.warn({ err: describeError(error) }, 'live QR did not stop cleanly'),
        ),
        withTimeout(monitor.stop(), LIVE_STOP_MS).catch((error: unknown) =>
          logger.warn({ err: describeError(error) }, 'health monitor did not stop cleanly'),
        ),
      ]);
      // Handlers waiting on live QR have been released by now; a hung one must not hold the process.
      const drained = await withTimeout(stoppingRunner, RUNNER_STOP_MS).then(
        () => true,
        () => false,
      );
      if (!drained) logger.warn('some updates were still being handled at shutdown');
      menus?.stop();
      hints.stop();
      await cluster.stop();
      await outbox.stop();
      await store.close();
      await renderPool?.close();
      logger.info('bot stopped');
    };

    return {
      bot,
      liveQr,
      cluster,
      http: () => http,
      async start() {
        if (stopping) throw new Error('This app was stopped; create a new one to start again.');
        bot.botInfo = await connectTelegram({
          api: bot.api,
          apiRoot: config.telegram.apiRoot,
          limitMs: config.telegram.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
          logger,
        });
        await checkWasend(wasend, config.wasend.baseUrl, logger, gateway, config.wasend.apiKey, options.fetch);
        menus = await keepCommandMenus(
          () => registerCommands(bot.api, config.adminIds, logger, i18n, (userId) => localeOfUser(store.users, userId)),
          logger,
        );
        await liveQr.resume();
        // A database without a single audit entry is new (a first start, or a move from SQLite to PostgreSQL): QR
        // messages sent from another database are not known here, and stay as they were.
        if ((await store.audit.latest(1).catch(() => [undefined])).length === 0) {
          logger.info(
            { database: store.dialect },
            'this database is new: QR messages sent from another database are left as they are; /qr sends new ones',
          );
        }
        await startHttp();
        const hook = config.telegram.webhook;
        if (hook) await startWebhook(hook);
        await cluster.start();
        await recoverUpdates();
        recovering = setInterval(() => void recoverUpdates(), RECOVER_EVERY_MS);
        recovering.unref();
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
