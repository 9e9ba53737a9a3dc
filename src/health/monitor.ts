import { describeError } from '../shared/describe-error.js';
import { systemClock, type TimerHandle } from '../shared/clock.js';
import type { HealthRecord } from '../store/types.js';
import { InvalidSessionIdError, isListingUnsupported, WasendNotFoundError } from '../wasend/errors.js';
import type { RequestOptions, SessionStatus } from '../wasend/types.js';
import type { HealthMonitor, HealthMonitorDeps } from './types.js';
import { createAlertQueue } from './alerts.js';

export type { HealthAlertInfo, HealthMonitor, HealthMonitorDeps, HealthNotifier } from './types.js';

const DEFAULT_CONFIRM_DELAY_MS = 20_000;
const DEFAULT_ALERT_COOLDOWN_MS = 15 * 60_000;
/** `getSession` calls in flight at once when the list endpoint is missing (the budget paces them anyway). */
const FALLBACK_CONCURRENCY = 4;
/** Confirming this many drops at once costs one listing instead of one `getSession` each. */
const BATCH_CONFIRM_MIN = 5;
/**
 * Suspects due this soon after the first are confirmed with it (one cycle's suspects land a few ms apart), at most
 * a quarter of the confirm delay.
 */
const CONFIRM_SLACK_MS = 1_000;
/** What a session that vanished from Wasend (404, or absent from the list) is reported as. */
const MISSING: SessionStatus = { state: 'unknown', raw: 'NOT_FOUND' };

/**
 * Watches linked sessions and tells their watchers when one drops. Each cycle costs one `listSessions` call
 * (background priority) whatever the number of watched sessions. A session seen `up` and now anything but
 * `connected` is looked at again after `confirmDelayMs`; only then is it `down` and each watcher alerted once
 * (none within `alertCooldownMs` of the session's previous drop alert). A session whose drop was alerted gets one
 * "back online" per watcher when it is connected again. State is persisted, so a restart neither repeats nor
 * forgets an alert. Wasend and Telegram failures are logged; the next cycle retries.
 */
