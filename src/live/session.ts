/**
 * The session half of the live engine as a pure reducer: one state per session with live messages (what code it
 * shows, its passkey step, the look in flight, the timer), events in, effects out. `session-runner.ts` performs the
 * effects and feeds their results back as events. Never awaits, never reads a clock: times come in events.
 */
import { secretFingerprint } from '../shared/secret-fingerprint.js';
import type { RequestLane } from '../wasend/types.js';
import { deferLook, failedLook, lookingAt, nextLookAt, noCode, rememberCode, seeCode, startedShowing } from './code-state.js';
import type { FeedStatus } from './feed.js';
import type { CodeShow, FinalView } from './message.js';
import type { PasskeyStep, Reduced, SessionEffect, SessionEvent, SessionSettings, SessionState } from './session-types.js';

export * from './session-types.js';

const count = (s: SessionState) => Object.keys(s.members).length;

/** Where the timer goes now (or that the session is done), as effects. */
function reschedule(s: SessionState, settings: SessionSettings): Reduced {
  if (s.looking) return { state: { ...s, timerAt: null }, effects: [{ type: 'disarm' }] };
  if (count(s) === 0) return { state: { ...s, timerAt: null }, effects: [{ type: 'disarm' }, { type: 'forget' }] };
  // In a passkey step there is no QR to look at: the status feed says when the session moves on.
  let at = s.passkey === null ? nextLookAt(s.code, settings.pollIntervalMs) : Number.POSITIVE_INFINITY;
  for (const member of Object.values(s.members)) at = Math.min(at, member.deadlineAt, member.pairingUntil ?? Number.POSITIVE_INFINITY);
  return { state: { ...s, timerAt: at }, effects: [{ type: 'arm', at }] };
}

const then = (first: Reduced, next: (s: SessionState) => Reduced): Reduced => {
  const second = next(first.state);
  return { state: second.state, effects: [...first.effects, ...second.effects] };
};

/** The messages that joined at or before `at` (a status learnt then says something about them). */
const joinedBy = (s: SessionState, at: number) =>
  Object.entries(s.members)
    .filter(([, member]) => member.since <= at)
    .map(([key]) => key);

/** Members that end leave the session at once (their messages need no more codes). */
function without(s: SessionState, keys: readonly string[]): SessionState {
  if (keys.length === 0) return s;
  const members = { ...s.members };
  for (const key of keys) delete members[key];
  return { ...s, members };
}

function endAll(s: SessionState, view: FinalView, at: number, settings: SessionSettings): Reduced {
  const keys = joinedBy(s, at);
  if (keys.length === 0) return { state: s, effects: [] };
  const ended: Reduced = { state: without(s, keys), effects: [{ type: 'end', keys, view }] };
  // The timer follows the members left (none: the session is forgotten), unless a look in flight does it when done.
  return ended.state.looking ? ended : then(ended, (next) => reschedule(next, settings));
}

function wake(s: SessionState, now: number, settings: SessionSettings, forced?: RequestLane): Reduced {
  if (s.looking) {
    // The look in flight may have gone out before what prompted this one (a webhook, a Refresh): look again after.
    const owe = forced !== undefined && (s.owedLook === null || forced === 'person');
    return { state: owe ? { ...s, owedLook: forced } : s, effects: [] };
  }
  const effects: SessionEffect[] = [];
  const overdue = Object.entries(s.members)
    .filter(([, m]) => now >= m.deadlineAt || now >= (m.pairingUntil ?? Number.POSITIVE_INFINITY))
    .map(([key]) => key);
  if (overdue.length > 0) effects.push({ type: 'end', keys: overdue, view: { kind: 'expired', sessionId: s.id, reason: 'timed_out' } });
  s = without(s, overdue);
  const due = s.passkey === null && now >= nextLookAt(s.code, settings.pollIntervalMs);
  if (count(s) > 0 && (forced !== undefined || due)) {
    const state = { ...s, timerAt: null, looking: true, code: lookingAt(s.code, now) };
    effects.push(
      { type: 'disarm' },
      { type: 'fetch_qr', lane: forced ?? 'rotation', notBefore: forced !== undefined ? now : Number.NEGATIVE_INFINITY },
    );
    return { state, effects };
  }
  const rescheduled = reschedule({ ...s, timerAt: null }, settings);
  return { state: rescheduled.state, effects: [...effects, ...rescheduled.effects] };
}

