import type { OpenOutcome } from '../live/types.js';
import type { RelinkWalk } from '../store/types.js';

/**
 * A `/relink` walk as a pure reducer: `reduceWalk(walk, event) -> { walk, effects }`. The walk is the stored row
 * (plain data); the runner (`relink.ts`) writes a changed walk with a compare-and-set on its position, then performs
 * the effects, and feeds what they bring back (`opened`) in as events.
 */
export type WalkEvent =
  /** The session shown now is linked (the view Telegram took, or the stored message says so). */
  | { readonly type: 'linked'; readonly sessionId: string }
  /** The step's message was cancelled from outside the walk (/cancel, a revoke). */
  | { readonly type: 'cancelled'; readonly sessionId: string }
  | { readonly type: 'skip' }
  | { readonly type: 'stop' }
  | { readonly type: 'retry' }
  /** A new `/relink` in the chat takes over. */
  | { readonly type: 'replaced' }
  /** What opening the session's live message came to. */
  | { readonly type: 'opened'; readonly sessionId: string; readonly outcome: OpenOutcome };

export type WalkEffect =
  /** Open the session's live message (the messenger draws it in the walk's message). */
  | { readonly type: 'show'; readonly sessionId: string }
  /** End the live message the walk shows now (before it moves on or stops). */
  | { readonly type: 'end_shown' }
  /** Say in the walk's message why the step shows no code, with Try again, Skip and Stop. */
  | { readonly type: 'stuck'; readonly outcome: OpenOutcome }
  /** Say how the walk ended: what was linked, what was skipped, and (stopped) what it did not reach. */
  | { readonly type: 'finish'; readonly how: 'done' | 'stopped' | 'replaced' };

export interface WalkStepResult {
  readonly walk: RelinkWalk;
  readonly effects: readonly WalkEffect[];
}

/** The session the walk shows now (undefined once past its last). */
export const currentSession = (walk: RelinkWalk): string | undefined => walk.sessions[walk.position];

export function reduceWalk(walk: RelinkWalk, event: WalkEvent): WalkStepResult {
  const unchanged: WalkStepResult = { walk, effects: [] };
  const sessionId = currentSession(walk);
  if (walk.state !== 'active' || sessionId === undefined) return unchanged;
  switch (event.type) {
    case 'linked':
      return event.sessionId === sessionId ? moveOn(walk, sessionId, 'linked', []) : unchanged;
    case 'cancelled':
      return event.sessionId === sessionId ? stop(walk, 'stopped', []) : unchanged;
    case 'skip':
      return moveOn(walk, sessionId, 'skipped', [{ type: 'end_shown' }]);
    case 'stop':
      return stop(walk, 'stopped', [{ type: 'end_shown' }]);
    case 'replaced':
      return stop(walk, 'replaced', [{ type: 'end_shown' }]);
    case 'retry':
      return { walk, effects: [{ type: 'show', sessionId }] };
    case 'opened':
      return event.sessionId === sessionId ? opened(walk, sessionId, event.outcome) : unchanged;
  }
}

function opened(walk: RelinkWalk, sessionId: string, outcome: OpenOutcome): WalkStepResult {
  switch (outcome.kind) {
    case 'sent':
      return { walk: outcome.messageId === walk.messageId ? walk : { ...walk, messageId: outcome.messageId }, effects: [] };
    // Linked meanwhile: it counts as linked. Gone, or no longer allowed: skipped.
    case 'already_connected':
      return moveOn(walk, sessionId, 'linked', []);
    case 'not_found':
    case 'refused':
      return moveOn(walk, sessionId, 'skipped', []);
    // /cancel while the step waited for its code: the walk stops, as when /cancel ends a code shown.
    case 'cancelled':
      return stop(walk, 'stopped', []);
    default:
      return { walk, effects: [{ type: 'stuck', outcome }] };
  }
}

function moveOn(walk: RelinkWalk, sessionId: string, outcome: 'linked' | 'skipped', first: WalkEffect[]): WalkStepResult {
  const position = walk.position + 1;
  const done = position >= walk.sessions.length;
  const next: RelinkWalk = {
    ...walk,
    position,
    ...(outcome === 'linked' ? { linked: [...walk.linked, sessionId] } : { skipped: [...walk.skipped, sessionId] }),
    ...(done ? { state: 'done' as const } : {}),
  };
  const then: WalkEffect = done ? { type: 'finish', how: 'done' } : { type: 'show', sessionId: next.sessions[position] as string };
  return { walk: next, effects: [...first, then] };
}

function stop(walk: RelinkWalk, how: 'stopped' | 'replaced', first: WalkEffect[]): WalkStepResult {
  return { walk: { ...walk, state: 'stopped' }, effects: [...first, { type: 'finish', how }] };
}
