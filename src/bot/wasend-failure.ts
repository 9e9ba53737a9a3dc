import type { Translate } from '../i18n/catalogue.js';
import {
  GatewaySessionLimitError,
  InvalidSessionIdError,
  WasendNotOfferedError,
  WasendAuthError,
  WasendError,
  WasendInvalidResponseError,
  WasendNotFoundError,
  WasendRateLimitError,
} from '../wasend/errors.js';

/** A one-line, secret-free explanation of a failed Wasend call, in the reader's language; other errors are rethrown. */
export function describeWasendFailure(error: unknown, t: Translate): string {
  if (error instanceof WasendNotFoundError) return t('failure-not-found');
  if (error instanceof WasendRateLimitError) return t('failure-rate-limited');
  if (error instanceof WasendAuthError) return t('failure-auth');
  if (error instanceof WasendInvalidResponseError) return t('failure-invalid-response');
  if (error instanceof InvalidSessionIdError) return t('failure-invalid-id');
  if (error instanceof GatewaySessionLimitError) return t('failure-session-limit');
  if (error instanceof WasendNotOfferedError) return t('failure-not-offered');
  if (error instanceof WasendError) return t('failure-down');
  throw error;
}
