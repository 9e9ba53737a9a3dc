/**
 * What every gateway client shares: HTTP with retries, timeouts and a size cap, the request budget and its lanes,
 * errors classified once, QR payload decoding and the status vocabulary. What differs (paths, the auth header,
 * answer shapes, capabilities) lives in each gateway's own module (`client.ts` for Wasend, `waha.ts` for WAHA).
 */
import {
  checkBaseUrl,
  checkNumber,
  discardBody,
  extractServerMessage,
  notOffered,
  outcomeOf,
  parseRetryAfter,
  readCode,
  type Method,
} from './http-parts.js';
import { setTimeout as delay } from 'node:timers/promises';
import type { GatewayHttpOptions } from './http-options.js';
import {
  WasendApiError,
  WasendError,
  WasendInvalidResponseError,
  WasendNetworkError,
  WasendRateLimitError,
  WasendServerError,
  WasendTimeoutError,
  createWasendApiError,
} from './errors.js';
import { parseQrResponse } from './qr-response.js';
import { fetchWire, undiciWire, type WireResponse } from './wire.js';
import type { NormalizedQr, RequestOptions, RequestLane, SessionStatus } from './types.js';

export { asCode, isRouteMissing, notOffered, PASSKEY_CODE, parseRetryAfter, readCode } from './http-parts.js';
export type { AttemptOutcome, Method } from './http-parts.js';
export type { GatewayHttpOptions, GatewayLogger, WasendLogger } from './http-options.js';

/** What one call sends besides its method and path. */
export interface Outgoing {
  readonly accept: string;
  /** A JSON body (POST). */
  readonly body?: unknown;
  /** Read the answer's body (GETs always do; a POST whose answer matters says so). */
  readonly read?: boolean;
}

export interface Exchange {
  readonly status: number;
  readonly contentType: string | undefined;
  readonly body: Buffer;
}

const DEFAULT_TIMEOUT_MS = 15_000;
const DEFAULT_MAX_RETRIES = 3;
const DEFAULT_RETRY_BASE_DELAY_MS = 250;
const DEFAULT_MAX_RETRY_DELAY_MS = 5_000;
const DEFAULT_MAX_BODY_BYTES = 5 * 1024 * 1024;
/** Error bodies are only read for their message; the rest is dropped. */
const ERROR_BODY_BYTES = 64 * 1024;
/** Bound on remembered unknown statuses, so a misbehaving server cannot grow memory. */
const MAX_LOGGED_STATUSES = 100;

/** How a gateway authenticates, and how its client is named in option errors. */
export interface GatewayAuth {
  /** The name option errors start with, e.g. `createWasendClient`. */
  readonly client: string;
  /** An example base URL for the option error. */
  readonly exampleUrl: string;
  /** The headers that carry the key. */
  headers(apiKey: string): Record<string, string>;
}

/** The HTTP side of a gateway client. */
export interface GatewayHttp {
  send: (method: Method, path: string, options: RequestOptions, outgoing: Outgoing | string) => Promise<Exchange>;
  getJson: (path: string, options: RequestOptions, method?: Method, body?: unknown) => Promise<{ json: unknown; status: number }>;
  /** A QR at `path` in any shape the server answers (`accept` default: JSON, else an image). */
  fetchQr: (path: string, options: RequestOptions, accept?: string) => Promise<NormalizedQr>;
  /** Logs a status word never seen before (once each, bounded). */
  noteStatus: (status: SessionStatus) => SessionStatus;
  /**
   * WAHA's `POST .../auth/request-code { phoneNumber }` at `path`: the code to type on the phone. A server without
   * the endpoint throws `WasendNotOfferedError` (errors.ts).
   */
  requestCode: (path: string, phoneDigits: string, options: RequestOptions) => Promise<string>;
}

