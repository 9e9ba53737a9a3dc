import { describe, expect, it } from 'vitest';
import { reduceWalk, type WalkEvent } from '../../src/bot/relink-walk.js';
import type { RelinkWalk } from '../../src/store/types.js';

const walk = (over: Partial<RelinkWalk> = {}): RelinkWalk => ({
  chatId: 7,
  userId: 7,
  messageId: 70,
  sessions: ['a', 'b', 'c'],
  position: 0,
  linked: [],
  skipped: [],
  state: 'active',
  updatedAt: 1,
  ...over,
});

/** Every transition of a walk: from which walk, on which event, to which walk and effects. */
const table: Array<[string, RelinkWalk, WalkEvent, Partial<RelinkWalk> | 'same', string[]]> = [
  ['a link of the session shown moves on and shows the next', walk(), { type: 'linked', sessionId: 'a' }, { position: 1, linked: ['a'] }, ['show b']],
  ['a link of another session changes nothing', walk(), { type: 'linked', sessionId: 'b' }, 'same', []],
  [
    'the last link ends the walk, done',
    walk({ position: 2, linked: ['a'], skipped: ['b'] }),
    { type: 'linked', sessionId: 'c' },
    { position: 3, linked: ['a', 'c'], state: 'done' },
    ['finish done'],
  ],
  ['Skip ends the step shown, then shows the next', walk(), { type: 'skip' }, { position: 1, skipped: ['a'] }, ['end_shown', 'show b']],
  [
    'Skip of the last step ends the walk',
    walk({ position: 2 }),
    { type: 'skip' },
    { position: 3, skipped: ['c'], state: 'done' },
    ['end_shown', 'finish done'],
  ],
  ['Stop ends the step shown, then says so', walk({ position: 1 }), { type: 'stop' }, { state: 'stopped' }, ['end_shown', 'finish stopped']],
  ['a new /relink replaces it', walk(), { type: 'replaced' }, { state: 'stopped' }, ['end_shown', 'finish replaced']],
  [
    '/cancel of the step shown stops the walk (the step is already ended)',
    walk(),
    { type: 'cancelled', sessionId: 'a' },
    { state: 'stopped' },
    ['finish stopped'],
  ],
  ['a cancel of a step the walk has left changes nothing', walk({ position: 1 }), { type: 'cancelled', sessionId: 'a' }, 'same', []],
  ['Try again shows the step again', walk({ position: 1 }), { type: 'retry' }, 'same', ['show b']],
  [
    'the photo sent is written down',
    walk({ messageId: null }),
    { type: 'opened', sessionId: 'a', outcome: { kind: 'sent', messageId: 71 } },
    { messageId: 71 },
    [],
  ],
  ['the same message again changes nothing', walk(), { type: 'opened', sessionId: 'a', outcome: { kind: 'sent', messageId: 70 } }, 'same', []],
  [
    'linked meanwhile counts as linked',
    walk(),
    { type: 'opened', sessionId: 'a', outcome: { kind: 'already_connected' } },
    { position: 1, linked: ['a'] },
    ['show b'],
  ],
  [
    'a session gone is skipped',
    walk(),
    { type: 'opened', sessionId: 'a', outcome: { kind: 'not_found' } },
    { position: 1, skipped: ['a'] },
    ['show b'],
  ],
  [
    'a session no longer allowed is skipped',
    walk(),
    { type: 'opened', sessionId: 'a', outcome: { kind: 'refused' } },
    { position: 1, skipped: ['a'] },
    ['show b'],
  ],
  [
    '/cancel while the step waited stops the walk',
    walk(),
    { type: 'opened', sessionId: 'a', outcome: { kind: 'cancelled' } },
    { state: 'stopped' },
    ['finish stopped'],
  ],
  [
    'the gateway down: the step says why and waits',
    walk(),
    { type: 'opened', sessionId: 'a', outcome: { kind: 'unavailable', reason: 'down' } },
    'same',
    ['stuck unavailable'],
  ],
  [
    'an answer for a step the walk has left changes nothing',
    walk({ position: 1 }),
    { type: 'opened', sessionId: 'a', outcome: { kind: 'not_found' } },
    'same',
    [],
  ],
  ['a finished walk takes no event', walk({ state: 'done', position: 3 }), { type: 'skip' }, 'same', []],
  ['a stopped walk takes no event', walk({ state: 'stopped' }), { type: 'retry' }, 'same', []],
];

describe('reduceWalk', () => {
  it.each(table)('%s', (_name, from, event, to, effects) => {
    const result = reduceWalk(from, event);
    if (to === 'same') expect(result.walk).toBe(from);
    else expect(result.walk).toEqual({ ...from, ...to });
    expect(
      result.effects.map((e) =>
        e.type === 'show' ? `show ${e.sessionId}` : e.type === 'finish' ? `finish ${e.how}` : e.type === 'stuck' ? `stuck ${e.outcome.kind}` : e.type,
      ),
    ).toEqual(effects);
  });

  it('never shows a session twice nor counts one twice, whatever the events (every walk of three)', () => {
    const events: WalkEvent[] = [
      { type: 'linked', sessionId: 'a' },
      { type: 'linked', sessionId: 'b' },
      { type: 'skip' },
      { type: 'opened', sessionId: 'c', outcome: { kind: 'already_connected' } },
      { type: 'retry' },
    ];
    // Every sequence of four of them.
    for (let n = 0; n < events.length ** 4; n++) {
      let state = walk();
      const shown: string[] = ['a'];
      for (let k = 0, rest = n; k < 4; k++, rest = Math.floor(rest / events.length)) {
        const result = reduceWalk(state, events[rest % events.length]!);
        for (const effect of result.effects) if (effect.type === 'show' && effect.sessionId !== shown.at(-1)) shown.push(effect.sessionId);
        state = result.walk;
      }
      expect(new Set(shown).size).toBe(shown.length);
      const counted = [...state.linked, ...state.skipped];
      expect(new Set(counted).size).toBe(counted.length);
      // Each session behind the walk's place is linked or skipped, and nothing else is.
      expect([...counted].sort()).toEqual(state.sessions.slice(0, state.position).sort());
    }
  });
});
