import { createHmac, timingSafeEqual } from 'node:crypto';
import { isRecord } from '../shared/is-record.js';
import type { LogSink } from '../shared/logger.js';
import type { WebhookEventStore } from '../store/types.js';
import type { SessionStatus } from '../wasend/types.js';
import { isValidSessionId } from '../wasend/session-id.js';
import { asCode, PASSKEY_CODE } from '../wasend/client.js';
import { toSessionStatus } from '../wasend/status.js';
import { singleHeader, UNAUTHORIZED, type WebhookOutcome, type WebhookRequest } from './types.js';

/** An authenticated WAHA `session.status` event: a hint to look at the session, never the truth about it. */
export interface WasendStatusEvent {
  readonly sessionId: string;
  readonly status: SessionStatus;
  /** WAHA's event id (`evt_...`), or its `X-Webhook-Request-Id`, when the sender gave one. */
  readonly eventId?: string;
  /** When WAHA emitted the event, epoch ms, when the sender said. */
  readonly timestamp?: number;
  /** `payload.data.code` of a `PASSKEY_CONFIRMATION_REQUIRED` event (a secret: never logged). */
  readonly passkeyCode?: string;
}

/** Options of {@link createWasendWebhookHandler}. */
export interface WasendWebhookOptions {
  /** HMAC-SHA512 key shared with the gateway (secret). */
  readonly secret: string;
  /**
   * False for the path-secret route (`/webhooks/<gateway>/<secret>`), whose secret the router already compared:
   * the body then carries no signature. Default true: `X-Webhook-Hmac` must be right.
   */
  readonly signed?: boolean;
  /** Called after the answer was sent, once per accepted event. Its errors are logged. */
  readonly onEvent: (event: WasendStatusEvent) => void;
  readonly logger: LogSink;
  /** Default `Date.now`. */
  readonly now?: () => number;
  /** An event whose `timestamp` is further than this from now is refused, ms. Default 300000 (5 min). */
  readonly maxClockSkewMs?: number;
  /** How long event ids are remembered to refuse replays, ms. Default 600000 (10 min); keep it >= 2 x maxClockSkewMs. */
  readonly rememberIdsMs?: number;
  /** Most ids remembered at once (oldest forgotten first). Default 10000. */
  readonly maxRememberedIds?: number;
  /** Where accepted event ids are kept (the store: a replay is refused across restarts too). Default: in memory. */
  readonly seenIds?: WebhookEventStore;
}

const DEFAULT_MAX_CLOCK_SKEW_MS = 300_000;
const DEFAULT_REMEMBER_IDS_MS = 600_000;
const DEFAULT_MAX_REMEMBERED_IDS = 10_000;
const SHA512_HEX = /^[0-9a-f]{128}$/i;
const MAX_EVENT_ID_LENGTH = 200;
/** Below this a timestamp is read as seconds rather than ms (1e11 ms is March 1973). */
const SECONDS_THRESHOLD = 1e11;

/** True when `signatureHex` is the hex HMAC-SHA512 of exactly `body` under `secret`; constant time. */
export function isValidWasendSignature(body: Buffer, signatureHex: string | undefined, secret: string): boolean {
  if (signatureHex === undefined) return false;
  const given = signatureHex.trim();
  if (!SHA512_HEX.test(given)) return false;
  const expected = createHmac('sha512', secret).update(body).digest();
  return timingSafeEqual(Buffer.from(given, 'hex'), expected);
}

/** Remembers ids in memory for a fixed time, forgetting the oldest first when full. */
function createSeenIds(ttlMs: number, capacity: number): WebhookEventStore {
  const expiries = new Map<string, number>();
  const prune = (at: number): void => {
    // Insertion order is expiry order (one TTL for all), so expired ids sit at the front.
    for (const [id, expiresAt] of expiries) {
      if (expiresAt > at && expiries.size <= capacity) break;
      expiries.delete(id);
    }
  };
  return {
    async firstSeen(id: string, at: number): Promise<boolean> {
      prune(at);
      if (expiries.has(id)) return false;
      expiries.set(id, at + ttlMs);
      prune(at);
      return true;
    },
  };
}

/**
 * Handles `POST /webhooks/<gateway>` (signed) and `POST /webhooks/<gateway>/<secret>` (for senders that cannot
 * sign). In order: signature on the signed route (401 when `X-Webhook-Hmac` is missing, malformed or wrong, or
 * `X-Webhook-Hmac-Algorithm` is present and not sha512); JSON (400); events other than `session.status` get 202 and
 * are ignored; session id and status (400); then, when the sender gave them, a `timestamp` more than
 * `maxClockSkewMs` from now -> 401 and an `id` (else `X-Webhook-Request-Id`) already accepted -> 409. Neither is
 * required: WAHA before 2025.3 sends no timestamp and before late 2024 no id, and old WAHA sends the very same bytes
 * at every new code, so identical bodies are real signals. Nothing an event says is shown as such: it only makes
 * the bot look at the session (at most once a second per session), and what the gateway answers is what counts.
 */
