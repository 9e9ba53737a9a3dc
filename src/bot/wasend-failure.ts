import {
  InvalidSessionIdError,
  WasendAuthError,
  WasendError,
  WasendInvalidResponseError,
  WasendNotFoundError,
  WasendRateLimitError,
} from '../wasend/errors.js';

/** A one-line, secret-free explanation of a failed Wasend call; other errors are rethrown. */
export function describeWasendFailure(error: unknown): string {
  if (error instanceof WasendNotFoundError) return 'not found on Wasend';
  if (error instanceof WasendRateLimitError) return 'Wasend is rate limiting us, try again in a minute';
  if (error instanceof WasendAuthError) return "Wasend refused the bot's API key, please tell an admin";
  if (error instanceof WasendInvalidResponseError) return 'Wasend sent an answer I could not read, try again in a minute';
  if (error instanceof InvalidSessionIdError) return 'not a valid session id';
  if (error instanceof WasendError) return 'Wasend is unreachable right now, try again in a minute';
  throw error;
}
