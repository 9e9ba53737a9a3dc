import { isValidSessionId } from '../wasend/session-id.js';

/** Longest argument text a command accepts, in characters; anything longer is a usage error. */
export const MAX_ARGS_LENGTH = 300;

/** Splits a command's argument text; `undefined` when it is too long to be meant. */
export function splitArgs(match: string): string[] | undefined {
  if (match.length > MAX_ARGS_LENGTH) return undefined;
  const trimmed = match.trim();
  return trimmed === '' ? [] : trimmed.split(/\s+/);
}

/** A Telegram user id: a positive integer of at most 16 digits (like ADMIN_IDS). */
export function parseUserId(text: string): number | undefined {
  if (!/^[1-9]\d{0,15}$/.test(text)) return undefined;
  const id = Number(text);
  return Number.isSafeInteger(id) ? id : undefined;
}

/** A session id that may be sent to Wasend; `undefined` otherwise. */
export function parseSessionId(text: string | undefined): string | undefined {
  return text !== undefined && isValidSessionId(text) ? text : undefined;
}

/** Invite tokens are base64url; Telegram deep-link payloads are at most 64 characters of `A-Za-z0-9_-`. */
export function isPlausibleInviteToken(text: string): boolean {
  return /^[A-Za-z0-9_-]{8,64}$/.test(text);
}
