import type { RequestBudget, RequestPriority } from './types.js';

/** Options of {@link createRequestBudget}. */
export interface RequestBudgetOptions {
  /** Requests per second for all Wasend calls together. */
  readonly maxRps: number;
  /** Requests that may go out at once after a quiet spell. Default `max(1, maxRps)`. */
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
  readonly queued: { readonly live: number; readonly background: number };
  /** Epoch ms until which nothing goes out, or 0. */
  readonly pausedUntil: number;
}

export interface ManagedRequestBudget extends RequestBudget {
  stats(): RequestBudgetStats;
}

interface Waiter {
  resolve(): void;
  reject(reason: unknown): void;
  signal: AbortSignal | undefined;
  onAbort: (() => void) | undefined;
}

/**
 * One token bucket shared by every Wasend call. Waiters for `live` (a QR someone is looking at) always go
 * before `background` (health checks). A 429 pauses everyone for its `Retry-After` and halves the rate, which
 * then climbs back by a tenth of `maxRps` per second without a 429 (AIMD), so one rate limit slows every
 * caller, not only the one that got it.
 */
export function createRequestBudget(options: RequestBudgetOptions): ManagedRequestBudget {
  const now = options.now ?? Date.now;
  const maxRps = options.maxRps;
  const burst = options.burst ?? Math.max(1, maxRps);
  const minRps = maxRps * (options.minRateShare ?? 1 / 8);
  const defaultPenaltyMs = options.defaultPenaltyMs ?? 1_000;
  const maxPenaltyMs = options.maxPenaltyMs ?? 30_000;

  let rps = maxRps;
  let tokens = burst;
  let last = now();
  let pausedUntil = 0;
  let lastPenaltyAt = 0;
  let timer: NodeJS.Timeout | undefined;
  const queues: Record<RequestPriority, Waiter[]> = { live: [], background: [] };

  const refill = () => {
    const t = now();
    // Nothing accrues during a 429 pause: the first second after it is as gentle as any other.
    const elapsedS = Math.max(0, t - Math.max(last, pausedUntil)) / 1000;
    last = t;
    if (rps < maxRps && t - lastPenaltyAt > 1_000) rps = Math.min(maxRps, rps + (maxRps / 10) * elapsedS);
    tokens = Math.min(burst, tokens + rps * elapsedS);
  };

  const next = (): Waiter | undefined => queues.live.shift() ?? queues.background.shift();

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
    if (queues.live.length + queues.background.length === 0) return;
    const waitMs = t < pausedUntil ? pausedUntil - t : Math.ceil(((1 - tokens) / rps) * 1000);
    timer = setTimeout(drain, Math.max(1, waitMs));
  };

  const schedule = () => {
    if (!timer) drain();
  };

  return {
    acquire(priority, signal) {
      signal?.throwIfAborted();
      refill();
      if (now() >= pausedUntil && tokens >= 1 && queues.live.length + queues.background.length === 0) {
        tokens -= 1;
        return Promise.resolve();
      }
      return new Promise<void>((resolve, reject) => {
        const waiter: Waiter = { resolve, reject, signal, onAbort: undefined };
        if (signal) {
          waiter.onAbort = () => {
            const queue = queues[priority];
            const index = queue.indexOf(waiter);
            if (index >= 0) queue.splice(index, 1);
            reject(signal.reason);
          };
          signal.addEventListener('abort', waiter.onAbort, { once: true });
        }
        queues[priority].push(waiter);
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
      queued: { live: queues.live.length, background: queues.background.length },
      pausedUntil: pausedUntil > now() ? pausedUntil : 0,
    }),
  };
}
