import type { Metrics } from '../shared/metrics.js';
import type { Config } from '../config/config.js';
import { createCluster, createSoloCluster, defaultInstanceId, type Cluster } from '../cluster/cluster.js';
import { createHealthReporter, type HealthReporter } from '../http/health.js';
import { DEFAULT_LOCALE, loadCatalogue, type Catalogue } from '../i18n/catalogue.js';
import { localeOfUser } from '../bot/locale.js';
import type { Logger } from '../shared/logger.js';
import type { Store } from '../store/types.js';
import { withUserCache } from '../store/user-cache.js';
import { createRequestBudget, type ManagedRequestBudget } from '../wasend/budget.js';
import { GATEWAYS, type Gateway } from '../wasend/gateways.js';
import { withSessionNames, type SessionNames } from '../wasend/names.js';
import { withSharedBudget } from '../wasend/shared-budget.js';
import type { WasendApi } from '../wasend/types.js';
import type { Locale } from '../i18n/catalogue.js';

/** The store with its language cache, and how this instance shares the work (alone on SQLite, leases on PostgreSQL). */
export function wireCluster(opened: Store, config: Config, logger: Logger): { store: Store; cluster: Cluster } {
  // Languages are read for every caption: from memory for half a minute (a change made here shows at once).
  const store: Store = { ...opened, users: withUserCache(opened.users) };
  const instanceId = config.instanceId ?? defaultInstanceId();
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
  return { store, cluster };
}

export interface GatewayWiring {
  readonly gateway: Gateway;
  readonly wasend: WasendApi;
  readonly names: SessionNames;
  readonly i18n: Catalogue;
  readonly healthReport: HealthReporter;
  /** This instance's request budget (shared ones wrap it). */
  readonly budget: ManagedRequestBudget;
  /** The language of a chat's reader: a private chat's id is its user's; groups read English. */
  readonly localeOf: (chatId: number) => Promise<Locale>;
}

/** The gateway client (its request budget shared across instances on PostgreSQL), session names and the texts. */
export function wireGateway(config: Config, store: Store, logger: Logger, fetchImpl: typeof fetch | undefined, metrics: Metrics): GatewayWiring {
  const healthReport = createHealthReporter({ store });
  const gateway = GATEWAYS[config.gateway ?? 'wasend'];
  const i18n = loadCatalogue(undefined, { gateway: gateway.label });
  const shared = store.postgres;
  const ownBudget = createRequestBudget({ maxRps: config.wasend.maxRps, burst: Math.max(50, 2 * config.wasend.maxRps) });
  const budget = shared
    ? withSharedBudget(ownBudget, { pool: shared.pool, ...(shared.schema ? { schema: shared.schema } : {}), maxRps: config.wasend.maxRps, logger })
    : ownBudget;
  const { wasend, names } = withSessionNames(
    gateway.create({
      baseUrl: config.wasend.baseUrl,
      apiKey: config.wasend.apiKey,
      timeoutMs: config.wasend.timeoutMs,
      maxRetries: config.wasend.maxRetries,
      budget,
      logger: logger.child({ module: 'wasend' }),
      onContact: healthReport.recordWasendContact,
      onAttempt: (lane, outcome, seconds) => metrics.gatewayAttempt(lane, outcome, seconds),
      ...(fetchImpl ? { fetch: fetchImpl } : {}),
    }),
  );
  const localeOf = (chatId: number) => (chatId > 0 ? localeOfUser(store.users, chatId) : Promise.resolve(DEFAULT_LOCALE));
  return { gateway, wasend, names, i18n, healthReport, localeOf, budget: ownBudget };
}
