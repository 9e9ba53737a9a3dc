import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { initialSession, reduceSession, type Member, type SessionEffect, type SessionEvent, type SessionState } from '../../src/live/session.js';
import type { NormalizedQr } from '../../src/wasend/types.js';

const settings = { pollIntervalMs: 2_000 };
const T0 = 1_000_000;
const member = (since = T0, deadlineAt = T0 + 600_000, pairingUntil: number | null = null): Member => ({ since, deadlineAt, pairingUntil });
const qr = (n: number, expiresAt?: number): NormalizedQr => ({
  payload: { kind: 'raw', value: `2@code-${n}` },
  fingerprint: `fp${n}`,
  ...(expiresAt !== undefined ? { expiresAt: new Date(expiresAt) } : {}),
});

/** Feeds events in order from `state`; returns the last state and every effect, each as a short word. */
function run(state: SessionState, events: SessionEvent[]) {
  const effects: string[] = [];
  for (const event of events) {
    const next = reduceSession(state, event, settings);
    state = next.state;
    effects.push(...next.effects.map(word));
  }
  return { state, effects };
}

function word(effect: SessionEffect): string {
  switch (effect.type) {
    case 'fetch_qr':
      return `fetch:${effect.lane}`;
    case 'show':
      return `show${effect.only ? `:${effect.only}` : ''}${effect.thenDone ? '+done' : ''}`;
    case 'end':
      return `end:${effect.view.kind}${effect.view.kind === 'expired' ? `/${effect.view.reason}` : ''}:${effect.keys.join(',')}`;
    case 'arm':
      return `arm:${effect.at === Number.POSITIVE_INFINITY ? 'never' : effect.at - T0}`;
    case 'fetch_passkey_code':
      return 'fetch:passkey';
    default:
      return effect.type;
  }
}

/** Message `a` joins with the session's first code (a 60 s one, first of its series), fetched at T0. */
const firstAttach: SessionEvent = {
  type: 'attach',
  key: 'a',
  member: member(),
  now: T0,
  fetched: { qr: qr(1), at: T0, seenAt: T0 },
  timing: { firstOfSeries: true, bornAfter: T0 - 500 },
};

/** A session watched by message `a` after {@link firstAttach}. */
function watched(): SessionState {
  return reduceSession(initialSession('demo'), firstAttach, settings).state;
}

