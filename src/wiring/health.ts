import type { AccessRule } from '../access/access-rule.js';
import type { Cluster } from '../cluster/cluster.js';
import type { Config } from '../config/config.js';
import { createHealthMonitor } from '../health/monitor.js';
import { createTelegramHealthNotifier, fencedNotifier, type HealthMessageApi } from '../health/notifier.js';
import type { HealthMonitor } from '../health/types.js';
import type { Logger } from '../shared/logger.js';
import type { Store } from '../store/types.js';
import type { GatewayWiring } from './base.js';
import { tellStatus, toldStatus } from './told.js';

const BASELINE = 'health-baseline';

/**
 * The health checks, run on one instance at a time (the `health` lease): the monitor exists only while this
 * instance holds it; the others pass their events on to nobody, and send a new watch's first status to the holder.
 * A status heard from another instance is applied here or dropped, never passed on: with three instances, two that
 * do not run the checks would otherwise send it back and forth for ever (a stale "linked" that, arriving again and
 * again, would also keep clearing a drop being confirmed).
 */
export function wireHealth(
  parts: {
    config: Pick<Config, 'healthCheckIntervalMs'>;
    logger: Logger;
    store: Pick<Store, 'watches' | 'health'>;
    cluster: Cluster;
    accessRule: Pick<AccessRule, 'mayUse'>;
    api: HealthMessageApi;
  },
  gw: Pick<GatewayWiring, 'wasend' | 'i18n' | 'localeOf'> & { readonly names: Pick<GatewayWiring['names'], 'label'> },
): HealthMonitor {
  const { config, store, cluster, accessRule, api } = parts;
  const logger = parts.logger.child({ module: 'health' });
  const label = (sessionId: string) => gw.names.label(sessionId);
  let checks: HealthMonitor | undefined;
  const monitor: HealthMonitor = {
    start() {
      checks ??= createHealthMonitor({
        wasend: gw.wasend,
        watches: store.watches,
        state: store.health,
        notifier: fencedNotifier(createTelegramHealthNotifier(api, logger, { i18n: gw.i18n, localeOf: gw.localeOf, label }), () =>
          cluster.holds('health'),
        ),
        logger,
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
      cluster.broadcast(tellStatus(BASELINE, sessionId, status));
    },
    checkNow: async () => checks?.checkNow(),
  };
  cluster.onBroadcast((message) => {
    const told = toldStatus(message, BASELINE);
    if (told !== undefined) void checks?.baseline(told.sessionId, told.status);
  });
  cluster.lead('health', { gained: () => monitor.start(), lost: () => monitor.stop() });
  return monitor;
}
