/**
 * One live QR message as a pure state machine: `reduce(state, event, context) -> { state, effects }`.
 * It never awaits and never touches Telegram, Wasend or the store: the effect runner does that and feeds
 * the answers back as events. See "How the live engine works" in the README.
 */
import type { LiveMessage } from '../store/types.js';
import type { CodeFace, QrView } from './types.js';

/** A view that ends a live message; its kind is also the state the store keeps. */
export type FinalView = Extract<QrView, { kind: 'connected' | 'expired' | 'cancelled' | 'retired' }>;

/** What Telegram answered to one edit (`failed`: a transient error, worth another try). */
export type EditResult = 'ok' | 'not_modified' | 'gone' | 'failed';

/** A code as a message shows it (rendered once, shared by every message of the session). */
export interface CodeShow {
  readonly sessionId: string;
  readonly fingerprint: string;
  readonly png: Buffer;
  /** Best known expiry (epoch ms), or null. */
  readonly expiresAt: number | null;
  /** True when `expiresAt` is our estimate from WAHA's schedule rather than Wasend's word. */
  readonly estimated: boolean;
  /** Absent: the QR in `png`. Other faces carry an empty `png` (the messenger draws them). */
  readonly face?: CodeFace;
  /** Position of a QR in WhatsApp's series of six, when known. */
  readonly seriesIndex?: number | null;
}

export type MessageState =
  /** Shows a code; `wanted` is the newest code of the session, `editing` the code edit in flight. */
  | {
      readonly kind: 'showing';
      readonly seq: number;
      readonly shown: string | null;
      readonly codeNumber: number;
      readonly wanted: CodeShow | null;
      readonly editing: { readonly seq: number; readonly code: CodeShow } | null;
      readonly failures: number;
      readonly retryPending: boolean;
    }
  /**
   * Must show `view` (no code). `finalSeq` is the final edit in flight, `codeSeq` a code edit sent before it
   * that may still land after it; `since` is the first refusal (null while none).
   */
  | {
      readonly kind: 'final_pending';
      readonly seq: number;
      readonly view: FinalView;
      readonly finalSeq: number | null;
      readonly codeSeq: number | null;
      /** The final edit was taken while `codeSeq` was still unanswered. */
      readonly landed: boolean;
      /** A code edit landed while the final edit was in flight: put the final view once more after it. */
      readonly reput: boolean;
      readonly since: number | null;
      readonly tries: number;
    }
  | { readonly kind: 'final'; readonly seq: number; readonly view: FinalView }
  | { readonly kind: 'gone'; readonly seq: number };

export type MessageEvent =
  /** The session shows this code now. */
  | { readonly type: 'code'; readonly code: CodeShow }
  /** The message must stop showing a code (linked, expired, cancelled, replaced by a newer message). */
  | { readonly type: 'end'; readonly view: FinalView }
  /** Telegram answered the edit `seq`. */
  | { readonly type: 'edited'; readonly seq: number; readonly result: EditResult }
  /** A retry timer fired, or a person asked to try again now. */
  | { readonly type: 'retry' }
  /** "New QR": show this fresh code as code 1 of a new series, whatever the message shows now. */
  | { readonly type: 'renew'; readonly code: CodeShow };

type StorePatch = Partial<Pick<LiveMessage, 'state' | 'fingerprint' | 'expiresAt' | 'expiredReason' | 'finalEditSince' | 'seriesIndex'>>;

export type MessageEffect =
  | { readonly type: 'edit'; readonly seq: number; readonly view: QrView }
  | { readonly type: 'persist'; readonly patch: StorePatch }
  /** Deliver a `retry` event at `at`. */
  | { readonly type: 'retry_at'; readonly at: number }
  /** The message needs no more codes: stop feeding it the session's. */
  | { readonly type: 'release' }
  | { readonly type: 'gave_up'; readonly tries: number; readonly sinceMs: number };

export interface ReduceContext {
  readonly now: number;
  /** First pause after a refused edit, in ms; doubled per refusal up to {@link MAX_RETRY_MS}. */
  readonly retryBaseMs: number;
  /** A final view still refused this long after the first refusal is given up (with a warning). */
  readonly giveUpMs: number;
}