describe('reduceSession: transitions', () => {
  it.each<[string, () => SessionState, SessionEvent[], string[]]>([
    [
      'a first message shows what it should and arms the timer for the expected rotation (60 s after birth, + margin)',
      () => initialSession('demo'),
      [firstAttach],
      ['show:a', 'arm:60100'],
    ],
    ['the timer at the rotation sends one look on the rotation lane', watched, [{ type: 'wake', now: T0 + 60_100 }], ['disarm', 'fetch:rotation']],
    [
      "a new code is handed to every message, then the look is done and the timer armed mid-way through the next code's rotation window (20 s after a birth known to 650 ms)",
      watched,
      [
        { type: 'wake', now: T0 + 60_100 },
        { type: 'looked', qr: qr(2), at: T0 + 60_100, seenAt: T0 + 60_150, now: T0 + 60_150 },
        { type: 'look_done', now: T0 + 60_200 },
      ],
      ['disarm', 'fetch:rotation', 'show+done', 'arm:79925'],
    ],
    [
      'a Refresh while a look is in flight is owed, then runs at once on the person lane',
      watched,
      [
        { type: 'wake', now: T0 + 1_000, forced: 'rotation' },
        { type: 'wake', now: T0 + 1_100, forced: 'person' },
        { type: 'look_done', now: T0 + 1_200 },
      ],
      ['disarm', 'fetch:rotation', 'disarm', 'fetch:person'],
    ],
    [
      'WhatsApp says connected: every message that joined before the look ends, and the session is forgotten',
      watched,
      [
        { type: 'wake', now: T0 + 1_000, forced: 'person' },
        { type: 'look_failed', failure: 'connected', at: T0 + 1_000, now: T0 + 1_050 },
      ],
      ['disarm', 'fetch:person', 'end:connected:a', 'disarm', 'forget'],
    ],
    [
      'a transient failure backs off (the poll interval, doubled per failure) and says so',
      watched,
      [
        { type: 'wake', now: T0 + 60_100 },
        { type: 'look_failed', failure: 'other', at: T0 + 60_100, now: T0 + 60_200 },
      ],
      ['disarm', 'fetch:rotation', 'look_failed_log', 'arm:62200'],
    ],
    [
      'the feed says FAILED after codes were seen: the codes ran out',
      watched,
      [{ type: 'status', status: { state: 'failed', raw: 'FAILED' }, at: T0 + 1_000, now: T0 + 1_000 }],
      ['end:expired/codes_ran_out:a', 'disarm', 'forget'],
    ],
    [
      'a passkey confirmation: the code is fetched once, every message shows the step, and no QR look is armed',
      watched,
      [
        { type: 'status', status: { state: 'passkey_confirmation', raw: 'PASSKEY_CONFIRMATION_REQUIRED' }, at: T0 + 1_000, now: T0 + 1_000 },
        { type: 'status', status: { state: 'passkey_confirmation', raw: 'PASSKEY_CONFIRMATION_REQUIRED' }, at: T0 + 3_000, now: T0 + 3_000 },
        { type: 'passkey_fetched', since: T0 + 1_000, code: '4321', now: T0 + 3_100 },
      ],
      ['fetch:passkey', 'show', 'arm:600000', 'show', 'arm:600000', 'show'],
    ],
    [
      'leaving the passkey step for a new series looks for the QR at once',
      watched,
      [
        { type: 'status', status: { state: 'passkey_required', raw: 'PASSKEY_REQUIRED' }, at: T0 + 1_000, now: T0 + 1_000 },
        { type: 'status', status: { state: 'awaiting_scan', raw: 'SCAN_QR_CODE' }, at: T0 + 5_000, now: T0 + 5_000 },
      ],
      ['show', 'arm:600000', 'disarm', 'fetch:rotation'],
    ],
    [
      'a message past its deadline ends as timed out when the timer fires, and nothing is looked at for it',
      () => reduceSession(initialSession('demo'), { type: 'attach', key: 'a', member: member(T0, T0 + 10_000), now: T0 }, settings).state,
      [{ type: 'wake', now: T0 + 10_000 }],
      ['end:expired/timed_out:a', 'disarm', 'forget'],
    ],
    [
      'the last message leaving forgets the session (no timer while nothing is live)',
      watched,
      [{ type: 'detach', key: 'a', now: T0 + 1_000 }],
      ['disarm', 'forget'],
    ],
    [
      'a look asked for before the message was watched runs as soon as it is',
      () => initialSession('demo'),
      [{ type: 'attach', key: 'a', member: member(), now: T0, poked: 'rotation' }],
      ['disarm', 'fetch:rotation'],
    ],
  ])('%s', (_name, from, events, expected) => {
    expect(run(from(), events).effects).toEqual(expected);
  });

  it('the state is plain data a test can build and compare', () => {
    const a = run(watched(), [{ type: 'wake', now: T0 + 60_100 }]).state;
    const b = run(watched(), [{ type: 'wake', now: T0 + 60_100 }]).state;
    expect(a).toEqual(b);
    expect(JSON.parse(JSON.stringify({ ...a, code: { ...a.code, code: null } }))).toEqual({ ...a, code: { ...a.code, code: null } });
  });
});

