import { abortError } from '../shared/abort.js';
import { BudgetSkippedError } from './errors.js';
import type { RequestBudget, RequestLane } from './types.js';

/** Options of {@link createRequestBudget}. */
export interface RequestBudgetOptions {
  /** Requests per second for all Wasend calls together. */
  readonly maxRps: number;
  /**
   * Requests that may go out at once after a quiet spell. Default `max(50, maxRps)`: the morning WhatsApp logs
   * out dozens of numbers, fifty people asking at once all get their first look without waiting.
   */
  readonly burst?: number;
  /** Pause after a 429 that named no `Retry-After`, in ms. Default 1000. */
  readonly defaultPenaltyMs?: number;
  /** A server's `Retry-After` pauses everyone at most this long, in ms. Default 30000. */
  readonly maxPenaltyMs?: number;
  /** The rate never drops below this share of `maxRps` after 429s. Default 1/8. */
  readonly minRateShare?: number;
  /** For tests. */
  readonly now?: () => number;
}

export interface RequestBudgetStats {
  /** Requests per second allowed right now (lower after a 429, recovering over time). */
  readonly currentRps: number;
  /** Tokens in the bucket now (at most the burst). */
  readonly tokens: number;
  readonly queued: { readonly person: number; readonly health: number };
  /** Calls of a skipping lane turned away because the budget was short, per lane, since creation. */
  readonly skipped: { readonly rotation: number; readonly link: number };
  /** Epoch ms until which nothing goes out, or 0. */
  readonly pausedUntil: number;
}

export interface ManagedRequestBudget extends RequestBudget {
  stats(): RequestBudgetStats;
}

interface Waiter {
  readonly key: string;
  resolve(): void;
  reject(reason: unknown): void;
  signal: AbortSignal | undefined;
  onAbort: (() => void) | undefined;
}

/** Lanes that never wait: when the bucket is short they are turned away and come back at their next tick. */
const SKIPPING: ReadonlySet<RequestLane> = new Set(['rotation', 'link']);

/**
 * One token bucket shared by every Wasend call, with lanes served in a fixed order: `person` (someone is
 * waiting for an answer), `rotation` (a code is due to rotate), `link` (the status feed), `health`.
 *
 * - People queue, and are served round-robin by their `key` so that one user with a hundred sessions cannot
 *   starve another; nothing of a lower lane goes out while a person waits.
 * - `rotation` and `link` never queue: without a token at hand they get {@link BudgetSkippedError} (with the
 *   wait until the next token) and try again on their own schedule, so background work cannot pile up in
 *   front of a person who arrives later.
 * - `health` queues behind people (its caller makes one call at a time, so it never piles up either).
 * - A 429 pauses everyone for its `Retry-After` and halves the rate, which then climbs back by a tenth of
 *   `maxRps` per second without a 429 (AIMD): one rate limit slows every caller.
 */