export interface Reduced {
  readonly state: MessageState;
  readonly effects: readonly MessageEffect[];
}

/** Longest pause between two tries of a refused edit. */
export const MAX_RETRY_MS = 60_000;

/** A message that was just sent showing `fingerprint` as its first code. */
export function showingState(fingerprint: string | null, seq = 0): MessageState {
  return { kind: 'showing', seq, shown: fingerprint, codeNumber: 1, wanted: null, editing: null, failures: 0, retryPending: false };
}

/** A message whose final view a previous run could not show (`since`: its first refusal). */
export function pendingFinalState(view: FinalView, since: number): MessageState {
  return { kind: 'final_pending', seq: 0, view, finalSeq: null, codeSeq: null, landed: false, reput: false, since, tries: 0 };
}

/** The final view a stored row asks for, or undefined when its state is not one. */
export function finalViewOf(row: Pick<LiveMessage, 'sessionId' | 'state' | 'expiredReason' | 'pairing'>): FinalView | undefined {
  const { sessionId, state } = row;
  if (state === 'expired') {
    return { kind: 'expired', sessionId, reason: row.expiredReason ?? 'timed_out', ...(row.pairing ? { pairing: true } : {}) };
  }
  if (state === 'connected' || state === 'cancelled' || state === 'retired') return { kind: state, sessionId };
  return undefined;
}

export function retryDelayMs(tries: number, baseMs: number): number {
  return Math.min(baseMs * 2 ** Math.max(0, tries - 1), Math.max(MAX_RETRY_MS, baseMs));
}

/** The view of a code as the `codeNumber`-th one a message shows. */
export function codeView(code: CodeShow, codeNumber: number): QrView {
  return {
    kind: 'code',
    sessionId: code.sessionId,
    png: code.png,
    fingerprint: code.fingerprint,
    expiresAt: code.expiresAt,
    ...(code.estimated ? { estimated: true } : {}),
    codeNumber,
    ...(code.seriesIndex != null ? { seriesIndex: code.seriesIndex } : {}),
    ...(code.face !== undefined ? { face: code.face } : {}),
  };
}

const finalPatch = (view: FinalView, finalEditSince: number | null): StorePatch => ({
  state: view.kind,
  expiredReason: view.kind === 'expired' ? view.reason : null,
  finalEditSince,
});

const same = (state: MessageState): Reduced => ({ state, effects: [] });

export function reduce(state: MessageState, event: MessageEvent, ctx: ReduceContext): Reduced {
  if (event.type === 'renew' && state.kind !== 'gone') return renew(state, event.code);
  switch (state.kind) {
    case 'showing':
      return reduceShowing(state, event, ctx);
    case 'final_pending':
      return reducePending(state, event, ctx);
    default:
      return same(state);
  }
}

function renew(state: MessageState, code: CodeShow): Reduced {
  const seq = state.seq + 1;
  const next: MessageState = {
    kind: 'showing',
    seq,
    shown: null,
    codeNumber: 0,
    wanted: code,
    editing: { seq, code },
    failures: 0,
    retryPending: false,
  };
  return { state: next, effects: [{ type: 'edit', seq, view: codeView(code, 1) }] };
}

type Showing = Extract<MessageState, { kind: 'showing' }>;
type Pending = Extract<MessageState, { kind: 'final_pending' }>;

/** Starts the edit to the wanted code when none is in flight, no retry is waiting and it is not shown yet. */
function drive(state: Showing): Reduced {
  const { wanted } = state;
  if (state.editing !== null || state.retryPending || wanted === null || wanted.fingerprint === state.shown) return same(state);
  const seq = state.seq + 1;
  return {
    state: { ...state, seq, editing: { seq, code: wanted } },
    effects: [{ type: 'edit', seq, view: codeView(wanted, state.codeNumber + 1) }],
  };
}

