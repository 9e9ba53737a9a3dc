import { GrammyError, HttpError } from 'grammy';

/**
 * What a failed Bot API call means, the one place that reads Telegram's error codes and descriptions:
 * - `lost`: the request went out and no clear answer came back (the wire failed, or a 5xx): it may have been done
 * - `not_modified`: an edit that would change nothing
 * - `gone`: the message or chat cannot be reached any more (403: blocked, kicked, deactivated; deleted messages)
 * - `bad_file`: a file id or media Telegram does not accept
 * - `stale_query`: a button press too old to answer
 * - `conflict`: 409, another `getUpdates` or a webhook is set
 * - `unauthorized`: 401 or 404 for the bot itself: the token is wrong
 * - `refused`: any other definite refusal (400, a 429 past its retries): nothing was done
 * - `not_telegram`: not an answer from Telegram at all
 */
export type TelegramFailure =
  'lost' | 'not_modified' | 'gone' | 'bad_file' | 'stale_query' | 'conflict' | 'unauthorized' | 'refused' | 'not_telegram';

/** Descriptions Telegram sends when the message or chat cannot be edited or written to any more. */
const GONE = [
  'message to edit not found',
  "message can't be edited",
  'message_id_invalid',
  'chat not found',
  'bot was blocked',
  'bot was kicked',
  'user is deactivated',
  'have no rights to send',
];

/** Classifies an error thrown by a grammY `Api` call. */
export function classifyTelegramError(error: unknown): TelegramFailure {
  if (error instanceof HttpError) return 'lost';
  if (!(error instanceof GrammyError)) return 'not_telegram';
  return classifyTelegramAnswer(error.error_code, error.description);
}

/** Classifies an answer with `ok: false` (a Bot API written by others may leave `description` out). */
export function classifyTelegramAnswer(code: number, description: string | undefined): TelegramFailure {
  const text = (description ?? '').toLowerCase();
  if (code >= 500) return 'lost';
  if (code === 401 || code === 404) return 'unauthorized';
  if (code === 409) return 'conflict';
  if (code === 403) return 'gone';
  if (text.includes('message is not modified')) return 'not_modified';
  if (/query is too old|query id is invalid/.test(text)) return 'stale_query';
  if (GONE.some((gone) => text.includes(gone))) return 'gone';
  if (code === 400 && /file|wrong remote|media/.test(text)) return 'bad_file';
  return 'refused';
}
