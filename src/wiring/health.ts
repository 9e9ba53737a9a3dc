import type { Api } from 'grammy';
import type { AccessRule } from '../access/access-rule.js';
import type { Cluster } from '../cluster/cluster.js';
import type { Config } from '../config/config.js';
import { createHealthMonitor } from '../health/monitor.js';
import { createTelegramHealthNotifier, fencedNotifier } from '../health/notifier.js';
import type { HealthMonitor } from '../health/types.js';
import type { Logger } from '../shared/logger.js';
import type { Store } from '../store/types.js';
import type { GatewayWiring } from './base.js';

/**
 * The health checks, run on one instance at a time (the `health` lease): the monitor exists only while this
 * instance holds it; the others pass their events on to nobody, and send a new watch's first status to the holder.
 */
export function wireHealth(
  parts: { config: Config; logger: Logger; store: Store; cluster: Cluster; accessRule: AccessRule; api: Api },
  gw: GatewayWiring,
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
      cluster.broadcast({ kind: 'health-baseline', sessionId, status: { state: status.state, raw: status.raw.slice(0, 64) } });
    },
    checkNow: async () => checks?.checkNow(),
  };
  cluster.lead('health', { gained: () => monitor.start(), lost: () => monitor.stop() });
  return monitor;
}