export function createHealthMonitor(deps: HealthMonitorDeps): HealthMonitor {
  const { wasend, watches, state, notifier, logger } = deps;
  const clock = deps.clock ?? systemClock;
  const confirmDelayMs = deps.confirmDelayMs ?? DEFAULT_CONFIRM_DELAY_MS;
  const cooldownMs = deps.alertCooldownMs ?? DEFAULT_ALERT_COOLDOWN_MS;
  const isAllowed = deps.isAllowed ?? (() => true);
  const confirmSlackMs = Math.min(CONFIRM_SLACK_MS, confirmDelayMs / 4);

  const records = new Map<string, HealthRecord>();
  /** Suspected drops: session id -> when to confirm. Due times only grow, so insertion order is due order. */
  const suspects = new Map<string, number>();
  const tasks = new Set<Promise<unknown>>();
  const abort = new AbortController();
  const requestOptions: RequestOptions = { lane: 'health', signal: abort.signal };
  let cycleTimer: TimerHandle | undefined;
  let confirmTimer: TimerHandle | undefined;
  let cycle: Promise<void> | undefined;
  let started = false;
  let stopped = false;

  const track = (task: Promise<unknown>) => {
    tasks.add(task);
    const done = () => void tasks.delete(task);
    task.then(done, done);
  };

  const alerts = createAlertQueue({ watches, notifier, isAllowed, logger, quiet: () => stopped });

  const logFailure = (error: unknown, context: object, msg: string) => {
    if (stopped) return;
    logger.warn({ ...context, err: describeError(error) }, msg);
  };

  /** What is known of a session: {@link load} reads the stored records into memory before they are needed. */
  const recordOf = (sessionId: string): HealthRecord | undefined => records.get(sessionId);

  const load = async (sessionIds: Iterable<string>) => {
    for (const sessionId of sessionIds) {
      if (records.has(sessionId)) continue;
      const stored = await state.get(sessionId);
      if (stored && !records.has(sessionId)) records.set(sessionId, stored);
    }
  };

  /** Set while a whole cycle's observations are applied, so their writes go to the store in one transaction. */
  let unsaved: Array<[string, HealthRecord]> | undefined;
  /** Alerts of those observations, sent once the state is stored. */
  let held: Array<() => void> | undefined;

  const save = (sessionId: string, record: HealthRecord) => {
    records.set(sessionId, record);
    if (unsaved) unsaved.push([sessionId, record]);
    else track(guard(state.set(sessionId, record), 'health state not stored'));
  };

  /** Applies many observations; alerts are only queued here, so they go out after the state is stored. */
  const inOneWrite = async (sessionIds: Iterable<string>, apply: () => void) => {
    await load(sessionIds);
    unsaved = [];
    held = [];
    const queued = held;
    try {
      apply();
    } finally {
      const entries = unsaved;
      unsaved = undefined;
      held = undefined;
      try {
        await state.setMany(entries);
      } finally {
        for (const send of queued) send();
      }
    }
  };

  const notify = (kind: 'down' | 'up', sessionId: string, status: SessionStatus) => {
    if (held) return void held.push(() => notify(kind, sessionId, status));
    alerts.send(kind, sessionId, status);
  };

  const observe = (sessionId: string, status: SessionStatus) => {
    const record = recordOf(sessionId);
    if (status.state === 'connected') {
      suspects.delete(sessionId);
      if (record?.state === 'up') return;
      save(sessionId, { state: 'up', since: clock.now(), lastAlertAt: record?.lastAlertAt ?? null });
      if (record?.state === 'down') {
        logger.info({ sessionId }, 'session linked again');
        if (record.lastAlertAt !== null && record.lastAlertAt >= record.since) notify('up', sessionId, status);
      }
      return;
    }
    if (record?.state !== 'up' || suspects.has(sessionId)) return;
    logger.debug({ sessionId, status: status.raw }, 'session seen unlinked; confirming');
    suspects.set(sessionId, clock.now() + confirmDelayMs);
    scheduleConfirm();
  };

  const goDown = (sessionId: string, status: SessionStatus) => {
    if (deps.mayAct?.() === false) {
      // The role moved: the instance that runs the checks now records the drop and alerts (a drop recorded here
      // would read as already alerted to it, and nobody would hear).
      logger.info({ sessionId }, 'session seen dropped, but another instance runs the checks now; leaving it to that one');
      return;
    }
    const now = clock.now();
    const last = recordOf(sessionId)?.lastAlertAt ?? null;
    const coolingDown = last !== null && now - last < cooldownMs;
    save(sessionId, { state: 'down', since: now, lastAlertAt: coolingDown ? last : now });
    if (coolingDown) {
      logger.info({ sessionId, status: status.raw }, 'session dropped again within the alert cooldown; nobody alerted');
      return;
    }
    logger.warn({ sessionId, status: status.raw }, 'session no longer linked; alerting its watchers');
    notify('down', sessionId, status);
  };

  const getOne = async (sessionId: string): Promise<SessionStatus> => {
    try {
      return (await wasend.getSession(sessionId, requestOptions)).status;
    } catch (error) {
      if (error instanceof WasendNotFoundError || error instanceof InvalidSessionIdError) return MISSING;
      throw error;
    }
  };

  /** Statuses of `ids` by `getSession` each; a failed lookup leaves its id out (the next cycle retries). */
  const getEach = async (ids: readonly string[]): Promise<Map<string, SessionStatus>> => {
    const statuses = new Map<string, SessionStatus>();
    let next = 0;
    const worker = async () => {
      while (next < ids.length && !stopped) {
        const sessionId = ids[next++] as string;
        try {
          statuses.set(sessionId, await getOne(sessionId));
        } catch (error) {
          logFailure(error, { sessionId }, 'health check of a session failed');
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(FALLBACK_CONCURRENCY, ids.length) }, worker));
    return statuses;
  };

  const fromList = async (ids: readonly string[]): Promise<Map<string, SessionStatus>> => {
    const listed = new Map((await wasend.listSessions(requestOptions)).map((info) => [info.id, info.status] as const));
    return new Map(ids.map((id) => [id, listed.get(id) ?? MISSING]));
  };

  const runCycle = async () => {
    const watched = await watches.sessions();
    if (watched.length === 0) return;
    let statuses: Map<string, SessionStatus>;
    try {
      statuses = await fromList(watched);
    } catch (error) {
      if (!isListingUnsupported(error)) return logFailure(error, {}, 'health check: listing sessions failed; retrying next cycle');
      logger.debug({ sessions: watched.length }, 'Wasend has no session list; checking sessions one by one');
      statuses = await getEach(watched);
    }
    if (stopped) return;
    await inOneWrite(statuses.keys(), () => {
      for (const [sessionId, status] of statuses) observe(sessionId, status);
    });
  };

  const confirmDue = async () => {
    const now = clock.now();
    const due: string[] = [];
    for (const [sessionId, at] of suspects) {
      if (at > now + confirmSlackMs) break;
      due.push(sessionId);
    }
    for (const sessionId of due) suspects.delete(sessionId);
    if (due.length > 0) {
      let statuses: Map<string, SessionStatus> | undefined;
      if (due.length >= BATCH_CONFIRM_MIN) statuses = await fromList(due).catch(() => undefined);
      statuses ??= await getEach(due);
      if (stopped) return;
      await inOneWrite(statuses.keys(), () => {
        for (const [sessionId, status] of statuses) {
          if (status.state === 'connected') observe(sessionId, status);
          else if (recordOf(sessionId)?.state === 'up') goDown(sessionId, status);
        }
      });
    }
    scheduleConfirm();
  };

  function scheduleConfirm(): void {
    if (stopped || confirmTimer !== undefined) return;
    const first = suspects.values().next();
    if (first.done) return;
    confirmTimer = clock.setTimeout(
      () => {
        confirmTimer = undefined;
        track(guard(confirmDue(), 'health check: confirming drops failed'));
      },
      Math.max(0, first.value - clock.now()),
    );
  }

  const guard = async (work: Promise<void>, msg: string) => {
    try {
      await work;
    } catch (error) {
      logFailure(error, {}, msg);
    }
  };

  const checkNow = (): Promise<void> => {
    if (stopped) return Promise.resolve();
    cycle ??= guard(runCycle(), 'health check cycle failed').finally(() => {
      cycle = undefined;
    });
    return cycle;
  };

  const tick = () => {
    cycleTimer = undefined;
    const run = checkNow().then(() => {
      if (!stopped) cycleTimer = clock.setTimeout(tick, deps.intervalMs);
    });
    track(run);
  };

  return {
    start() {
      if (started || stopped) return;
      started = true;
      cycleTimer = clock.setTimeout(tick, 0);
    },
    async stop() {
      if (!stopped) {
        stopped = true;
        if (cycleTimer !== undefined) clock.clearTimeout(cycleTimer);
        if (confirmTimer !== undefined) clock.clearTimeout(confirmTimer);
        cycleTimer = confirmTimer = undefined;
        suspects.clear();
        abort.abort();
      }
      await Promise.allSettled([...tasks, ...(cycle ? [cycle] : [])]);
      await alerts.idle();
    },
    poke(sessionId, status) {
      if (stopped) return;
      const work = async () => {
        if ((await watches.listBySession(sessionId)).length === 0) return;
        // A drop is confirmed by a second look before anyone hears of it; a recovery is looked at first: an event
        // saying "linked" must not announce one that Wasend does not confirm.
        const current = status === undefined || status.state === 'connected' ? await getOne(sessionId) : status;
        if (!stopped) await inOneWrite([sessionId], () => observe(sessionId, current));
      };
      track(guard(work(), 'health check after a webhook event failed'));
    },
    async baseline(sessionId, status) {
      if (stopped) return;
      await inOneWrite([sessionId], () => {
        // Only starts a record: read before the watch was stored, it is older than what the checks already know.
        if (recordOf(sessionId) !== undefined) return;
        if (status.state === 'connected') observe(sessionId, status);
        else save(sessionId, { state: 'down', since: clock.now(), lastAlertAt: null });
      });
    },
    checkNow,
  };
}
