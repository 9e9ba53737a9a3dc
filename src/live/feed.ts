import { LRUCache } from 'lru-cache';
/**
 * The one session-status feed of the live engine: while any QR message is live, one `GET /sessions` per
 * tick tells whether each live session linked, failed or stopped, however many there are. Per-session
 * `GET /sessions/{id}` only when a single session is live or the server has no list. Nothing while idle.
 */
import type { LogSink } from '../shared/logger.js';
import { BudgetSkippedError, WasendApiError, WasendNotFoundError } from '../wasend/errors.js';
import type { RequestLane, SessionInfo, SessionStatus, WasendApi } from '../wasend/types.js';
import type { Clock, TimerHandle } from '../shared/clock.js';
import { describeError } from '../shared/describe-error.js';
import { retryAfterOf } from './failures.js';
import { errorBackoffMs } from './schedule.js';

/** A live session's status as the feed saw it; `missing` when Wasend no longer has the session. */
export type FeedStatus = SessionStatus | 'missing';

export interface StatusFeedDeps {
  readonly wasend: Pick<WasendApi, 'listSessions' | 'getSession'>;
  readonly clock: Clock;
  readonly logger: LogSink;
  /** Gap between ticks while anything is live, in ms (at most 1000 by default). */
  readonly tickMs: number;
  /**
   * Gap between two looks at one session in per-session mode when several are live (the server has no
   * list), in ms.
   */
  readonly perSessionIntervalMs: number;
  /** While every live session's webhooks flow, ticks are this many times further apart. */
  readonly webhookSlowdown: number;
  /** How long a Wasend webhook event counts as proof that a session's webhooks flow, in ms. */
  readonly webhookFreshMs: number;
  /** The sessions with a live message now. */
  sessions(): readonly string[];
  /** Whether any session has a live message now (asked at every attach: it must not list them all). */
  anyLive(): boolean;
  /** What the feed learnt of one session, at the time its request went out. */
  onStatus(sessionId: string, status: FeedStatus, at: number): void;
}

export interface FeedStats {
  readonly ticks: number;
  readonly listCalls: number;
  readonly sessionCalls: number;
  readonly skipped: number;
}

export interface StatusFeed {
  /** The set of live sessions changed: start ticking when it was idle, stop when nothing is live. */
  wake(): void;
  /** Something changed (a webhook event): tick now, on the rotation lane, coalesced with a tick in flight. */
  poke(): void;
  /** A verified Wasend webhook event for the session arrived. */
  noteWebhookEvent(sessionId: string): void;
  /** True while the server is known to have no `GET /sessions` (then each session is asked on its own). */
  perSession(): boolean;
  stats(): FeedStats;
  stop(): Promise<void>;
}

/** HTTP statuses that mean "this server has no list": fall back to per-session looks. */
const NO_LIST = new Set([404, 405, 501]);
/** Webhook freshness is remembered for this many sessions at most (oldest dropped). */
const WEBHOOK_SESSIONS_KEPT = 4_096;

