import { isRecord } from '../shared/is-record.js';
import {
  WasendApiError,
  WasendInvalidResponseError,
  WasendNetworkError,
  WasendNotFoundError,
  WasendNotOfferedError,
  WasendRateLimitError,
  WasendServerError,
  WasendTimeoutError,
} from './errors.js';

/** Small pieces of the gateway HTTP: how answers and options are read, the same for every gateway. */

export type Method = 'GET' | 'POST' | 'DELETE';
const SERVER_MESSAGE_CHARS = 200;

/**
 * A 404 from the router rather than from the session lookup: an HTML page, an empty body, or the
 * `Cannot GET /...` of Express and NestJS. A missing session answers JSON naming the session.
 */
export function isRouteMissing(error: unknown): error is WasendNotFoundError {
  if (!(error instanceof WasendNotFoundError)) return false;
  const message = error.serverMessage;
  return message === undefined || message.startsWith('<') || /^Cannot [A-Z]+ \//.test(message);
}

/**
 * The server has no such endpoint: a router 404 (not a JSON "session not found"), 405 or 501. Returns the error
 * to throw instead, or undefined when `error` means something else.
 */
export function notOffered(error: unknown): WasendNotOfferedError | undefined {
  const routeMissing = isRouteMissing(error);
  if (!routeMissing && !(error instanceof WasendApiError && (error.status === 405 || error.status === 501))) return undefined;
  const { method, path, status } = error;
  return new WasendNotOfferedError({ method, path, status });
}

/** A passkey confirmation code as WhatsApp shows it (`1234`): what `getPasskeyConfirmation` and a webhook accept. */
export const PASSKEY_CODE = /^[A-Z0-9 -]{2,16}$/i;

/** `value` as a code when it is a string of `shape` (trimmed, upper-cased), else undefined. */
export function asCode(value: unknown, shape: RegExp): string | undefined {
  if (typeof value !== 'string') return undefined;
  const code = value.trim();
  return shape.test(code) ? code.toUpperCase() : undefined;
}

/** The `code` of `{ code }` (or `{ data: { code } }`) when it matches `shape`; its text never goes into an error. */
export function readCode(answer: { json: unknown; status: number }, method: Method, path: string, shape: RegExp): string {
  const { json, status } = answer;
  const source = isRecord(json) && isRecord(json.data) ? json.data : json;
  const code = asCode(isRecord(source) ? source.code : undefined, shape);
  if (code !== undefined) return code;
  throw new WasendInvalidResponseError({ method, path, status, reason: 'schema', detail: 'expected { "code": "..." } in a known form' });
}

/** First message string of an error body (`message` or `response.message`, string or array; `error` string, `error.message`), else its text. */
export function extractServerMessage(body: Buffer, scrub: (text: string) => string): string | undefined {
  const text = body.toString('utf8');
  let found: string | undefined;
  try {
    const json: unknown = JSON.parse(text);
    if (isRecord(json)) {
      // Evolution puts it one level down: `{status, error, response: {message}}`.
      const { message, error } =
        isRecord(json.response) && json.response.message !== undefined ? { message: json.response.message, error: json.error } : json;
      if (typeof message === 'string') found = message;
      else if (Array.isArray(message) && message.some((part) => typeof part === 'string')) {
        found = message.filter((part): part is string => typeof part === 'string').join('; ');
      } else if (typeof error === 'string') found = error;
      else if (isRecord(error) && typeof error.message === 'string') found = error.message;
    }
  } catch {
    // not JSON: the raw text below
  }
  const oneLine = scrub(found ?? text)
    .replace(/\s+/g, ' ')
    .trim();
  if (oneLine === '') return undefined;
  return oneLine.length > SERVER_MESSAGE_CHARS ? `${oneLine.slice(0, SERVER_MESSAGE_CHARS)}…` : oneLine;
}

/** `Retry-After` in seconds or as an HTTP date -> milliseconds from now (0 for a past date). */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (value === null) return undefined;
  const text = value.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

export async function discardBody(response: { discard(): Promise<void> }): Promise<Buffer> {
  await response.discard();
  return Buffer.alloc(0);
}

export function checkBaseUrl(baseUrl: string, client = 'createWasendClient', example = 'https://api.wasend.dev'): string {
  let url: URL | undefined;
  try {
    url = new URL(baseUrl);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:') || url.search || url.hash) {
    throw new TypeError(`${client}: baseUrl must be an http(s) URL such as ${example}`);
  }
  return baseUrl.replace(/\/+$/, '');
}

export function checkNumber(name: string, value: number | undefined, fallback: number, min: number, client = 'createWasendClient'): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value < min) {
    throw new TypeError(`${client}: ${name} must be a number >= ${min} (got ${value}); omit it for ${fallback}`);
  }
  return value;
}

/** How one gateway attempt ended, for metrics. */
export type AttemptOutcome = 'ok' | 'rate_limited' | 'client_error' | 'server_error' | 'network';

export function outcomeOf(error: unknown): AttemptOutcome {
  if (error instanceof WasendRateLimitError) return 'rate_limited';
  if (error instanceof WasendServerError) return 'server_error';
  if (error instanceof WasendNetworkError || error instanceof WasendTimeoutError) return 'network';
  return error instanceof WasendApiError ? 'client_error' : 'network';
}
