import { createHmac, timingSafeEqual } from 'node:crypto';
import { isRecord } from '../shared/is-record.js';
import type { LogSink } from '../shared/logger.js';
import { isValidSessionId } from '../wasend/session-id.js';
import type { SessionStatus } from '../wasend/types.js';
import { singleHeader, UNAUTHORIZED, type WebhookOutcome, type WebhookRequest } from './types.js';
import type { WasendStatusEvent } from './wasend-webhook.js';

/** Options of {@link createEvolutionWebhookHandler}. */
export interface EvolutionWebhookOptions {
  /** The HS256 key of Evolution's webhook JWT (its `jwt_key` header), and the path secret. */
  readonly secret: string;
  /** False for the path-secret route, whose secret the router compared: no JWT then. Default true. */
  readonly signed?: boolean;
  readonly onEvent: (event: WasendStatusEvent) => void;
  readonly logger: LogSink;
  /** Default `Date.now`. */
  readonly now?: () => number;
}

/** True when `token` is an HS256 JWT signed with `key` and not expired (`exp`, seconds) at `now`. */
export function isValidEvolutionJwt(token: string | undefined, key: string, now: number): boolean {
  if (token === undefined) return false;
  const parts = token.split('.');
  if (parts.length !== 3) return false;
  const [head = '', body = '', signature = ''] = parts;
  let header: unknown;
  let claims: unknown;
  try {
    header = JSON.parse(Buffer.from(head, 'base64url').toString('utf8'));
    claims = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
  } catch {
    return false;
  }
  // Only the algorithm we asked for: a token that names another (or `none`) is refused.
  if (!isRecord(header) || header['alg'] !== 'HS256' || !isRecord(claims)) return false;
  const expected = createHmac('sha256', key).update(`${head}.${body}`).digest();
  const given = Buffer.from(signature, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return false;
  const exp = claims['exp'];
  return typeof exp === 'number' && exp * 1000 > now;
}

/** Evolution's states as hints: `open` linked, `connecting` showing codes, `close` and `refused` (the limit) stopped. */
function statusOf(event: string, data: Record<string, unknown>): SessionStatus | undefined {
  if (event === 'qrcode.updated') return { state: 'awaiting_scan', raw: 'connecting' };
  if (event !== 'connection.update') return undefined;
  const state = data['state'];
  if (state === 'open') return { state: 'connected', raw: 'open' };
  if (state === 'connecting') return { state: 'awaiting_scan', raw: 'connecting' };
  if (state === 'close') return { state: 'stopped', raw: 'close' };
  if (state === 'refused') return { state: 'failed', raw: 'refused' };
  return undefined;
}

/**
 * `POST /webhooks/evolution` (with `Authorization: Bearer <HS256 JWT>`, Evolution's `jwt_key`) and
 * `/webhooks/evolution/<secret>`. Evolution signs no body and sends no event id: what bounds a replay is that an
 * event only makes the bot look at the instance, at most once a second. `QRCODE_UPDATED` carries the QR itself, but
 * what a message shows always comes from the bot's own look: a signed event is still only a hint.
 */
export function createEvolutionWebhookHandler(options: EvolutionWebhookOptions): (request: WebhookRequest) => Promise<WebhookOutcome> {
  const { secret, onEvent, logger } = options;
  const now = options.now ?? Date.now;
  let refused = 0;
  const refuse = (outcome: WebhookOutcome, reason: string): WebhookOutcome => {
    if (refused++ % 100 === 0) logger.warn({ reason, refused }, 'evolution webhook refused');
    return outcome;
  };
  return async ({ headers, body }) => {
    if (options.signed !== false) {
      const bearer = /^Bearer (\S+)$/.exec(singleHeader(headers, 'authorization') ?? '')?.[1];
      if (!isValidEvolutionJwt(bearer, secret, now())) return refuse(UNAUTHORIZED, 'bad or expired JWT');
    }
    let event: unknown;
    try {
      event = JSON.parse(body.toString('utf8'));
    } catch {
      return refuse({ status: 400, body: { error: 'bad_request' } }, 'body is not JSON');
    }
    if (!isRecord(event) || typeof event['event'] !== 'string') return refuse({ status: 400, body: { error: 'bad_request' } }, 'not an event');
    const data = isRecord(event['data']) ? event['data'] : {};
    const sessionId = typeof event['instance'] === 'string' ? event['instance'] : data['instance'];
    const status = statusOf(event['event'].toLowerCase().replace('_', '.'), data);
    if (status === undefined) return { status: 202, body: { ok: true, ignored: true } };
    if (typeof sessionId !== 'string' || !isValidSessionId(sessionId))
      return refuse({ status: 400, body: { error: 'bad_request' } }, 'invalid instance');
    logger.debug({ sessionId, status: status.raw }, 'evolution webhook accepted');
    return { status: 200, body: { ok: true }, after: () => onEvent({ sessionId, status }) };
  };
}