describe('reduceSession: invariants over any sequence of events', () => {
  const keys = ['a', 'b', 'c'];
  const lanes = ['person', 'rotation'] as const;
  const states = [
    { state: 'awaiting_scan', raw: 'SCAN_QR_CODE' },
    { state: 'starting', raw: 'STARTING' },
    { state: 'connected', raw: 'WORKING' },
    { state: 'failed', raw: 'FAILED' },
    { state: 'stopped', raw: 'STOPPED' },
    { state: 'passkey_required', raw: 'PASSKEY_REQUIRED' },
    { state: 'passkey_confirmation', raw: 'PASSKEY_CONFIRMATION_REQUIRED' },
  ] as const;
  /** An event shape with a time offset; times only move forward when applied. */
  const step = fc.oneof(
    fc.record({ type: fc.constant('attach' as const), key: fc.constantFrom(...keys), life: fc.integer({ min: 1_000, max: 300_000 }) }),
    fc.record({ type: fc.constant('detach' as const), key: fc.constantFrom(...keys) }),
    fc.record({ type: fc.constant('wake' as const), forced: fc.option(fc.constantFrom(...lanes), { nil: undefined }) }),
    fc.record({ type: fc.constant('answer' as const), code: fc.integer({ min: 1, max: 8 }) }),
    fc.record({ type: fc.constant('fail' as const), failure: fc.constantFrom('budget', 'connected', 'not_found', 'not_ready', 'other' as const) }),
    fc.record({ type: fc.constant('status' as const), index: fc.integer({ min: 0, max: states.length - 1 }) }),
    fc.record({ type: fc.constant('passkey' as const), code: fc.constantFrom('1234', '9876') }),
  );
  const script = fc.array(fc.tuple(step, fc.integer({ min: 0, max: 30_000 })), { maxLength: 60 });

  it('at most one look in flight (another only once it is done or owed), no timer while looking or while nothing is live, ends only for members', () => {
    fc.assert(
      fc.property(script, (steps) => {
        let s = initialSession('demo');
        let now = T0;
        let inFlight = 0;
        for (const [shape, dt] of steps) {
          now += dt;
          let event: SessionEvent | undefined;
          switch (shape.type) {
            case 'attach':
              event = { type: 'attach', key: shape.key, member: member(now, now + shape.life), now };
              break;
            case 'detach':
              event = { type: 'detach', key: shape.key, now };
              break;
            case 'wake':
              event = { type: 'wake', now, ...(shape.forced ? { forced: shape.forced } : {}) };
              break;
            case 'answer':
              // A look can only be answered while one is in flight.
              if (inFlight === 0) continue;
              event = { type: 'looked', qr: qr(shape.code), at: now - 1, seenAt: now, now };
              break;
            case 'fail':
              if (inFlight === 0) continue;
              event = { type: 'look_failed', failure: shape.failure, at: now - 1, now, retryInMs: 1_000 };
              break;
            case 'status':
              event = { type: 'status', status: states[shape.index] as (typeof states)[number], at: now, now };
              break;
            case 'passkey':
              event = { type: 'passkey_code', code: shape.code, now };
              break;
          }
          const before = s;
          const reduced = reduceSession(before, event, settings);
          const state = reduced.state;
          const effects = [...reduced.effects];
          // Ending a look: an answer hands the code over first, then `look_done` ends it.
          if (event.type === 'looked') {
            expect(effects.filter((e) => e.type === 'show' && e.thenDone)).toHaveLength(1);
            const done = reduceSession(state, { type: 'look_done', now }, settings);
            inFlight -= 1;
            s = done.state;
            effects.push(...done.effects);
          } else {
            if (event.type === 'look_failed') inFlight -= 1;
            s = state;
          }
          const looks = effects.filter((e) => e.type === 'fetch_qr').length;
          expect(looks).toBeLessThanOrEqual(1);
          inFlight += looks;
          expect(inFlight).toBeLessThanOrEqual(1);
          expect(s.looking).toBe(inFlight === 1);
          // No look while one is in flight unless it was owed (then it starts as the other ends).
          if (before.looking && looks > 0) expect(event.type === 'looked' || event.type === 'look_failed').toBe(true);
          const members = Object.keys(s.members).length;
          if (members === 0 || s.looking) {
            expect(effects.some((e) => e.type === 'arm')).toBe(false);
            expect(s.timerAt).toBeNull();
          }
          for (const effect of effects) {
            if (effect.type !== 'end') continue;
            for (const key of effect.keys) {
              expect(Object.keys(before.members)).toContain(key);
              expect(Object.keys(s.members)).not.toContain(key);
            }
          }
        }
      }),
      { numRuns: 300 },
    );
  });
});
