import { setTimeout as delay } from 'node:timers/promises';
/**
 * Start-up checks that fail loudly: reaching Telegram (a bounded wait with progress lines, where grammY's own
 * `bot.init()` retries `getMe` without end and says nothing), and the Wasend key and address (one list call).
 */
import { GATEWAYS, type Gateway } from './wasend/gateways.js';
import type { Api } from 'grammy';
import { classifyTelegramError } from './telegram/errors.js';
import type { UserFromGetMe } from 'grammy/types';
import type { LogSink } from './shared/logger.js';
import { describeCause, WasendApiError, WasendAuthError, WasendError, WasendInvalidResponseError, WasendNotFoundError } from './wasend/errors.js';
import type { WasendApi } from './wasend/types.js';

/** A start-up check failed; `message` says what is wrong and what to set. */
export class StartupError extends Error {
  override readonly name = 'StartupError';
}

/** Default of `TELEGRAM_CONNECT_TIMEOUT_MS`. */
export const DEFAULT_CONNECT_TIMEOUT_MS = 60_000;
/** One `getMe` attempt waits at most this long. */
const ATTEMPT_MS = 10_000;
/** The Wasend check waits at most this long. */
const WASEND_CHECK_MS = 10_000;

export interface ConnectOptions {
  readonly api: Pick<Api, 'getMe'>;
  /** Shown in messages (never the token, which is in the request path). */
  readonly apiRoot: string;
  readonly limitMs: number;
  readonly logger: Pick<LogSink, 'warn' | 'info'>;
  /** Ends the wait early (the process is stopping). */
  readonly signal?: AbortSignal;
}

/**
 * `getMe` until it answers, for at most `limitMs`: each failed attempt logs "still trying to reach Telegram at ...".
 * A Telegram refusal (a wrong token) throws at once; running out of time throws a {@link StartupError}.
 */
export async function connectTelegram(options: ConnectOptions): Promise<UserFromGetMe> {
  const { api, apiRoot, limitMs, logger } = options;
  const startedAt = Date.now();
  let lastReason = 'no answer';
  for (let attempt = 1; ; attempt += 1) {
    const left = limitMs - (Date.now() - startedAt);
    if (left <= 0 || options.signal?.aborted) break;
    const timeout = AbortSignal.timeout(Math.min(ATTEMPT_MS, left));
    const signal = options.signal ? AbortSignal.any([timeout, options.signal]) : timeout;
    try {
      return await api.getMe(signal as Parameters<Api['getMe']>[0]);
    } catch (error) {
      // A definite answer (a wrong token) ends the wait; a lost answer or a failed wire is tried again.
      const failure = classifyTelegramError(error);
      if (failure !== 'lost' && failure !== 'not_telegram') throw error;
      lastReason = timeout.aborted ? `no answer within ${Math.round(Math.min(ATTEMPT_MS, left) / 1000)} s` : describeCause(error).slice(0, 120);
      const waited = Math.round((Date.now() - startedAt) / 1000);
      logger.warn({ apiRoot, attempt, reason: lastReason }, `still trying to reach Telegram at ${apiRoot} (${waited} s so far: ${lastReason})`);
    }
    const pause = Math.min(1_000 * attempt, 5_000, limitMs - (Date.now() - startedAt));
    // An abort ends the pause early; the loop then sees the signal and stops.
    if (pause > 0) await delay(pause, undefined, { signal: options.signal }).catch(() => undefined);
  }
  throw new StartupError(
    `Could not reach the Telegram Bot API at ${apiRoot} within ${Math.round(limitMs / 1000)} s (${lastReason}). ` +
      'Check the network and any firewall or proxy, and TELEGRAM_API_ROOT if you set it.',
  );
}

/**
 * One `GET /sessions` with the configured key. A refused key or an address that is not the Wasend API stops the
 * start with a {@link StartupError}; Wasend being down or slow only warns (the bot starts, and works once it is back).
 * Resolves with how many sessions Wasend listed, or undefined when it could not tell.
 */
export async function checkWasend(
  wasend: Pick<WasendApi, 'listSessions'>,
  baseUrl: string,
  logger: Pick<LogSink, 'warn' | 'info'>,
  gateway: Gateway = GATEWAYS.wasend,
  apiKey?: string,
  fetchImpl: typeof fetch = fetch,
): Promise<number | undefined> {
  const { label } = gateway;
  try {
    const sessions = await wasend.listSessions({ lane: 'person', signal: AbortSignal.timeout(WASEND_CHECK_MS) });
    logger.info({ baseUrl, gateway: gateway.name, sessions: sessions.length }, `${label} answered with the configured key`);
    return sessions.length;
  } catch (error) {
    if (error instanceof WasendAuthError) throw new StartupError(gateway.refusedKey(baseUrl, error.status));
    // Evolution 2.4: every route answers 503 LICENSE_REQUIRED until the instance is registered (its message names where).
    if (error instanceof WasendApiError && error.status === 503 && /activat|licen[cs]e/i.test(error.serverMessage ?? '')) {
      throw new StartupError(`${label} at ${baseUrl} is not activated (503 LICENSE_REQUIRED): ${error.serverMessage ?? ''}`);
    }
    if (error instanceof WasendNotFoundError || error instanceof WasendInvalidResponseError) {
      const other = apiKey === undefined ? undefined : await looksLike(baseUrl, apiKey, gateway, fetchImpl);
      const hint =
        other !== undefined
          ? `It answers like ${other.label}: set GATEWAY=${other.name}.`
          : gateway.name === 'wasend'
            ? 'Check WASEND_BASE_URL (for Wasend itself: https://api.wasend.dev, no /api or /v1).'
            : 'Check GATEWAY_URL (the address WAHA listens on, like http://localhost:3000, without /api).';
      throw new StartupError(
        `${baseUrl} does not answer like the ${label} API (GET ${gateway.probe.path.split('?')[0]}: ${error instanceof WasendNotFoundError ? '404 Not Found' : 'an answer that is not a session list'}). ${hint}`,
      );
    }
    const reason = error instanceof WasendError ? error.message : describeCause(error).slice(0, 120);
    logger.warn({ baseUrl, reason }, `${label} at ${baseUrl} is not answering right now; starting anyway, and QR codes work once it is back`);
    return undefined;
  }
}

/** Which other gateway answers at `baseUrl` (its probe gets a session list or its own refusal), if one does. */
async function looksLike(baseUrl: string, apiKey: string, configured: Gateway, fetchImpl: typeof fetch): Promise<Gateway | undefined> {
  for (const other of Object.values(GATEWAYS)) {
    if (other.name === configured.name) continue;
    try {
      const response = await fetchImpl(baseUrl + other.probe.path, {
        headers: { accept: 'application/json', ...other.probe.headers(apiKey) },
        signal: AbortSignal.timeout(3_000),
      });
      const body: unknown = await response.json().catch(() => undefined);
      const isList = Array.isArray(body) || (typeof body === 'object' && body !== null && Array.isArray((body as { sessions?: unknown }).sessions));
      if (response.ok && isList) return other;
    } catch {
      // Nothing answers there: not this one.
    }
  }
  return undefined;
}
