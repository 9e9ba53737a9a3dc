import { describeError } from '../shared/describe-error.js';
import { createNotifyChannel } from './notify-channel.js';
import type { LiveOwnership } from '../live/types.js';
import type { Cluster, ClusterEngine, ClusterOptions, ClusterRole } from './types.js';
import { defaultInstanceId } from './solo.js';

export { createSoloCluster, defaultInstanceId } from './solo.js';
export type * from './types.js';

const SESSION = 'session:';
/** A photo intent this old, of an instance no longer alive, is a stray: no send takes this long. */
const STRAY_AGE_MS = 60_000;
const INSTANCE = 'instance:';

interface Held {
  readonly fence: number;
  /** Trusted until then (epoch ms): the lease's end as of when its renewal was sent, less the safety margin. */
  validUntil: number;
}

/**
 * Several instances on one PostgreSQL database. Everything rests on the `leases` table (one row per name, a
 * fencing number that grows at every change of holder, taken and renewed by single `INSERT ... ON CONFLICT` and
 * `UPDATE` statements) and on LISTEN/NOTIFY for hand-over requests:
 * - every instance holds `instance:<id>` while it runs; its other leases are renewed with it, every heartbeat;
 * - a role (`poller`, `health`) runs where its lease is held; a dead holder's lease runs out and another takes it;
 * - a session's live messages are kept by the holder of `session:<id>`. A request for a session held elsewhere asks
 *   the holder (NOTIFY) to hand it over and takes the lease once released. Sessions with live messages and no
 *   holder (a dead one's) are taken over at the next heartbeat;
 * - a lease is trusted locally only until shortly before it could have run out, and every edit asks first, so an
 *   instance that was paused or cut off stops editing before another can have taken over.
 */
