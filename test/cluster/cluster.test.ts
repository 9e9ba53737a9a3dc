import { afterEach, expect, it } from 'vitest';
import { createCluster, type Cluster, type ClusterEngine } from '../../src/cluster/cluster.js';
import { createPostgresStore } from '../../src/store/postgres.js';
import type { Store } from '../../src/store/types.js';
import { describePostgres, POSTGRES_URL, useSchemas } from '../support/postgres.js';

/* Two clusters in one process on one schema stand for two instances; their engines are recorders. */

const newSchema = useSchemas();
const stores: Store[] = [];
const clusters: Cluster[] = [];
afterEach(async () => {
  for (const cluster of clusters.splice(0)) await cluster.stop();
  for (const store of stores.splice(0)) await store.close();
});

interface Recorder extends ClusterEngine {
  readonly events: string[];
  sessions: Set<string>;
}

function recorder(): Recorder {
  const engine: Recorder = {
    events: [],
    sessions: new Set(),
    adoptSession: async (sessionId) => {
      engine.events.push(`adopt ${sessionId}`);
      engine.sessions.add(sessionId);
      return 1;
    },
    dropSession: (sessionId) => {
      engine.events.push(`drop ${sessionId}`);
      engine.sessions.delete(sessionId);
    },
    hasWork: (sessionId) => engine.sessions.has(sessionId),
    sweepStrays: async () => undefined,
  };
  return engine;
}

const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined, debug: () => undefined };

async function twoInstances(options: { claimWaitMs?: number } = {}) {
  const schema = newSchema();
  const made = [];
  for (const id of ['a', 'b']) {
    const store = await createPostgresStore(POSTGRES_URL, { schema });
    stores.push(store);
    const engine = recorder();
    const cluster = createCluster({
      leases: store.leases,
      messages: store.liveMessages,
      logger: quiet,
      instanceId: id,
      heartbeatMs: 200,
      // Long leases: the session can only move within a test by being handed over, never by running out.
      leaseTtlMs: 30_000,
      notifications: { url: POSTGRES_URL, channel: `wasend_qr_bot_${schema}` },
      ...options,
    });
    cluster.bindEngine(engine);
    clusters.push(cluster);
    made.push({ cluster, engine });
  }
  for (const { cluster } of made) await cluster.start();
  return made as [{ cluster: Cluster; engine: Recorder }, { cluster: Cluster; engine: Recorder }];
}

describePostgres('the cluster of instances', () => {
  it('a request on another instance takes the session over: the holder hands it over at once and forgets it', async () => {
    const [a, b] = await twoInstances();
    expect(
      await a.cluster.ownership.run(
        'demo',
        async () => 'on a',
        () => 'refused',
      ),
    ).toBe('on a');
    a.engine.sessions.add('demo');
    expect(a.cluster.ownership.holds('demo')).toBe(true);
    expect(
      await b.cluster.ownership.run(
        'demo',
        async () => 'on b',
        () => 'refused',
      ),
    ).toBe('on b');
    expect(a.engine.events).toContain('drop demo');
    expect(b.engine.events).toContain('adopt demo');
    expect(a.cluster.ownership.holds('demo')).toBe(false);
    expect(b.cluster.ownership.holds('demo')).toBe(true);
  });

  it('a holder busy with the session keeps it; the other request is answered otherwise once it waited long enough', async () => {
    const [a, b] = await twoInstances({ claimWaitMs: 600 });
    let finish!: () => void;
    const busy = a.cluster.ownership.run(
      'demo',
      () => new Promise<string>((resolve) => (finish = () => resolve('done on a'))),
      () => 'refused',
    );
    await expect.poll(() => a.cluster.ownership.holds('demo')).toBe(true);
    expect(
      await b.cluster.ownership.run(
        'demo',
        async () => 'on b',
        () => 'busy',
      ),
    ).toBe('busy');
    finish();
    expect(await busy).toBe('done on a');
    // Handed over as soon as its work ended (the request asked for it).
    await expect.poll(() => a.engine.events.includes('drop demo')).toBe(true);
  });

  it('a role runs on exactly one instance, and moves when its holder stops', async () => {
    const schema = newSchema();
    const running: string[] = [];
    const made: Cluster[] = [];
    for (const id of ['a', 'b']) {
      const store = await createPostgresStore(POSTGRES_URL, { schema });
      stores.push(store);
      const cluster = createCluster({
        leases: store.leases,
        messages: store.liveMessages,
        logger: quiet,
        instanceId: id,
        heartbeatMs: 100,
        leaseTtlMs: 600,
        safetyMarginMs: 100,
      });
      cluster.bindEngine(recorder());
      cluster.lead('poller', { gained: () => void running.push(id), lost: () => void running.splice(running.indexOf(id), 1) });
      made.push(cluster);
      clusters.push(cluster);
    }
    await Promise.all(made.map((cluster) => cluster.start()));
    await expect.poll(() => running.length).toBe(1);
    const first = running[0]!;
    const holder = made[first === 'a' ? 0 : 1]!;
    await holder.stop();
    await expect.poll(() => running).toEqual([first === 'a' ? 'b' : 'a']);
  });
});
