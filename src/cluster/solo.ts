import type { Cluster, ClusterRole } from './types.js';
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';

/** One instance (SQLite): it has every role from `start` to `stop`, and keeps every session. */
export function createSoloCluster(instanceId = defaultInstanceId()): Cluster {
  const roles: ClusterRole[] = [];
  return {
    instanceId,
    solo: true,
    ownership: { solo: true, run: (_sessionId, work) => work(), holds: () => true },
    bindEngine: () => undefined,
    lead: (_name, role) => void roles.push(role),
    holds: () => true,
    broadcast: () => undefined,
    onBroadcast: () => undefined,
    aliveInstances: async () => [instanceId],
    sessionLeases: () => 0,
    async start() {
      for (const role of roles) await role.gained();
    },
    async stop() {
      for (const role of roles) await role.lost();
    },
  };
}

export function defaultInstanceId(): string {
  return `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
}