export function createCluster(options: ClusterOptions): Cluster {
  const { leases, messages, logger } = options;
  const now = options.now ?? Date.now;
  const me = options.instanceId ?? defaultInstanceId();
  const ttlMs = options.leaseTtlMs ?? 6_000;
  const heartbeatMs = options.heartbeatMs ?? 2_000;
  const marginMs = options.safetyMarginMs ?? 1_000;
  const claimWaitMs = options.claimWaitMs ?? 40_000;

  const held = new Map<string, Held>();
  const roles = new Map<string, { role: ClusterRole; active: boolean }>();
  const pins = new Map<string, number>();
  const handOverWanted = new Set<string>();
  let engine: ClusterEngine | undefined;
  const heard: Array<(message: unknown) => void> = [];
  let timer: NodeJS.Timeout | undefined;
  let beating: Promise<void> | undefined;
  let stopped = false;

  const valid = (name: string) => (held.get(name)?.validUntil ?? 0) > now();
  const aliveNow = async () => (await leases.list(INSTANCE)).map((lease) => lease.name.slice(INSTANCE.length));

  const acquire = async (name: string): Promise<boolean> => {
    const sentAt = now();
    const lease = await leases.acquire(name, me, ttlMs, sentAt);
    if (lease === undefined) return false;
    held.set(name, { fence: lease.fence, validUntil: sentAt + ttlMs - marginMs });
    return true;
  };

  const release = async (name: string) => {
    const lease = held.get(name);
    held.delete(name);
    if (lease !== undefined) await leases.release(name, me, lease.fence).catch(() => undefined);
  };

  /** The lease is gone (taken by another, or not renewed in time): stop what it covered, without another edit. */
  const lost = async (name: string) => {
    held.delete(name);
    const role = roles.get(name);
    if (role?.active) {
      role.active = false;
      logger.warn({ role: name }, 'lost a role to another instance');
      await Promise.resolve(role.role.lost()).catch((error: unknown) => logger.error({ err: error, role: name }, 'role did not stop cleanly'));
    }
    if (name.startsWith(SESSION)) {
      const sessionId = name.slice(SESSION.length);
      logger.warn({ sessionId }, 'another instance keeps this session now');
      engine?.dropSession(sessionId);
    }
  };

  const handOver = async (sessionId: string) => {
    handOverWanted.delete(sessionId);
    engine?.dropSession(sessionId);
    await release(SESSION + sessionId);
    logger.debug({ sessionId }, 'handed a session over');
  };

  const onPayload = (payload: unknown) => {
    const { op, sessionId, from, message: told } = (payload ?? {}) as { op?: unknown; sessionId?: unknown; from?: unknown; message?: unknown };
    if (op === 'broadcast' && from !== me) {
      for (const handler of heard) {
        try {
          handler(told);
        } catch (error) {
          logger.error({ err: error }, 'a message from another instance could not be applied');
        }
      }
      return;
    }
    if (op !== 'hand-over' || typeof sessionId !== 'string' || from === me || !held.has(SESSION + sessionId)) return;
    if ((pins.get(sessionId) ?? 0) > 0) handOverWanted.add(sessionId);
    else void handOver(sessionId);
  };

  const channel = createNotifyChannel(options.notifications, onPayload, logger);
  const notify = (payload: object) => channel.notify(payload);
  const listen = async () => {
    if (!stopped) await channel.listen();
  };

  /** Takes the session for this instance, asking its holder to hand it over; false after `claimWaitMs`. */
  const claim = async (sessionId: string): Promise<boolean> => {
    const name = SESSION + sessionId;
    if (valid(name)) return true;
    const deadline = now() + claimWaitMs;
    let askedAt = Number.NEGATIVE_INFINITY;
    for (let wait = 25; !stopped; wait = Math.min(250, wait * 2)) {
      if (await acquire(name)) {
        await engine?.adoptSession(sessionId);
        return true;
      }
      if (now() - askedAt >= 1_000) {
        askedAt = now();
        await notify({ op: 'hand-over', sessionId, from: me });
      }
      if (now() >= deadline) break;
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
    logger.warn({ sessionId }, 'could not take a session from the instance that keeps it');
    return false;
  };

  const ownership: LiveOwnership = {
    solo: false,
    holds: (sessionId) => valid(SESSION + sessionId),
    async run(sessionId, work, otherwise) {
      pins.set(sessionId, (pins.get(sessionId) ?? 0) + 1);
      try {
        if (stopped || !(await claim(sessionId))) return otherwise();
        return await work();
      } finally {
        const left = (pins.get(sessionId) ?? 1) - 1;
        if (left > 0) pins.set(sessionId, left);
        else {
          pins.delete(sessionId);
          if (handOverWanted.has(sessionId)) void handOver(sessionId);
        }
      }
    },
  };

  const heartbeat = async () => {
    const sentAt = now();
    // A lease taken while the renewal is on its way (a request's claim) is not in its answer, and not lost.
    const heldBefore = new Map([...held].map(([name, lease]) => [name, lease.fence]));
    try {
      const renewed = await leases.renew(me, '', ttlMs, sentAt);
      const names = new Set(renewed.map((lease) => lease.name));
      for (const lease of renewed) {
        const mine = held.get(lease.name);
        if (mine !== undefined && mine.fence === lease.fence) mine.validUntil = sentAt + ttlMs - marginMs;
      }
      for (const [name, fence] of heldBefore) if (!names.has(name) && held.get(name)?.fence === fence) await lost(name);
    } catch (error) {
      logger.warn({ err: error instanceof Error ? error.message : String(error) }, 'could not renew leases');
    }
    // A lease not renewed in time is over here too, whatever the database says later.
    for (const name of [...held.keys()]) if (!valid(name)) await lost(name);
    if (stopped) return;
    try {
      if (!held.has(INSTANCE + me)) await acquire(INSTANCE + me);
      for (const [name, entry] of roles) {
        if (entry.active || stopped) continue;
        if (await acquire(name)) {
          entry.active = true;
          logger.info({ role: name }, 'took a role');
          await Promise.resolve(entry.role.gained()).catch((error: unknown) => logger.error({ err: error, role: name }, 'role did not start'));
        }
      }
      await takeOver();
      await releaseIdle();
      // Photos a dead instance was sending, that no message keeps: retired as its own restart would have.
      await engine?.sweepStrays(await aliveNow(), STRAY_AGE_MS);
      if (!channel.listening()) await listen();
    } catch (error) {
      logger.warn({ err: describeError(error) }, 'cluster heartbeat failed');
    }
  };

  /** Sessions with live messages whose holder's lease ran out (a dead instance): kept here from now on. */
  const takeOver = async () => {
    if (engine === undefined) return;
    const wanted = await messages.sessionsWithWork();
    if (wanted.length === 0) return;
    const taken = new Set((await leases.list(SESSION)).map((lease) => lease.name.slice(SESSION.length)));
    for (const sessionId of wanted) {
      if (stopped) return;
      if (taken.has(sessionId) || held.has(SESSION + sessionId)) continue;
      if (await acquire(SESSION + sessionId)) {
        const adopted = await engine.adoptSession(sessionId);
        logger.info({ sessionId, messages: adopted }, 'took over a session whose instance stopped');
      }
    }
  };

  /** Sessions this instance no longer has messages of are given back, so their lease does not outlive the work. */
  const releaseIdle = async () => {
    for (const name of [...held.keys()]) {
      if (!name.startsWith(SESSION)) continue;
      const sessionId = name.slice(SESSION.length);
      if ((pins.get(sessionId) ?? 0) === 0 && engine?.hasWork(sessionId) !== true) await release(name);
    }
  };

  const tick = () => {
    timer = undefined;
    beating = heartbeat().finally(() => {
      beating = undefined;
      if (!stopped) timer = setTimeout(tick, heartbeatMs);
    });
  };

  return {
    instanceId: me,
    solo: false,
    ownership,
    bindEngine(bound) {
      engine = bound;
    },
    lead(name, role) {
      roles.set(name, { role, active: false });
    },
    holds: (name) => valid(name),
    broadcast(message) {
      const payload = { op: 'broadcast', from: me, message };
      if (JSON.stringify(payload).length <= 4_000) void notify(payload);
    },
    onBroadcast(handler) {
      heard.push(handler);
    },
    aliveInstances: aliveNow,
    sessionLeases: () => [...held.keys()].filter((name) => name.startsWith(SESSION) && valid(name)).length,
    async start() {
      await acquire(INSTANCE + me);
      await listen();
      await heartbeat();
      if (!stopped) timer = setTimeout(tick, heartbeatMs);
      // Which roles this instance runs, and which it stands by for (another instance holds them).
      const holds = [...roles].filter(([, entry]) => entry.active).map(([name]) => name);
      const waitsFor = [...roles].filter(([, entry]) => !entry.active).map(([name]) => name);
      logger.info({ instanceId: me, holds, waitsFor }, 'joined the other instances');
      logger.info(
        { instanceId: me },
        holds.length === 0
          ? `standing by: ${waitsFor.join(' and ')} run on another instance; this one takes a role when its holder stops or dies, and keeps the live QR messages it is asked for`
          : `running ${holds.join(' and ')}${waitsFor.length > 0 ? `; ${waitsFor.join(' and ')} run on another instance` : ''}`,
      );
    },
    async stop() {
      stopped = true;
      if (timer !== undefined) clearTimeout(timer);
      await beating;
      for (const [name, entry] of roles) {
        if (!entry.active) continue;
        entry.active = false;
        await Promise.resolve(entry.role.lost()).catch((error: unknown) => logger.error({ err: error, role: name }, 'role did not stop cleanly'));
      }
      for (const name of [...held.keys()]) await release(name);
      await channel.close();
    },
  };
}