/** The look and what it handed over are done: an owed look goes out now, else the timer is set again. */
function lookDone(s: SessionState, now: number, settings: SessionSettings): Reduced {
  const owed = s.owedLook;
  const idle = { ...s, looking: false, owedLook: null };
  if (owed !== null && count(idle) > 0) return wake(idle, now, settings, owed);
  return reschedule(idle, settings);
}

function lookFailed(s: SessionState, e: Extract<SessionEvent, { type: 'look_failed' }>, settings: SessionSettings): Reduced {
  switch (e.failure) {
    case 'budget':
      return { state: { ...s, code: deferLook(s.code, e.now + (e.retryInMs ?? 0)) }, effects: [] };
    case 'connected':
      return endAll(s, { kind: 'connected', sessionId: s.id }, e.at, settings);
    case 'not_found':
      return endAll(s, { kind: 'expired', sessionId: s.id, reason: 'stopped' }, e.at, settings);
    case 'not_ready':
      return { state: { ...s, code: noCode(s.code, 'unknown', e.at) }, effects: [] };
    case 'other': {
      const failed = failedLook(s.code, e.now, settings.pollIntervalMs, e.retryAfterMs);
      return {
        state: { ...s, code: failed.state },
        effects: [{ type: 'look_failed_log', retryInMs: failed.delayMs, ...(e.detail ? { detail: e.detail } : {}) }],
      };
    }
  }
}

/** The session is in a passkey step: every message shows it (fetching the confirmation code when needed). */
function enterPasskey(s: SessionState, kind: PasskeyStep['kind'], at: number, settings: SessionSettings, code?: string): Reduced {
  const step = s.passkey;
  let passkey: PasskeyStep | null = step;
  if (kind === 'required') {
    if (step?.kind !== 'required') passkey = { kind: 'required', since: at };
  } else if (step?.kind !== 'confirm') {
    passkey = { kind: 'confirm', since: at, code: code ?? null, fetching: false };
  } else if (code !== undefined) {
    passkey = { ...step, code };
  }
  const effects: SessionEffect[] = [];
  if (passkey?.kind === 'confirm' && passkey.code === null && !passkey.fetching) {
    passkey = { ...passkey, fetching: true };
    effects.push({ type: 'fetch_passkey_code', since: passkey.since });
  }
  effects.push({ type: 'show' });
  const rescheduled = reschedule({ ...s, passkey, timerAt: null }, settings);
  return { state: rescheduled.state, effects: [...effects, ...rescheduled.effects] };
}

function onStatus(s: SessionState, status: FeedStatus, at: number, now: number, settings: SessionSettings): Reduced {
  if (status === 'missing') return endAll(s, { kind: 'expired', sessionId: s.id, reason: 'stopped' }, at, settings);
  const { state } = status;
  const previous = s.lastState;
  const seen = { ...s, lastState: state };
  if (state === 'passkey_required' || state === 'passkey_confirmation') {
    return enterPasskey(seen, state === 'passkey_required' ? 'required' : 'confirm', at, settings);
  }
  // Leaving a passkey step for a linking state: look for the QR now (messages follow).
  const leaving = (state === 'starting' || state === 'awaiting_scan') && seen.passkey !== null;
  const left: Reduced = leaving ? wake({ ...seen, passkey: null }, now, settings, 'rotation') : { state: seen, effects: [] };
  return then(left, (s2) => {
    switch (state) {
      case 'connected':
        return endAll(s2, { kind: 'connected', sessionId: s2.id }, at, settings);
      case 'failed':
        return endAll(s2, { kind: 'expired', sessionId: s2.id, reason: s2.code.codesSeen > 0 ? 'codes_ran_out' : 'failed' }, at, settings);
      case 'stopped':
        return endAll(s2, { kind: 'expired', sessionId: s2.id, reason: 'stopped' }, at, settings);
      case 'starting':
        // The Wasend docs' vocabulary says STARTING while a code is shown: only a fresh start drops the code.
        if (previous === 'awaiting_scan' || s2.code.code === null)
          return { state: { ...s2, code: noCode(s2.code, 'starting', at), lastNoScanAt: at }, effects: [] };
        return { state: s2, effects: [] };
      case 'awaiting_scan':
        if (previous !== null && previous !== 'awaiting_scan' && s2.lastNoScanAt !== null) {
          // A new series began between two ticks: its first code is due now, look at once (unless leaving a
          // passkey step already did: a second forced look would only fetch the same code again).
          const started = { ...s2, code: startedShowing(s2.code, s2.lastNoScanAt) };
          return leaving ? { state: started, effects: [] } : wake(started, now, settings, 'rotation');
        }
        return { state: s2, effects: [] };
      default:
        return { state: s2, effects: [] };
    }
  });
}

