import { createAccessRule } from './access/access-rule.js';
import { createAccessUnknownTeller } from './bot/access-unknown.js';
import { createBot } from './bot/bot.js';
import { keepCommandMenus, registerCommands } from './bot/commands.js';
import type { BotContext } from './bot/context.js';
import { localeOfUser } from './bot/locale.js';
import type { Cluster } from './cluster/cluster.js';
import type { Config } from './config/config.js';
import { createHttpServer, telegramWebhookPath, type HttpServer } from './http/server.js';
import type { LiveQr } from './live/types.js';
import { createRenderPool } from './qr/render-pool.js';
import { describeError } from './shared/describe-error.js';
import { createMetrics } from './shared/metrics.js';
import { openStore } from './store/open.js';
import { checkWasend, connectTelegram, DEFAULT_CONNECT_TIMEOUT_MS } from './startup.js';
import { wireCluster, wireGateway } from './wiring/base.js';
import { wireLiveQr, wireRelink, wireTelegram } from './wiring/engine.js';
import { wireGatewayEvents } from './wiring/events.js';
import { wireHealth } from './wiring/health.js';
import { wireLiveView } from './wiring/live-view.js';
import type { AppOptions } from './wiring/options.js';
import { ALLOWED_UPDATES, wireUpdates } from './wiring/updates.js';
import type { Bot } from 'grammy';

export type { AppOptions };

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
/** How often updates that a stopped instance took but never finished are looked for, ms. */
const RECOVER_EVERY_MS = 2_000;

/** Builds every part (gateway client -> store -> messenger -> live QR -> bot); nothing talks to the network yet. */
export async function createApp(config: Config, options: AppOptions): Promise<App> {
  const { logger } = options;
  const { store, cluster } = wireCluster(await (options.openStore ?? openStore)(config), config, logger);
  const metrics = createMetrics();
  const gw = wireGateway(config, store, logger, options.fetch, metrics);
  const renderPool = config.renderThreads ? createRenderPool({ threads: config.renderThreads }) : undefined;
  try {
    const telegram = wireTelegram(config, logger, gw, metrics);
    const accessRule = createAccessRule(config.adminIds, store.grants);
    const parts = { config, options, logger, store, cluster, accessRule, renderPool, api: telegram.api, metrics };
    // The messenger draws a /relink walk's step in its message; the walks are made once the engine exists.
    const { liveQr, views } = wireLiveQr(parts, gw, telegram, (chatId) => relink.step(chatId));
    const relink = wireRelink(parts, gw, telegram, liveQr, views);
    const monitor = wireHealth(parts, gw);
    const accessUnknown = createAccessUnknownTeller(gw.i18n);
    const bot = createBot(
      {
        accessUnknown,
        accessRule,
        relink,
        config,
        logger,
        store,
        wasend: gw.wasend,
        liveQr,
        health: monitor,
        i18n: gw.i18n,
        names: gw.names,
        ...(options.confirmWindowMs !== undefined ? { confirmWindowMs: options.confirmWindowMs } : {}),
      },
      { transport: telegram.transport },
    );
    bot.api.config.use(telegram.outbox);
    bot.api.config.use(telegram.recordTelegram);
    const updates = wireUpdates({ store, cluster, logger, bot, accessUnknown, webhook: config.telegram.webhook !== undefined, metrics });
    const events = wireGatewayEvents(liveQr, monitor, cluster);
    metrics.sources({
      liveMessages: async () => (await store.liveMessages.listLive()).length,
      liveSessions: () => liveQr.liveSessions().length,
      outgoingQueue: () => telegram.outbox.queued(),
      roles: () => ({ poller: cluster.holds('poller'), health: cluster.holds('health') }),
      pendingUpdates: () => updates.inbox.pending,
      budget: () => gw.budget.stats(),
      sessionStates: () => liveQr.sessionStates(),
      gatewaySessions: () => gw.names.stateCounts(),
      sessionLeases: () => cluster.sessionLeases(),
      oldestUpdateAt: () => store.telegramUpdates.oldestOpenAt(),
    });

    let recovering: NodeJS.Timeout | undefined;
    let menus: { stop(): void } | undefined;
    let http: HttpServer | undefined;
    let stopping: Promise<void> | undefined;

    const startHttp = async () => {
      if (config.http.port === undefined) return;
      const hook = config.telegram.webhook;
      const secret = config.wasend.webhookSecret;
      http = await createHttpServer({
        host: config.http.host,
        port: config.http.port,
        logger: logger.child({ module: 'http' }),
        health: async () => gw.healthReport.report(),
        ...(config.http.metricsToken
          ? { metrics: { token: config.http.metricsToken, contentType: metrics.contentType, text: () => metrics.text() } }
          : {}),
        ...(config.http.publicUrl !== undefined ? { miniApp: wireLiveView({ config, store, accessRule, liveQr }, gw, views) } : {}),
        ...(secret ? { wasendWebhook: { secret, gateway: gw.gateway.name, onEvent: events.onEvent, seenIds: store.webhookEvents } } : {}),
        ...(hook ? { telegramWebhook: { path: telegramWebhookPath(hook.url), secret: hook.secret, onUpdate: (u) => updates.inbox.accept(u) } } : {}),
      });
      logger.info({ url: http.url, wasendWebhooks: Boolean(secret) }, 'HTTP listener started');
    };

    const stopQuietly = (what: string, stopping: Promise<unknown>) =>
      withTimeout(stopping, LIVE_STOP_MS).catch((error: unknown) => logger.warn({ err: describeError(error) }, `${what} did not stop cleanly`));

    const stop = async () => {
      await http?.close();
      if (recovering !== undefined) clearInterval(recovering);
      const stoppingRunner = Promise.all([updates.poller.stop(), updates.inbox.drain()]);
      // /relink's steps finish beside the engine's stop, which releases a step waiting for its code.
      await Promise.all([stopQuietly('live QR', liveQr.stop()), stopQuietly('relink', relink.stop()), stopQuietly('health monitor', monitor.stop())]);
      // Handlers waiting on live QR have been released by now; a hung one must not hold the process.
      const drained = await withTimeout(stoppingRunner, RUNNER_STOP_MS).then(
        () => true,
        () => false,
      );
      if (!drained) logger.warn('some updates were still being handled at shutdown');
      menus?.stop();
      events.stop();
      await cluster.stop();
      await telegram.outbox.stop();
      await telegram.transport.close();
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
        // The QR drawing thread starts while Telegram and the gateway are asked: warm before the first /qr.
        const warming = renderPool
          ?.warm()
          .catch((error: unknown) => logger.warn({ err: describeError(error) }, 'the QR drawing thread did not start'));
        bot.botInfo = await connectTelegram({
          api: bot.api,
          apiRoot: config.telegram.apiRoot,
          limitMs: config.telegram.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
          logger,
        });
        await checkWasend(gw.wasend, config.wasend.baseUrl, logger, gw.gateway, config.wasend.apiKey, options.fetch);
        menus = await keepCommandMenus(
          () => registerCommands(bot.api, config.adminIds, logger, gw.i18n, (userId) => localeOfUser(store.users, userId)),
          logger,
        );
        await warming;
        await relink.resume();
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
        if (hook) {
          await bot.api.setWebhook(hook.url, { secret_token: hook.secret, allowed_updates: ALLOWED_UPDATES });
          logger.info({ username: bot.botInfo.username }, 'bot started (webhook)');
        }
        await cluster.start();
        await updates.recover();
        recovering = setInterval(() => void updates.recover(), RECOVER_EVERY_MS);
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
