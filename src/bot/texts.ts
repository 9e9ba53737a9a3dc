import type { Translate } from '../i18n/catalogue.js';
import type { OpenOutcome } from '../live/types.js';
import type { SessionStatus } from '../wasend/types.js';
import type { Access } from './context.js';

/** Telegram's limit is 4096; stay clear of it. */
const MAX_TEXT_LENGTH = 3800;

/** The user-facing answer to one `/qr` or `/pair` outcome; `undefined` when the photo itself is the answer. */
export function outcomeText(t: Translate, outcome: OpenOutcome, sessionId: string, label = sessionId): string | undefined {
  const session = label;
  switch (outcome.kind) {
    case 'sent':
    case 'cancelled':
      return undefined;
    case 'already_connected':
      return t('outcome-already-connected', { session });
    case 'not_found':
      return t('outcome-not-found', { session });
    case 'no_code':
      return t('outcome-no-code', { session });
    case 'refused':
      return t('outcome-refused', { session });
    case 'too_many':
      return t('outcome-too-many', { limit: outcome.limit });
    case 'pairing_wait':
      return t('outcome-pairing-wait', { session, seconds: Math.max(1, Math.ceil((outcome.retryAt - Date.now()) / 1000)) });
    case 'pairing_not_offered':
      return t('outcome-pairing-not-offered');
    case 'photo_refused':
      // Telegram said no for good: nothing was sent, and its reason says why.
      return outcome.reason === ''
        ? t('outcome-photo-refused-plain', { id: sessionId })
        : t('outcome-photo-refused', { id: sessionId, reason: outcome.reason });
    case 'unavailable':
      switch (outcome.reason) {
        case 'rate_limited':
          return t('outcome-rate-limited');
        case 'down':
          return t('outcome-down');
        case 'busy':
          // Several instances: the one keeping the session did not hand it over in time.
          return t('outcome-busy', { session });
        case 'auth':
          return t('outcome-auth');
        case 'invalid_response':
          return t('outcome-invalid-response');
        case 'access_unknown':
          // The store did not answer the access check: nothing was sent.
          return t('access-unknown');
        case 'telegram':
          // The photo may have arrived (a lost answer) or not; resending blindly could show two codes.
          return t('outcome-telegram', { id: sessionId });
      }
  }
}

export function statusText(t: Translate, status: SessionStatus): string {
  switch (status.state) {
    case 'connected':
      return t('status-connected');
    case 'awaiting_scan':
      return t('status-awaiting-scan');
    case 'starting':
      return t('status-starting');
    case 'stopped':
      return t('status-stopped');
    case 'failed':
      return t('status-failed');
    case 'passkey_required':
      return t('status-passkey-required');
    case 'passkey_confirmation':
      return t('status-passkey-confirmation');
    case 'unknown':
      return t('status-unknown', { raw: status.raw.slice(0, 40) });
  }
}

/** `/help`: what this person may do, the same split as the README's command table. */
export function helpText(t: Translate, access: Access, label: (sessionId: string) => string = (id) => id): string {
  const parts = [t('help-intro'), '', t('help-user')];
  if (access.isAdmin) parts.push('', t('help-admin'));
  // Named as captions name them: "Shop front desk (shop)".
  else if (access.granted.length > 0) parts.push('', t('help-your-sessions', { sessions: access.granted.map(label).join(', ') }));
  return parts.join('\n');
}

/** Joins lines, cutting off with a count when the text would exceed Telegram's message limit. */
export function joinLimited(lines: readonly string[], t: Translate): string {
  let length = 0;
  for (let i = 0; i < lines.length; i++) {
    length += (lines[i]?.length ?? 0) + 1;
    if (length > MAX_TEXT_LENGTH) return [...lines.slice(0, i), t('more-lines', { count: lines.length - i })].join('\n');
  }
  return lines.join('\n');
}