/** The next state of a session and what to do about it. Pure: the same state and event give the same result. */
export function reduceSession(s: SessionState, e: SessionEvent, settings: SessionSettings): Reduced {
  switch (e.type) {
    case 'attach': {
      let code = e.stored !== undefined ? rememberCode(s.code, e.stored) : s.code;
      if (e.fetched !== undefined) code = seeCode(code, e.fetched.qr, e.fetched.at, e.fetched.seenAt, e.timing).state;
      const joined = { ...s, code, members: { ...s.members, [e.key]: e.member } };
      // Something changed after this message's code was fetched and before it was watched: look now.
      if (e.poked !== undefined) return wake({ ...joined, timerAt: null }, e.now, settings, e.poked);
      if (s.looking) return { state: joined, effects: [] };
      // A message that shows an older code than the session's (or a QR while it is in a passkey step) is put right.
      return then({ state: joined, effects: [{ type: 'show', only: e.key }] }, (next) => reschedule(next, settings));
    }
    case 'detach': {
      if (!(e.key in s.members)) return { state: s, effects: [] };
      const members = { ...s.members };
      delete members[e.key];
      const left = { ...s, members };
      return left.looking ? { state: left, effects: [] } : reschedule(left, settings);
    }
    case 'changed': {
      if (!(e.key in s.members)) return { state: s, effects: [] };
      const changed = { ...s, members: { ...s.members, [e.key]: e.member } };
      return then(reschedule(changed, settings), (next) => ({ state: next, effects: [{ type: 'show', only: e.key }] }));
    }
    case 'wake':
      return wake({ ...s, timerAt: e.forced === undefined ? null : s.timerAt }, e.now, settings, e.forced);
    case 'looked': {
      const seen = seeCode(s.code, e.qr, e.at, e.seenAt).state;
      // A code to scan, asked for after the passkey step began: the session went back to linking by QR.
      const passkey = s.passkey !== null && e.at > s.passkey.since ? null : s.passkey;
      return { state: { ...s, code: seen, passkey }, effects: [{ type: 'show', thenDone: true }] };
    }
    case 'look_failed':
      return then(lookFailed(s, e, settings), (next) => lookDone(next, e.now, settings));
    case 'look_done':
      return lookDone(s, e.now, settings);
    case 'status':
      return onStatus(s, e.status, e.at, e.now, settings);
    case 'passkey_code':
      return enterPasskey({ ...s, lastState: 'passkey_confirmation' }, 'confirm', e.now, settings, e.code);
    case 'passkey_fetched': {
      const step = s.passkey;
      if (step?.kind !== 'confirm' || step.since !== e.since) return { state: s, effects: [] };
      const code = step.code ?? e.code;
      return { state: { ...s, passkey: { ...step, code, fetching: false } }, effects: code !== null ? [{ type: 'show' }] : [] };
    }
  }
}

/** Faces other than the QR carry no image of their own: the messenger draws them. */
const NO_PNG = Buffer.alloc(0);

/** What the session's passkey step shows, or null outside one (or while its code is not known yet). */
export function passkeyShow(s: SessionState): CodeShow | null {
  const step = s.passkey;
  if (step === null) return null;
  const base = { sessionId: s.id, png: NO_PNG, expiresAt: null, estimated: false };
  if (step.kind === 'required') return { ...base, fingerprint: 'passkey:required', face: { kind: 'passkey_required' } };
  if (step.code === null) return null;
  return { ...base, fingerprint: secretFingerprint('passkey', step.code), face: { kind: 'passkey_confirm', code: step.code } };
}
