import type { LogSink } from '../shared/logger.js';
import type { AttemptOutcome } from './http-parts.js';
import type { RequestBudget, RequestLane } from './types.js';

/** The part of a {@link LogSink} the client uses. Logged objects never hold the API key or headers. */
export type GatewayLogger = Pick<LogSink, 'warn' | 'debug'>;
/** The Wasend client's logger (the same as every gateway's). */
export type WasendLogger = GatewayLogger;

/** How a gateway client talks HTTP: the same for every gateway. */
export interface GatewayHttpOptions {
  /** API root without a trailing path, e.g. `https://api.wasend.dev`. */
  readonly baseUrl: string;
  /** The API key (secret: never logged, never in an error message). */
  readonly apiKey: string;
  /** Fetch implementation; default the global `fetch`. */
  readonly fetch?: typeof fetch;
  /** Limit of each single attempt (headers and body), in ms. Default 15000. */
  readonly timeoutMs?: number;
  /** Retries of a GET after the first attempt (POSTs are never retried). Default 3. */
  readonly maxRetries?: number;
  /** First backoff step in ms; attempt n waits a random time in [0, min(cap, base * 2^n)). Default 250. */
  readonly retryBaseDelayMs?: number;
  /** Cap of one backoff wait and of an honoured `Retry-After`, in ms. Default 5000. */
  readonly maxRetryDelayMs?: number;
  /** Largest accepted response body, in bytes; larger answers are refused without being buffered. Default 5 MiB. */
  readonly maxBodyBytes?: number;
  /** Shared request budget: awaited before every attempt, penalized on 429. */
  readonly budget?: RequestBudget;
  readonly logger?: GatewayLogger;
  /** Called after every completed HTTP exchange; `ok` is false on network errors, timeouts and 5xx. */
  readonly onContact?: (event: { ok: boolean; at: number }) => void;
  /** Called after every attempt (metrics): its lane, outcome and time in seconds. */
  readonly onAttempt?: (lane: RequestLane, outcome: AttemptOutcome, seconds: number) => void;
}
