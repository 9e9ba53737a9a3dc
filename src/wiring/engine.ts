import { Api, type Transformer } from 'grammy';
import type { Metrics } from '../shared/metrics.js';
import { classifyTelegramAnswer, classifyTelegramError } from '../telegram/errors.js';
import { createBotApiTransport, type BotApiTransport } from '../telegram/transport.js';
import { sendUploadsAsOneBody } from '../telegram/uploads.js';
import type { AccessRule } from '../access/access-rule.js';
import { configureApi } from '../bot/bot.js';
import { createOutbox } from '../bot/outbox.js';
import { createTelegramMessenger } from '../bot/telegram-messenger.js';
import { createRelink, type Relink } from '../bot/relink.js';
import type { WalkStep } from '../bot/relink-face.js';
import type { Cluster } from '../cluster/cluster.js';
import type { Config } from '../config/config.js';
import { createTelegramContactTransformer } from '../http/health.js';
import { createLiveQr } from '../live/live-qr.js';
import type { LiveQr } from '../live/types.js';
import { createViewHub, type ViewHub } from '../live/view-hub.js';
import { renderQrPng } from '../qr/render.js';
import type { RenderPool } from '../qr/render-pool.js';
import type { Logger } from '../shared/logger.js';
import type { Store } from '../store/types.js';
import type { AppOptions } from './options.js';
import type { GatewayWiring } from './base.js';

export interface TelegramWiring {
  /** The Bot API client of everything but the bot's own handlers (live messages, alerts). */
  readonly api: Api;
  /** One outgoing queue for both Telegram clients: within Telegram's limits, live QR edits first. */
  readonly outbox: ReturnType<typeof createOutbox>;
  /** Notes every Telegram answer for `/healthz` and the metrics. */
  readonly recordTelegram: Transformer;
  /** The connections to the Bot API, shared by both clients. */
  readonly transport: BotApiTransport;
}

export function wireTelegram(config: Config, logger: Logger, gw: GatewayWiring, metrics: Metrics): TelegramWiring {
  const transport = createBotApiTransport();
  const api = new Api(config.telegram.token, { apiRoot: config.telegram.apiRoot, fetch: transport.fetch });
  configureApi(api, logger, sendUploadsAsOneBody(transport, config.telegram.apiRoot, config.telegram.token));
  const contact = createTelegramContactTransformer(gw.healthReport.recordTelegram);
  // Every Bot API call counted by method and outcome, next to the contact /healthz reports.
  const recordTelegram: Transformer = async (prev, method, payload, signal) => {
    try {
      const response = await contact(prev, method, payload, signal);
      if (response.ok && method !== 'getUpdates') metrics.answered((payload as { chat_id?: unknown } | undefined)?.chat_id);
      metrics.telegramCall(method, response.ok ? 'ok' : classifyTelegramAnswer(response.error_code, response.description));
      return response;
    } catch (error) {
      metrics.telegramCall(method, classifyTelegramError(error));
      throw error;
    }
  };
  const outbox = createOutbox(config.telegram.limits ?? {});
  api.config.use(outbox);
  api.config.use(recordTelegram);
  return { api, outbox, recordTelegram, transport };
}

/** The live QR engine: the messenger that draws its messages, and the rules it runs by. */
export function wireLiveQr(
  parts: {
    config: Config;
    options: AppOptions;
    logger: Logger;
    store: Store;
    cluster: Cluster;
    accessRule: AccessRule;
    renderPool: RenderPool | undefined;
    metrics: Metrics;
  },
  gw: GatewayWiring,
  telegram: TelegramWiring,
  walkOf: (chatId: number) => Promise<WalkStep | undefined>,
): { liveQr: LiveQr; views: ViewHub } {
  const { config, options, logger, store, cluster, accessRule, renderPool, metrics } = parts;
  // Every view Telegram accepted, for the live view (Mini App) to follow.
  const views = createViewHub(
    createTelegramMessenger({
      api: telegram.api,
      protectContent: config.telegram.protectContent,
      logger: logger.child({ module: 'messenger' }),
      i18n: gw.i18n,
      localeOf: gw.localeOf,
      label: (sessionId) => gw.names.label(sessionId),
      seriesLength: gw.gateway.seriesLength,
      ...(config.http.publicUrl !== undefined ? { publicUrl: config.http.publicUrl } : {}),
      walkOf,
    }),
  );
  const liveQr = createLiveQr({
    wasend: gw.wasend,
    store: store.liveMessages,
    messenger: views.messenger,
    render: renderPool?.render ?? renderQrPng,
    logger: logger.child({ module: 'live-qr' }),
    pollIntervalMs: config.wasend.pollIntervalMs,
    watchTimeoutMs: config.qrWatchTimeoutMs,
    mayShow: accessRule.mayUse,
    photoIntents: store.photoIntents,
    maxLivePerUser: (userId) => (accessRule.isAdmin(userId) ? Number.POSITIVE_INFINITY : (config.livePerUser ?? 10)),
    ...(options.codeWaitMs !== undefined ? { codeWaitMs: options.codeWaitMs } : {}),
    codeLifetimes: options.codeLifetimes ?? gw.gateway.lifetimes,
    ...(options.pairingCooldownMs !== undefined ? { pairingCooldownMs: options.pairingCooldownMs } : {}),
    ...(options.pairingLifetimeMs !== undefined ? { pairingLifetimeMs: options.pairingLifetimeMs } : {}),
    ownership: cluster.ownership,
    instanceId: cluster.instanceId,
    pauseOnStop: cluster.solo,
    onCodeEdited: (seconds) => metrics.rotationEdited(seconds),
  });
  cluster.bindEngine(liveQr);
  return { liveQr, views };
}

/** `/relink` walks: each step a live message of the engine, drawn in the walk's one message. */
export function wireRelink(
  parts: { logger: Logger; store: Store },
  gw: GatewayWiring,
  telegram: TelegramWiring,
  liveQr: LiveQr,
  views: ViewHub,
): Relink {
  return createRelink({
    walks: parts.store.relinkWalks,
    liveMessages: parts.store.liveMessages,
    liveQr,
    api: telegram.api,
    textsOf: async (chatId) => gw.i18n.in(await gw.localeOf(chatId)),
    label: (sessionId) => gw.names.label(sessionId),
    logger: parts.logger.child({ module: 'relink' }),
    follow: (chatId, sessionId, seen) => views.follow(chatId, sessionId, (shown) => seen(shown.messageId, shown.view)),
  });
}
