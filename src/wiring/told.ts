import { parseSessionId } from '../bot/args.js';
import { isSessionState, type SessionStatus } from '../wasend/types.js';

/** A session's status as one instance tells the others (`raw` cut to fit a notification). */
export interface ToldStatus {
  readonly kind: string;
  readonly sessionId: string;
  readonly status: SessionStatus;
}

/** What another instance broadcast, as a session status of `kind`; anything else (or malformed) is undefined. */
export function toldStatus(message: unknown, kind: string): ToldStatus | undefined {
  const told = message as { kind?: unknown; sessionId?: unknown; status?: { state?: unknown; raw?: unknown } } | null;
  if (told?.kind !== kind) return undefined;
  if (typeof told.sessionId !== 'string' || parseSessionId(told.sessionId) !== told.sessionId) return undefined;
  const state = told.status?.state;
  const raw = told.status?.raw;
  if (typeof state !== 'string' || !isSessionState(state) || typeof raw !== 'string') return undefined;
  return { kind, sessionId: told.sessionId, status: { state, raw } };
}

/** The message {@link toldStatus} reads. */
export function tellStatus(kind: string, sessionId: string, status: SessionStatus): ToldStatus {
  return { kind, sessionId, status: { state: status.state, raw: status.raw.slice(0, 64) } };
}