export function createWasendWebhookHandler(options: WasendWebhookOptions): (request: WebhookRequest) => Promise<WebhookOutcome> {
  const { secret, onEvent, logger } = options;
  const now = options.now ?? Date.now;
  const maxClockSkewMs = options.maxClockSkewMs ?? DEFAULT_MAX_CLOCK_SKEW_MS;
  const rememberIdsMs = options.rememberIdsMs ?? DEFAULT_REMEMBER_IDS_MS;
  const seen = options.seenIds ?? createSeenIds(rememberIdsMs, options.maxRememberedIds ?? DEFAULT_MAX_REMEMBERED_IDS);
  let refused = 0;

  // The first refusal is logged, then one in a hundred: a flood of forged events cannot flood the log.
  const refuse = (outcome: WebhookOutcome, reason: string, details: object = {}): WebhookOutcome => {
    if (refused++ % 100 === 0) logger.warn({ reason, refused, ...details }, 'wasend webhook refused');
    return outcome;
  };
  const badRequest = (reason: string): WebhookOutcome => refuse({ status: 400, body: { error: 'bad_request' } }, reason);

  return async ({ headers, body }) => {
    if (options.signed !== false) {
      const algorithm = singleHeader(headers, 'x-webhook-hmac-algorithm');
      if (algorithm !== undefined && algorithm.trim().toLowerCase() !== 'sha512') return refuse(UNAUTHORIZED, 'unsupported algorithm');
      if (!isValidWasendSignature(body, singleHeader(headers, 'x-webhook-hmac'), secret)) return refuse(UNAUTHORIZED, 'bad signature');
    }

    let event: unknown;
    try {
      event = JSON.parse(body.toString('utf8'));
    } catch {
      return badRequest('body is not JSON');
    }
    if (!isRecord(event)) return badRequest('body is not a JSON object');
    if (event['event'] !== 'session.status') {
      logger.debug({ event: typeof event['event'] === 'string' ? event['event'].slice(0, 64) : null }, 'wasend webhook event ignored');
      return { status: 202, body: { ok: true, ignored: true } };
    }

    const payload = event['payload'];
    if (!isRecord(payload)) return badRequest('session.status without payload');
    const sessionId = typeof event['session'] === 'string' ? event['session'] : payload['name'];
    if (typeof sessionId !== 'string' || !isValidSessionId(sessionId)) return badRequest('invalid session id');
    if (typeof payload['status'] !== 'string') return badRequest('session.status without status');
    const status = toSessionStatus(payload['status']);

    const rawId = event['id'] ?? singleHeader(headers, 'x-webhook-request-id');
    if (rawId !== undefined && (typeof rawId !== 'string' || rawId === '' || rawId.length > MAX_EVENT_ID_LENGTH))
      return badRequest('invalid event id');
    const rawTimestamp = event['timestamp'];
    if (rawTimestamp !== undefined && (typeof rawTimestamp !== 'number' || !Number.isFinite(rawTimestamp) || rawTimestamp <= 0))
      return badRequest('invalid timestamp');
    const timestamp = rawTimestamp === undefined ? undefined : rawTimestamp < SECONDS_THRESHOLD ? rawTimestamp * 1000 : rawTimestamp;

    const at = now();
    if (timestamp !== undefined && Math.abs(at - timestamp) > maxClockSkewMs) {
      return refuse(UNAUTHORIZED, 'timestamp outside the window', { skewS: Math.round((at - timestamp) / 1000) });
    }
    if (rawId !== undefined) {
      let first: boolean;
      try {
        first = await seen.firstSeen(rawId, at, rememberIdsMs);
      } catch (error) {
        logger.error({ err: error }, 'wasend webhook: could not check the event id; asking the sender to retry');
        return { status: 503, body: { error: 'unavailable' } };
      }
      if (!first) return refuse({ status: 409, body: { error: 'duplicate' } }, 'event id already seen');
    }

    const data = payload['data'];
    const passkeyCode = status.state === 'passkey_confirmation' && isRecord(data) ? asCode(data['code'], PASSKEY_CODE) : undefined;
    const accepted: WasendStatusEvent = {
      sessionId,
      status,
      ...(rawId !== undefined ? { eventId: rawId } : {}),
      ...(timestamp !== undefined ? { timestamp } : {}),
      ...(passkeyCode !== undefined ? { passkeyCode } : {}),
    };
    logger.debug({ sessionId, status: status.raw }, 'wasend webhook accepted');
    return { status: 200, body: { ok: true }, after: () => onEvent(accepted) };
  };
}
