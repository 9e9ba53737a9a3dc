/** The session reducer's plain data: its state, the events it takes and the effects it asks for. */
import type { NormalizedQr, RequestLane, SessionState as GatewayState } from '../wasend/types.js';
import { initialCode, type CodeState, type ObservedTiming } from './code-state.js';
import type { FeedStatus } from './feed.js';
import type { FinalView } from './message.js';
import type { CodeLifetimes } from './schedule.js';

/** One live message of the session, as the session sees it. */
export interface Member {
  /** When it joined: a status learnt from a request sent before that says nothing about it. */
  readonly since: number;
  /** It ends as timed out then. */
  readonly deadlineAt: number;
  /** It shows a pairing code that lapses then (null: it shows the session's QR). */
  readonly pairingUntil: number | null;
}

/** WhatsApp's passkey step the session is in: `since` when first seen; a QR fetched after that means it moved on. */
export type PasskeyStep =
  | { readonly kind: 'required'; readonly since: number }
  | { readonly kind: 'confirm'; readonly since: number; readonly code: string | null; readonly fetching: boolean };

export interface SessionState {
  readonly id: string;
  readonly code: CodeState;
  readonly members: Readonly<Record<string, Member>>;
  /** When the armed timer fires (null: none armed). */
  readonly timerAt: number | null;
  readonly looking: boolean;
  /** A forced look was asked for while one was in flight: it runs as soon as that one is done. */
  readonly owedLook: RequestLane | null;
  readonly lastState: GatewayState | null;
  /** Last time the feed saw the session without a code to scan. */
  readonly lastNoScanAt: number | null;
  readonly passkey: PasskeyStep | null;
}

export interface SessionSettings {
  readonly pollIntervalMs: number;
}

export type LookFailure = 'budget' | 'connected' | 'not_found' | 'not_ready' | 'other';

export type SessionEvent =
  | {
      readonly type: 'attach';
      readonly key: string;
      readonly member: Member;
      readonly now: number;
      readonly stored?: { readonly fingerprint: string; readonly seriesIndex: number };
      readonly fetched?: { readonly qr: NormalizedQr; readonly at: number; readonly seenAt: number };
      readonly timing?: ObservedTiming;
      /** A forced look asked for before this message was watched, after its code was fetched. */
      readonly poked?: RequestLane;
    }
  | { readonly type: 'detach'; readonly key: string; readonly now: number }
  /** The member's deadline or pairing code changed: it is put right and the timer follows. */
  | { readonly type: 'changed'; readonly key: string; readonly member: Member; readonly now: number }
  /** The timer fired (`forced` absent) or someone asks for a look now on `forced`'s lane. */
  | { readonly type: 'wake'; readonly now: number; readonly forced?: RequestLane }
  | { readonly type: 'looked'; readonly qr: NormalizedQr; readonly at: number; readonly seenAt: number; readonly now: number }
  | {
      readonly type: 'look_failed';
      readonly failure: LookFailure;
      readonly at: number;
      readonly now: number;
      readonly retryInMs?: number;
      readonly retryAfterMs?: number;
      /** The error as a log shows it (plain data). */
      readonly detail?: Readonly<Record<string, unknown>>;
    }
  /** The messages were handed what the look found. */
  | { readonly type: 'look_done'; readonly now: number }
  | { readonly type: 'status'; readonly status: FeedStatus; readonly at: number; readonly now: number }
  /** A webhook carried the passkey confirmation code. */
  | { readonly type: 'passkey_code'; readonly code: string; readonly now: number }
  | { readonly type: 'passkey_fetched'; readonly since: number; readonly code: string | null; readonly now: number };

export type SessionEffect =
  | { readonly type: 'fetch_qr'; readonly lane: RequestLane; readonly notBefore: number }
  | { readonly type: 'fetch_passkey_code'; readonly since: number }
  /** Hand every showing message (or `only`) what it should show now; then feed `look_done` back when `thenDone`. */
  | { readonly type: 'show'; readonly only?: string; readonly thenDone?: boolean }
  | { readonly type: 'end'; readonly keys: readonly string[]; readonly view: FinalView }
  | { readonly type: 'arm'; readonly at: number }
  | { readonly type: 'disarm' }
  /** No message is left: the session is forgotten. */
  | { readonly type: 'forget' }
  | { readonly type: 'look_failed_log'; readonly retryInMs: number; readonly detail?: Readonly<Record<string, unknown>> };

export interface Reduced {
  readonly state: SessionState;
  readonly effects: readonly SessionEffect[];
}

export function initialSession(id: string, lifetimes?: CodeLifetimes): SessionState {
  return {
    id,
    code: initialCode(lifetimes),
    members: {},
    timerAt: null,
    looking: false,
    owedLook: null,
    lastState: null,
    lastNoScanAt: null,
    passkey: null,
  };
}