export function createRequestBudget(options: RequestBudgetOptions): ManagedRequestBudget {
  const now = options.now ?? Date.now;
  const maxRps = options.maxRps;
  const burst = options.burst ?? Math.max(50, maxRps);
  const minRps = maxRps * (options.minRateShare ?? 1 / 8);
  const defaultPenaltyMs = options.defaultPenaltyMs ?? 1_000;
  const maxPenaltyMs = options.maxPenaltyMs ?? 30_000;

  let rps = maxRps;
  let tokens = burst;
  let last = now();
  let pausedUntil = 0;
  let lastPenaltyAt = 0;
  let timer: NodeJS.Timeout | undefined;
  /** People, one FIFO per key; `order` is the round-robin of keys with someone waiting. */
  const people = new Map<string, Waiter[]>();
  const order: string[] = [];
  const health: Waiter[] = [];
  const skipped = { rotation: 0, link: 0 };
  let peopleWaiting = 0;

  const refill = () => {
    const t = now();
    // Nothing accrues during a 429 pause: the first second after it is as gentle as any other.
    const elapsedS = Math.max(0, t - Math.max(last, pausedUntil)) / 1000;
    last = t;
    if (rps < maxRps && t - lastPenaltyAt > 1_000) rps = Math.min(maxRps, rps + (maxRps / 10) * elapsedS);
    tokens = Math.min(burst, tokens + rps * elapsedS);
  };

  const waitForTokenMs = () => {
    const t = now();
    if (t < pausedUntil) return pausedUntil - t + Math.ceil((Math.max(0, 1 - tokens) / rps) * 1000);
    return Math.max(1, Math.ceil(((1 - tokens) / rps) * 1000));
  };

  const nextPerson = (): Waiter | undefined => {
    const key = order.shift();
    if (key === undefined) return undefined;
    const queue = people.get(key) as Waiter[];
    const waiter = queue.shift() as Waiter;
    if (queue.length > 0) order.push(key);
    else people.delete(key);
    peopleWaiting -= 1;
    return waiter;
  };

  const next = (): Waiter | undefined => nextPerson() ?? health.shift();

  const drain = () => {
    timer = undefined;
    refill();
    const t = now();
    while (t >= pausedUntil && tokens >= 1) {
      const waiter = next();
      if (!waiter) return;
      tokens -= 1;
      if (waiter.onAbort) waiter.signal?.removeEventListener('abort', waiter.onAbort);
      waiter.resolve();
    }
    if (peopleWaiting + health.length === 0) return;
    timer = setTimeout(drain, waitForTokenMs());
  };

  const schedule = () => {
    if (!timer) drain();
  };

  const remove = (waiter: Waiter, lane: RequestLane) => {
    if (lane === 'health') {
      const index = health.indexOf(waiter);
      if (index >= 0) health.splice(index, 1);
      return;
    }
    const queue = people.get(waiter.key);
    const index = queue?.indexOf(waiter) ?? -1;
    if (queue === undefined || index < 0) return;
    queue.splice(index, 1);
    peopleWaiting -= 1;
    if (queue.length === 0) {
      people.delete(waiter.key);
      order.splice(order.indexOf(waiter.key), 1);
    }
  };

  const enqueue = (waiter: Waiter, lane: RequestLane) => {
    if (lane === 'health') {
      health.push(waiter);
      return;
    }
    const queue = people.get(waiter.key);
    if (queue) queue.push(waiter);
    else {
      people.set(waiter.key, [waiter]);
      order.push(waiter.key);
    }
    peopleWaiting += 1;
  };

  return {
    acquire(lane, signal, key = '') {
      signal?.throwIfAborted();
      refill();
      const open = now() >= pausedUntil && tokens >= 1;
      const ahead = lane === 'health' ? peopleWaiting + health.length : peopleWaiting;
      if (open && ahead === 0) {
        tokens -= 1;
        return Promise.resolve();
      }
      if (SKIPPING.has(lane)) {
        skipped[lane as 'rotation' | 'link'] += 1;
        return Promise.reject(new BudgetSkippedError(lane, waitForTokenMs()));
      }
      return new Promise<void>((resolve, reject) => {
        const waiter: Waiter = { key, resolve, reject, signal, onAbort: undefined };
        if (signal) {
          waiter.onAbort = () => {
            remove(waiter, lane);
            reject(abortError(signal));
          };
          signal.addEventListener('abort', waiter.onAbort, { once: true });
        }
        enqueue(waiter, lane);
        schedule();
      });
    },
    penalize(retryAfterMs) {
      refill();
      const t = now();
      lastPenaltyAt = t;
      pausedUntil = Math.max(pausedUntil, t + Math.min(maxPenaltyMs, retryAfterMs ?? defaultPenaltyMs));
      rps = Math.max(minRps, rps / 2);
      tokens = Math.min(tokens, 1);
      if (timer) clearTimeout(timer);
      timer = undefined;
      schedule();
    },
    stats: () => ({
      currentRps: rps,
      tokens,
      queued: { person: peopleWaiting, health: health.length },
      skipped: { ...skipped },
      pausedUntil: pausedUntil > now() ? pausedUntil : 0,
    }),
  };
}