export function createStatusFeed(deps: StatusFeedDeps): StatusFeed {
  const { wasend, clock, logger } = deps;
  const lastAskedAt = new Map<string, number>();
  const webhookSeenAt = new LRUCache<string, number>({ max: WEBHOOK_SESSIONS_KEPT });
  const counters = { ticks: 0, listCalls: 0, sessionCalls: 0, skipped: 0 };
  let listSupported = true;
  let timer: TimerHandle | null = null;
  let running: Promise<void> | null = null;
  let urgent = false;
  let failures = 0;
  let stopped = false;

  function webhooksFlow(ids: readonly string[]): boolean {
    const now = clock.now();
    return ids.every((id) => {
      const seen = webhookSeenAt.get(id);
      return seen !== undefined && now - seen < deps.webhookFreshMs;
    });
  }

  function arm(delayMs: number): void {
    if (timer !== null) clock.clearTimeout(timer);
    timer = null;
    if (stopped || running !== null || !deps.anyLive()) return;
    timer = clock.setTimeout(fire, Math.max(0, delayMs));
  }

  function fire(): void {
    timer = null;
    if (stopped || running !== null) return;
    const lane: RequestLane = urgent ? 'rotation' : 'link';
    urgent = false;
    running = tick(lane).then(
      (delayMs) => {
        running = null;
        arm(urgent ? 0 : delayMs);
      },
      (error: unknown) => {
        running = null;
        logger.error({ err: describeError(error) }, 'live QR status feed failed unexpectedly');
        arm(deps.tickMs);
      },
    );
  }

  /** One tick; resolves with the delay until the next. */
  async function tick(lane: RequestLane): Promise<number> {
    const ids = deps.sessions();
    if (ids.length === 0) return deps.tickMs;
    counters.ticks += 1;
    const normalDelay = webhooksFlow(ids) ? deps.tickMs * deps.webhookSlowdown : deps.tickMs;
    try {
      if (listSupported && ids.length > 1) await fromList(ids, lane);
      else await perSession(ids, lane);
      failures = 0;
      return normalDelay;
    } catch (error) {
      if (error instanceof BudgetSkippedError) {
        counters.skipped += 1;
        return Math.max(error.retryInMs, Math.min(normalDelay, 250));
      }
      failures += 1;
      const delayMs = errorBackoffMs(failures, deps.tickMs, retryAfterOf(error));
      logger.warn({ err: describeError(error), failures, retryInMs: delayMs }, 'live QR status feed: Wasend failed; will retry');
      return delayMs;
    }
  }

  async function fromList(ids: readonly string[], lane: RequestLane): Promise<void> {
    const at = clock.now();
    let listed: SessionInfo[];
    try {
      counters.listCalls += 1;
      listed = await wasend.listSessions({ lane });
    } catch (error) {
      if (!(error instanceof WasendApiError) || !NO_LIST.has(error.status)) throw error;
      listSupported = false;
      logger.info({ status: error.status }, 'Wasend has no session list; the live QR feed asks each session on its own');
      return perSession(ids, lane);
    }
    const byId = new Map(listed.map((s) => [s.id, s.status]));
    const missing: string[] = [];
    for (const id of ids) {
      const status = byId.get(id);
      if (status === undefined) missing.push(id);
      else deps.onStatus(id, status, at);
    }
    // A list may leave a session out for reasons of its own: only its own 404 says it is gone.
    for (const id of missing) await askOne(id, lane);
  }

  async function perSession(ids: readonly string[], lane: RequestLane): Promise<void> {
    const now = clock.now();
    const interval = ids.length === 1 ? 0 : deps.perSessionIntervalMs;
    const due = ids
      .filter((id) => now - (lastAskedAt.get(id) ?? Number.NEGATIVE_INFINITY) >= interval)
      .sort((a, b) => (lastAskedAt.get(a) ?? 0) - (lastAskedAt.get(b) ?? 0));
    for (const id of due) await askOne(id, lane);
    const live = new Set(ids);
    for (const id of [...lastAskedAt.keys()]) if (!live.has(id)) lastAskedAt.delete(id);
  }

  async function askOne(id: string, lane: RequestLane): Promise<void> {
    const at = clock.now();
    counters.sessionCalls += 1;
    try {
      const info = await wasend.getSession(id, { lane });
      lastAskedAt.set(id, at);
      deps.onStatus(id, info.status, at);
    } catch (error) {
      if (!(error instanceof WasendNotFoundError)) throw error;
      lastAskedAt.set(id, at);
      deps.onStatus(id, 'missing', at);
    }
  }

  return {
    wake() {
      if (!deps.anyLive()) {
        if (timer !== null) clock.clearTimeout(timer);
        timer = null;
      } else if (timer === null && running === null) {
        arm(0);
      }
    },
    poke() {
      urgent = true;
      if (running === null) arm(0);
    },
    noteWebhookEvent(sessionId) {
      webhookSeenAt.set(sessionId, clock.now());
    },
    perSession: () => !listSupported,
    stats: () => ({ ...counters }),
    async stop() {
      stopped = true;
      if (timer !== null) clock.clearTimeout(timer);
      timer = null;
      await running?.catch(() => undefined);
    },
  };
}
