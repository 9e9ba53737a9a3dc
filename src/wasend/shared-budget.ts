import { setTimeout as delay } from 'node:timers/promises';
import type pg from 'pg';
import { RateLimiterPostgres, RateLimiterRes } from 'rate-limiter-flexible';
import type { LogSink } from '../shared/logger.js';
import type { ManagedRequestBudget } from './budget.js';
import { BudgetSkippedError } from './errors.js';
import type { RequestLane } from './types.js';

/** Options of {@link withSharedBudget}. */
export interface SharedBudgetOptions {
  /** The pool of the shared PostgreSQL database. */
  readonly pool: pg.Pool;
  /** Schema of the `rate_limits` table (our migrations make it); default the pool's search path. */
  readonly schema?: string;
  /** Requests per second for every instance together (`WASEND_MAX_RPS`). */
  readonly maxRps: number;
  readonly logger: Pick<LogSink, 'warn'>;
}

const KEY = 'wasend';
const WINDOWS_PER_SECOND = 10;
const SKIPPING: ReadonlySet<RequestLane> = new Set(['rotation', 'link']);

/**
 * Every instance's Wasend calls together within `maxRps`: after this instance's own budget (its lanes and their
 * priorities) lets a call go, one more point is taken from a window in PostgreSQL that all instances count in
 * (rate-limiter-flexible's Postgres store, in tenth-of-a-second windows: one atomic upsert a call). A 429 seen by any instance blocks the window
 * for its `Retry-After`, so all slow down. Should the database not answer, the local budget alone holds.
 */
export function withSharedBudget(local: ManagedRequestBudget, options: SharedBudgetOptions): ManagedRequestBudget {
  // A window holds at least one request: below 10 requests a second, one request per 1/maxRps seconds.
  const windowS = Math.max(1 / WINDOWS_PER_SECOND, 1 / options.maxRps);
  const limiter = new RateLimiterPostgres({
    storeClient: options.pool,
    storeType: 'pool',
    tableName: 'rate_limits',
    ...(options.schema !== undefined ? { schemaName: options.schema } : {}),
    tableCreated: true,
    keyPrefix: 'budget',
    // Tenth-of-a-second windows: a fixed window lets two full ones meet at their border, so with one-second windows
    // a second could carry twice the budget; with tenths it carries at most a tenth more.
    points: Math.max(1, Math.round(options.maxRps * windowS)),
    duration: windowS,
  });
  let warned = false;

  /** Waits `ms`; an abort rejects with the signal's reason, as the local budget's queue does. */
  const wait = (ms: number, signal?: AbortSignal) =>
    delay(ms, undefined, signal ? { signal } : {}).catch((error: unknown) => {
      throw signal?.aborted ? signal.reason : error;
    });

  return {
    async acquire(lane, signal, key) {
      await local.acquire(lane, signal, key);
      for (;;) {
        try {
          await limiter.consume(KEY, 1);
          return;
        } catch (rejection) {
          if (!(rejection instanceof RateLimiterRes)) {
            if (!warned)
              options.logger.warn(
                { err: rejection instanceof Error ? rejection.message : String(rejection) },
                'shared Wasend budget unavailable; this instance keeps to its own',
              );
            warned = true;
            return;
          }
          const waitMs = Math.max(1, rejection.msBeforeNext);
          if (SKIPPING.has(lane)) throw new BudgetSkippedError(lane, waitMs);
          await wait(waitMs, signal);
        }
      }
    },
    penalize(retryAfterMs) {
      local.penalize(retryAfterMs);
      const seconds = Math.max(1, Math.ceil(Math.min(30_000, retryAfterMs ?? 1_000) / 1000));
      void limiter.block(KEY, seconds).catch(() => undefined);
    },
    stats: () => local.stats(),
  };
}