function reduceShowing(state: Showing, event: MessageEvent, ctx: ReduceContext): Reduced {
  switch (event.type) {
    case 'code':
      return drive({ ...state, wanted: event.code });
    case 'retry':
      return drive({ ...state, retryPending: false });
    case 'end': {
      const seq = state.seq + 1;
      const next: Pending = {
        kind: 'final_pending',
        seq,
        view: event.view,
        finalSeq: seq,
        codeSeq: state.editing?.seq ?? null,
        landed: false,
        reput: false,
        since: null,
        tries: 0,
      };
      return { state: next, effects: [{ type: 'release' }, { type: 'edit', seq, view: event.view }] };
    }
    case 'edited':
      return codeEdited(state, event.seq, event.result, ctx);
    default:
      return same(state);
  }
}

function codeEdited(state: Showing, seq: number, result: EditResult, ctx: ReduceContext): Reduced {
  const { editing } = state;
  if (editing === null || editing.seq !== seq) return same(state);
  if (result === 'gone') {
    return { state: { kind: 'gone', seq: state.seq }, effects: [{ type: 'release' }, { type: 'persist', patch: { state: 'gone' } }] };
  }
  if (result === 'failed') {
    const failures = state.failures + 1;
    return {
      state: { ...state, editing: null, failures, retryPending: true },
      effects: [{ type: 'retry_at', at: ctx.now + retryDelayMs(failures, ctx.retryBaseMs) }],
    };
  }
  const shown: Showing = { ...state, editing: null, failures: 0, shown: editing.code.fingerprint, codeNumber: state.codeNumber + 1 };
  const persist: MessageEffect = {
    type: 'persist',
    patch: {
      state: 'showing',
      fingerprint: editing.code.fingerprint,
      expiresAt: editing.code.estimated ? null : editing.code.expiresAt,
      seriesIndex: editing.code.seriesIndex ?? null,
    },
  };
  const next = drive(shown);
  return { state: next.state, effects: [persist, ...next.effects] };
}

function putFinal(state: Pending): Reduced {
  const seq = state.seq + 1;
  return { state: { ...state, seq, finalSeq: seq, landed: false, reput: false }, effects: [{ type: 'edit', seq, view: state.view }] };
}

function settle(state: Pending): Reduced {
  return { state: { kind: 'final', seq: state.seq, view: state.view }, effects: [{ type: 'persist', patch: finalPatch(state.view, null) }] };
}

function reducePending(state: Pending, event: MessageEvent, ctx: ReduceContext): Reduced {
  if (event.type === 'retry') return state.finalSeq === null ? putFinal(state) : same(state);
  if (event.type !== 'edited') return same(state);
  if (event.seq === state.codeSeq) {
    // A code edit sent before the final one was answered: if it landed, it may have landed last.
    const next: Pending = { ...state, codeSeq: null };
    if (event.result === 'ok') return state.finalSeq === null ? putFinal(next) : same({ ...next, reput: true });
    return state.landed ? settle(next) : same(next);
  }
  if (event.seq !== state.finalSeq) return same(state);
  switch (event.result) {
    case 'gone':
      return { state: { kind: 'gone', seq: state.seq }, effects: [{ type: 'persist', patch: { state: 'gone', finalEditSince: null } }] };
    case 'failed':
      return refused(state, ctx);
    default:
      if (state.codeSeq !== null) {
        // Shown; the code edit still unanswered may land later, and then the view is put once more.
        return { state: { ...state, finalSeq: null, landed: true }, effects: [{ type: 'persist', patch: finalPatch(state.view, null) }] };
      }
      return state.reput ? putFinal(state) : settle(state);
  }
}

function refused(state: Pending, ctx: ReduceContext): Reduced {
  const since = state.since ?? ctx.now;
  const tries = state.tries + 1;
  if (ctx.now - since >= ctx.giveUpMs) {
    return {
      state: { kind: 'final', seq: state.seq, view: state.view },
      effects: [
        { type: 'persist', patch: finalPatch(state.view, null) },
        { type: 'gave_up', tries, sinceMs: ctx.now - since },
      ],
    };
  }
  const effects: MessageEffect[] = [{ type: 'retry_at', at: ctx.now + retryDelayMs(tries, ctx.retryBaseMs) }];
  if (state.since === null) effects.unshift({ type: 'persist', patch: finalPatch(state.view, since) });
  return { state: { ...state, finalSeq: null, landed: false, since, tries }, effects };
}
