import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { createSoloCluster, type Cluster, type ClusterRole } from '../../src/cluster/cluster.js';
import { loadCatalogue } from '../../src/i18n/catalogue.js';
import { createLogger } from '../../src/shared/logger.js';
import { createStore } from '../../src/store/sqlite.js';
import type { Store } from '../../src/store/types.js';
import { wireGatewayEvents } from '../../src/wiring/events.js';
import { wireHealth } from '../../src/wiring/health.js';
import { FakeClock, FakeWasend } from '../live/fakes.js';
import { useTempDir } from '../store/temp-dir.js';
import { eventually } from '../support/wait.js';

/*
 * The health checks' and the gateway events' wiring on three instances that share one store and hear each other's broadcasts in order (as
 * LISTEN/NOTIFY delivers them), one of them holding the `health` role: what the instances say to each other.
 */

const tempDir = useTempDir();
const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

interface Bus {
  /** Every broadcast sent, by whom. */
  readonly sent: Array<{ from: string; message: unknown }>;
  /** Broadcasts each instance heard. */
  readonly heard: Map<string, unknown[]>;
  member(id: string, holdsHealth: boolean): { cluster: Cluster; roles: Map<string, ClusterRole> };
}

function createBus(): Bus {
  const handlers = new Map<string, Array<(message: unknown) => void>>();
  const bus: Bus = {
    sent: [],
    heard: new Map(),
    member(id, holdsHealth) {
      const roles = new Map<string, ClusterRole>();
      handlers.set(id, []);
      bus.heard.set(id, []);
      const cluster: Cluster = {
        ...createSoloCluster(id),
        solo: false,
        lead: (name, role) => void roles.set(name, role),
        holds: (name) => name === 'health' && holdsHealth,
        broadcast(message) {
          bus.sent.push({ from: id, message });
          const wire = JSON.stringify(message);
          // One delivery order for everyone, after the sender's turn, as a notification arrives.
          setImmediate(() => {
            for (const [other, own] of handlers) {
              if (other === id) continue;
              bus.heard.get(other)?.push(JSON.parse(wire));
              for (const handler of own) handler(JSON.parse(wire));
            }
          });
        },
        onBroadcast: (handler) => void handlers.get(id)?.push(handler),
      };
      return { cluster, roles };
    },
  };
  return bus;
}

async function threeInstances() {
  const store: Store = await createStore(join(tempDir(), 'shared.sqlite'));
  cleanups.push(() => store.close());
  const wasend = new FakeWasend(new FakeClock(), { startingMs: 24 * 3_600_000 });
  const bus = createBus();
  const logger = createLogger({ level: 'silent', secrets: [] });
  const monitors = ['i1', 'i2', 'i3'].map((id) => {
    const { cluster, roles } = bus.member(id, id === 'i2');
    const monitor = wireHealth(
      {
        config: { healthCheckIntervalMs: 600_000 },
        logger,
        store,
        cluster,
        accessRule: { mayUse: async () => true },
        api: { sendMessage: async () => undefined },
      },
      { wasend, i18n: loadCatalogue(), localeOf: async () => 'en', names: { label: (sessionId) => sessionId } },
    );
    // As the app wires them: the gateway's events (and what other instances heard of them) reach the checks.
    const events = wireGatewayEvents({ noteWebhookEvent: () => undefined, poke: () => undefined }, monitor, cluster);
    cleanups.push(
      () => monitor.stop(),
      () => events.stop(),
    );
    return { id, monitor, roles, cluster };
  });
  for (const { roles, id } of monitors) if (id === 'i2') await roles.get('health')?.gained();
  return { store, wasend, bus, monitors };
}

/** Waits until every instance but `from` heard a marker (sent once per test): whatever was sent before it has been heard. */
async function settle(bus: Bus, from: Cluster): Promise<void> {
  from.broadcast({ kind: 'marker' });
  await eventually(
    () => [...bus.heard].every(([id, heard]) => id === from.instanceId || heard.some((m) => (m as { kind?: string }).kind === 'marker')),
    'the marker to be heard',
  );
}

it("a new watch's first status, sent by an instance that does not run the checks, is kept by the one that does and is not passed on", async () => {
  const { store, wasend, bus, monitors } = await threeInstances();
  wasend.set('WORKING', 'demo');
  await store.watches.add({ userId: 1, chatId: 101, sessionId: 'demo' });
  // /watch handled on i1; i2 runs the checks; i3 runs neither.
  await monitors[0]!.monitor.baseline('demo', { state: 'connected', raw: 'WORKING' });
  await eventually(async () => (await store.health.get('demo'))?.state === 'up', 'the checker to keep the first status');
  await settle(bus, monitors[0]!.cluster);
  const baselines = bus.sent.filter(({ message }) => (message as { kind?: string }).kind === 'health-baseline');
  expect(baselines.map(({ from }) => from)).toEqual(['i1']);
  const heardBaselines = (id: string) => bus.heard.get(id)?.filter((m) => (m as { kind?: string }).kind === 'health-baseline');
  expect(heardBaselines('i2')).toHaveLength(1);
  expect(heardBaselines('i3')).toHaveLength(1);
});