export function createGatewayHttp(options: GatewayHttpOptions, auth: GatewayAuth): GatewayHttp {
  const baseUrl = checkBaseUrl(options.baseUrl, auth.client, auth.exampleUrl);
  if (typeof options.apiKey !== 'string' || options.apiKey.trim() === '') {
    throw new TypeError(`${auth.client}: apiKey is empty; set it to the gateway's API key`);
  }
  const apiKey = options.apiKey;
  const wire = options.fetch ? fetchWire(options.fetch) : undiciWire;
  const timeoutMs = checkNumber('timeoutMs', options.timeoutMs, DEFAULT_TIMEOUT_MS, 1, auth.client);
  const maxRetries = checkNumber('maxRetries', options.maxRetries, DEFAULT_MAX_RETRIES, 0, auth.client);
  const retryBaseDelayMs = checkNumber('retryBaseDelayMs', options.retryBaseDelayMs, DEFAULT_RETRY_BASE_DELAY_MS, 0, auth.client);
  const maxRetryDelayMs = checkNumber('maxRetryDelayMs', options.maxRetryDelayMs, DEFAULT_MAX_RETRY_DELAY_MS, 0, auth.client);
  const maxBodyBytes = checkNumber('maxBodyBytes', options.maxBodyBytes, DEFAULT_MAX_BODY_BYTES, 1, auth.client);
  const { budget, logger, onContact, onAttempt } = options;

  const authHeaders = auth.headers(apiKey);
  const loggedStatuses = new Set<string>();

  const scrub = (text: string) => text.split(apiKey).join('***');

  async function send(method: Method, path: string, options: RequestOptions, outgoing: Outgoing | string): Promise<Exchange> {
    const out: Outgoing = typeof outgoing === 'string' ? { accept: outgoing } : outgoing;
    const { signal } = options;
    const lane: RequestLane = options.lane ?? 'health';
    const retries = method === 'GET' ? maxRetries : 0;
    for (let attempt = 0; ; attempt++) {
      signal?.throwIfAborted();
      await budget?.acquire(lane, signal, options.fairKey);
      const startedAt = performance.now();
      try {
        const exchange = await attemptOnce(method, path, out, signal);
        onAttempt?.(lane, 'ok', (performance.now() - startedAt) / 1000);
        return exchange;
      } catch (error) {
        onAttempt?.(lane, outcomeOf(error), (performance.now() - startedAt) / 1000);
        if (attempt >= retries || !isRetryable(error)) throw error;
        const delayMs = retryDelayMs(error, attempt);
        logger?.debug({ method, path, attempt: attempt + 1, delayMs, error: (error as Error).message }, 'gateway call failed; retrying');
        // An abort while waiting ends the call with the abort's own reason.
        await delay(delayMs, undefined, { signal }).catch(() => signal?.throwIfAborted());
      }
    }
  }

  async function attemptOnce(method: Method, path: string, out: Outgoing, signal?: AbortSignal): Promise<Exchange> {
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, timeoutMs);
    const forwardAbort = () => controller.abort(signal?.reason);
    signal?.addEventListener('abort', forwardAbort, { once: true });
    try {
      const headers: Record<string, string> = { ...authHeaders, accept: out.accept };
      if (out.body !== undefined) headers['content-type'] = 'application/json';
      const response = await wire({
        method,
        url: baseUrl + path,
        headers,
        ...(out.body !== undefined ? { body: JSON.stringify(out.body) } : {}),
        signal: controller.signal,
      });
      if (response.status >= 200 && response.status < 300) {
        const read = out.read ?? method === 'GET';
        const body = read ? await readBody(response, method, path) : await discardBody(response);
        onContact?.({ ok: true, at: Date.now() });
        return { status: response.status, contentType: response.header('content-type'), body };
      }
      const errorBody = await readBody(response, method, path, ERROR_BODY_BYTES);
      onContact?.({ ok: response.status < 500, at: Date.now() });
      const retryAfterMs = parseRetryAfter(response.header('retry-after') ?? null);
      if (response.status === 429) budget?.penalize(retryAfterMs);
      throw createWasendApiError({
        status: response.status,
        method,
        path,
        retryAfterMs,
        serverMessage: extractServerMessage(errorBody, scrub),
      });
    } catch (error) {
      if (error instanceof WasendError) throw error;
      signal?.throwIfAborted();
      onContact?.({ ok: false, at: Date.now() });
      if (timedOut) throw new WasendTimeoutError({ method, path, timeoutMs });
      throw new WasendNetworkError({ method, path, cause: error });
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', forwardAbort);
    }
  }

  /**
   * Reads the body by streaming, counting bytes. With no `truncateAt`, a body over `maxBodyBytes` is an
   * error; with it, the body is cut there (error bodies only matter for their first words).
   */
  async function readBody(response: WireResponse, method: Method, path: string, truncateAt?: number): Promise<Buffer> {
    const limit = truncateAt ?? maxBodyBytes;
    const tooLarge = (detail: string) => new WasendInvalidResponseError({ method, path, status: response.status, reason: 'too_large', detail });
    const declared = Number(response.header('content-length') ?? Number.NaN);
    if (truncateAt === undefined && declared > limit) {
      await response.cancel();
      throw tooLarge(`Content-Length ${declared} exceeds ${limit} bytes`);
    }
    const chunks: Uint8Array[] = [];
    let size = 0;
    for await (const value of response.body) {
      if (size + value.byteLength > limit) {
        await response.cancel();
        if (truncateAt === undefined) throw tooLarge(`body exceeds ${limit} bytes`);
        chunks.push(value.subarray(0, limit - size));
        size = limit;
        break;
      }
      chunks.push(value);
      size += value.byteLength;
    }
    return Buffer.concat(chunks, size);
  }

  function isRetryable(error: unknown): boolean {
    return (
      error instanceof WasendNetworkError ||
      error instanceof WasendTimeoutError ||
      error instanceof WasendRateLimitError ||
      error instanceof WasendServerError
    );
  }

  function retryDelayMs(error: unknown, attempt: number): number {
    if (error instanceof WasendApiError && error.retryAfterMs !== undefined) {
      return Math.min(error.retryAfterMs, maxRetryDelayMs);
    }
    return Math.random() * Math.min(maxRetryDelayMs, retryBaseDelayMs * 2 ** attempt);
  }

  async function getJson(path: string, options: RequestOptions, method: Method = 'GET', body?: unknown): Promise<{ json: unknown; status: number }> {
    const exchange = await send(method, path, options, { accept: 'application/json', read: true, ...(body !== undefined ? { body } : {}) });
    try {
      return { json: JSON.parse(exchange.body.toString('utf8')), status: exchange.status };
    } catch {
      throw new WasendInvalidResponseError({
        method,
        path,
        status: exchange.status,
        reason: 'not_json',
        detail: 'body is not JSON',
      });
    }
  }

  async function fetchQr(path: string, options: RequestOptions, accept = 'application/json, image/*;q=0.9'): Promise<NormalizedQr> {
    const exchange = await send('GET', path, options, accept);
    const parsed = parseQrResponse(exchange.body, exchange.contentType);
    if (parsed.ok) return parsed.qr;
    throw new WasendInvalidResponseError({
      method: 'GET',
      path,
      status: exchange.status,
      reason: parsed.reason,
      detail: parsed.detail,
    });
  }

  function noteStatus(status: SessionStatus): SessionStatus {
    if (status.state === 'unknown' && !loggedStatuses.has(status.raw) && loggedStatuses.size < MAX_LOGGED_STATUSES) {
      loggedStatuses.add(status.raw);
      logger?.warn({ status: status.raw }, 'Unknown gateway session status; treating it as unknown');
    }
    return status;
  }

  async function requestCode(path: string, phoneDigits: string, options: RequestOptions): Promise<string> {
    if (!/^\d{8,15}$/.test(phoneDigits)) throw new TypeError('requestPairingCode: phoneDigits must be 8 to 15 digits');
    let answer: { json: unknown; status: number };
    try {
      answer = await getJson(path, options, 'POST', { phoneNumber: phoneDigits });
    } catch (error) {
      throw notOffered(error) ?? error;
    }
    return readCode(answer, 'POST', path, /^[A-Z0-9]{4}-?[A-Z0-9]{4}$/i);
  }

  return { send, getJson, fetchQr, noteStatus, requestCode };
}
