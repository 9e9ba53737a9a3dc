import { createHash, timingSafeEqual } from 'node:crypto';
import { isRecord } from '../shared/is-record.js';
import type { LogSink } from '../shared/logger.js';
import { singleHeader, UNAUTHORIZED, type WebhookOutcome, type WebhookRequest } from './types.js';
import type { PushResult } from '../telegram/update-queue.js';

/** Options of {@link createTelegramWebhookHandler}. */
export interface TelegramWebhookOptions {
  /** The `secret_token` given to `setWebhook` (secret). */
  readonly secret: string;
  /**
   * Takes each update (queue it, handle it after the answer): `full` answers 503 so that Telegram delivers
   * it again later; `duplicate` (a redelivery) answers 200 and does nothing more.
   */
  readonly onUpdate: (update: unknown) => PushResult | Promise<PushResult>;
  readonly logger: LogSink;
}

const digest = (value: string): Buffer => createHash('sha256').update(value, 'utf8').digest();

/** Compares two strings in time that depends on neither's content (both are hashed to a fixed length first). */
export function secretsMatch(given: string | undefined, expected: string): boolean {
  if (given === undefined) return false;
  return timingSafeEqual(digest(given), digest(expected)) && given.length === expected.length;
}

/**
 * Handles Telegram's webhook POST: `X-Telegram-Bot-Api-Secret-Token` must equal the secret (401 otherwise), the
 * body must be a JSON object (400 otherwise); then it hands the update to `onUpdate` (a queue that starts the work
 * after the answer) and answers 200, or 503 when the queue is full.
 *
 * Trade-off: grammY's own `webhookCallback` keeps the request open until the middleware finishes, so Telegram
 * redelivers an update whose handling crashed. Our handlers can wait tens of seconds (a first QR code), longer than
 * Telegram waits, and a slow answer makes Telegram resend and back off for the whole bot. So we answer first: an
 * update is lost if the process dies between answering and handling it.
 */
export function createTelegramWebhookHandler(options: TelegramWebhookOptions): (request: WebhookRequest) => Promise<WebhookOutcome> {
  const { secret, onUpdate, logger } = options;
  return async ({ headers, body }) => {
    if (!secretsMatch(singleHeader(headers, 'x-telegram-bot-api-secret-token'), secret)) {
      logger.warn({ reason: 'bad secret token' }, 'telegram webhook refused');
      return UNAUTHORIZED;
    }
    let update: unknown;
    try {
      update = JSON.parse(body.toString('utf8'));
    } catch {
      update = undefined;
    }
    if (!isRecord(update)) {
      logger.warn({ reason: 'body is not a JSON object' }, 'telegram webhook refused');
      return { status: 400, body: { error: 'bad_request' } };
    }
    let result: PushResult;
    try {
      result = await onUpdate(update);
    } catch (error) {
      // Not recorded (the database did not answer): Telegram must deliver it again, here or to another instance.
      logger.error({ err: error }, 'telegram webhook: could not record the update; asking Telegram to retry');
      return { status: 503, body: { error: 'busy' } };
    }
    if (result === 'full') return { status: 503, body: { error: 'busy' } };
    return { status: 200, body: { ok: true } };
  };
}
