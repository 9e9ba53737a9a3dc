import { describe, expect, it } from 'vitest';
import {
  MAX_RETRY_MS,
  finalViewOf,
  pendingFinalState,
  reduce,
  showingState,
  type CodeShow,
  type FinalView,
  type MessageEffect,
  type MessageEvent,
  type MessageState,
} from '../../src/live/message.js';

const ctx = { now: 1_000_000, retryBaseMs: 2_000, giveUpMs: 600_000 };
const code = (n: number, estimated = false): CodeShow => ({
  sessionId: 'demo',
  fingerprint: `fp${n}`,
  png: Buffer.from(`png${n}`),
  expiresAt: 5_000 + n,
  estimated,
});
const cancelled: FinalView = { kind: 'cancelled', sessionId: 'demo' };
const connected: FinalView = { kind: 'connected', sessionId: 'demo' };

/** Feeds events in order; returns the last state and every effect, each reduced to a short word. */
function run(state: MessageState, events: MessageEvent[], now = ctx.now) {
  const effects: string[] = [];
  for (const event of events) {
    const next = reduce(state, event, { ...ctx, now });
    state = next.state;
    effects.push(...next.effects.map(word));
  }
  return { state, effects };
}

function word(effect: MessageEffect): string {
  switch (effect.type) {
    case 'edit':
      return effect.view.kind === 'code'
        ? `edit#${effect.seq}:${effect.view.fingerprint}(${effect.view.codeNumber})`
        : `edit#${effect.seq}:${effect.view.kind}`;
    case 'persist':
      return `persist:${effect.patch.state}${effect.patch.fingerprint ? `:${effect.patch.fingerprint}` : ''}${effect.patch.finalEditSince ? ':since' : ''}`;
    case 'retry_at':
      return `retry+${effect.at - ctx.now}`;
    default:
      return effect.type;
  }
}

describe('a live message as a state machine', () => {
  describe('showing a code', () => {
    it('a new code is edited in, numbered, persisted once Telegram took it', () => {
      const { state, effects } = run(showingState('fp1'), [
        { type: 'code', code: code(2) },
        { type: 'edited', seq: 1, result: 'ok' },
      ]);
      expect(effects).toEqual(['edit#1:fp2(2)', 'persist:showing:fp2']);
      expect(state).toMatchObject({ kind: 'showing', shown: 'fp2', codeNumber: 2, editing: null });
    });

    it('the code already shown, or already being edited in, starts no edit', () => {
      expect(run(showingState('fp1'), [{ type: 'code', code: code(1) }]).effects).toEqual([]);
      expect(
        run(showingState('fp1'), [
          { type: 'code', code: code(2) },
          { type: 'code', code: code(2) },
        ]).effects,
      ).toEqual(['edit#1:fp2(2)']);
    });

    it('not_modified counts as shown', () => {
      const { state } = run(showingState('fp1'), [
        { type: 'code', code: code(2) },
        { type: 'edited', seq: 1, result: 'not_modified' },
      ]);
      expect(state).toMatchObject({ shown: 'fp2' });
    });

    it('a code that arrives while an edit is in flight goes in right after it, and only the newest', () => {
      const { effects, state } = run(showingState('fp1'), [
        { type: 'code', code: code(2) },
        { type: 'code', code: code(3) },
        { type: 'code', code: code(4) },
        { type: 'edited', seq: 1, result: 'ok' },
      ]);
      expect(effects).toEqual(['edit#1:fp2(2)', 'persist:showing:fp2', 'edit#2:fp4(3)']);
      expect(state).toMatchObject({ editing: { seq: 2 } });
    });

    it('a refused edit is retried after a backoff that doubles, not before', () => {
      const { effects, state } = run(showingState('fp1'), [
        { type: 'code', code: code(2) },
        { type: 'edited', seq: 1, result: 'failed' },
        { type: 'code', code: code(2) },
        { type: 'retry' },
        { type: 'edited', seq: 2, result: 'failed' },
      ]);
      expect(effects).toEqual(['edit#1:fp2(2)', 'retry+2000', 'edit#2:fp2(2)', 'retry+4000']);
      expect(state).toMatchObject({ shown: 'fp1', failures: 2, retryPending: true });
    });

    it('a message Telegram says is gone is released and stored as gone', () => {
      const { effects, state } = run(showingState('fp1'), [
        { type: 'code', code: code(2) },
        { type: 'edited', seq: 1, result: 'gone' },
      ]);
      expect(effects).toEqual(['edit#1:fp2(2)', 'release', 'persist:gone']);
      expect(state.kind).toBe('gone');
    });

    it('an answer to an edit it did not ask for changes nothing', () => {
      const start = showingState('fp1');
      expect(run(start, [{ type: 'edited', seq: 7, result: 'gone' }]).state).toEqual(start);
    });

    it("an estimated expiry is not stored as Wasend's", () => {
      const { effects } = run(showingState('fp1'), [{ type: 'code', code: code(2, true) }]);
      const persisted = reduce(
        run(showingState('fp1'), [{ type: 'code', code: code(2, true) }]).state,
        { type: 'edited', seq: 1, result: 'ok' },
        ctx,
      );
      expect(effects).toEqual(['edit#1:fp2(2)']);
      expect(persisted.effects[0]).toEqual({ type: 'persist', patch: { state: 'showing', fingerprint: 'fp2', expiresAt: null, seriesIndex: null } });
    });
  });

  describe('ending', () => {
    it('end releases the message and puts the final view at once; it is stored when Telegram took it', () => {
      const { effects, state } = run(showingState('fp1'), [
        { type: 'end', view: connected },
        { type: 'edited', seq: 1, result: 'ok' },
      ]);
      expect(effects).toEqual(['release', 'edit#1:connected', 'persist:connected']);
      expect(state).toEqual({ kind: 'final', seq: 1, view: connected });
    });

    it('a code edit in flight when it ends: the final view is put at once, and again after that edit lands', () => {
      const { effects, state } = run(showingState('fp1'), [
        { type: 'code', code: code(2) },
        { type: 'end', view: cancelled },
        { type: 'edited', seq: 2, result: 'ok' },
        { type: 'edited', seq: 1, result: 'ok' },
        { type: 'edited', seq: 3, result: 'ok' },
      ]);
      expect(effects).toEqual(['edit#1:fp2(2)', 'release', 'edit#2:cancelled', 'persist:cancelled', 'edit#3:cancelled', 'persist:cancelled']);
      expect(state.kind).toBe('final');
    });

    it('a code edit that landed while the final edit was in flight makes it put the final view once more', () => {
      const { effects } = run(showingState('fp1'), [
        { type: 'code', code: code(2) },
        { type: 'end', view: cancelled },
        { type: 'edited', seq: 1, result: 'ok' },
        { type: 'edited', seq: 2, result: 'ok' },
        { type: 'edited', seq: 3, result: 'ok' },
      ]);
      expect(effects).toEqual(['edit#1:fp2(2)', 'release', 'edit#2:cancelled', 'edit#3:cancelled', 'persist:cancelled']);
    });

    it('a code edit that failed while ending needs no second put', () => {
      const { effects, state } = run(showingState('fp1'), [
        { type: 'code', code: code(2) },
        { type: 'end', view: cancelled },
        { type: 'edited', seq: 2, result: 'ok' },
        { type: 'edited', seq: 1, result: 'failed' },
      ]);
      expect(effects).toEqual(['edit#1:fp2(2)', 'release', 'edit#2:cancelled', 'persist:cancelled', 'persist:cancelled']);
      expect(state.kind).toBe('final');
    });

    it('a refused final view is kept pending (stored with its first refusal) and retried with backoff', () => {
      const { effects, state } = run(showingState('fp1'), [
        { type: 'end', view: connected },
        { type: 'edited', seq: 1, result: 'failed' },
        { type: 'retry' },
        { type: 'edited', seq: 2, result: 'failed' },
        { type: 'retry' },
        { type: 'edited', seq: 3, result: 'ok' },
      ]);
      expect(effects).toEqual([
        'release',
        'edit#1:connected',
        'persist:connected:since',
        'retry+2000',
        'edit#2:connected',
        'retry+4000',
        'edit#3:connected',
        'persist:connected',
      ]);
      expect(state.kind).toBe('final');
    });

    it('gives up after giveUpMs of refusals, with a warning, and stores the final state', () => {
      const pending = pendingFinalState(connected, ctx.now - 600_000);
      const { effects, state } = run(pending, [{ type: 'retry' }, { type: 'edited', seq: 1, result: 'failed' }]);
      expect(effects).toEqual(['edit#1:connected', 'persist:connected', 'gave_up']);
      expect(state.kind).toBe('final');
    });

    it('gone while ending is stored as gone', () => {
      const { state, effects } = run(showingState('fp1'), [
        { type: 'end', view: connected },
        { type: 'edited', seq: 1, result: 'gone' },
      ]);
      expect(state.kind).toBe('gone');
      expect(effects.at(-1)).toBe('persist:gone');
    });

    it('a second end, a new code or a retry while the final edit is in flight change nothing', () => {
      const ending = run(showingState('fp1'), [{ type: 'end', view: connected }]).state;
      for (const event of [{ type: 'end', view: cancelled }, { type: 'code', code: code(9) }, { type: 'retry' }] as MessageEvent[]) {
        expect(reduce(ending, event, ctx)).toEqual({ state: ending, effects: [] });
      }
    });

    it('final and gone messages ignore everything but renew (and gone ignores renew too)', () => {
      const final: MessageState = { kind: 'final', seq: 4, view: connected };
      const gone: MessageState = { kind: 'gone', seq: 4 };
      for (const event of [
        { type: 'end', view: cancelled },
        { type: 'code', code: code(9) },
        { type: 'retry' },
        { type: 'edited', seq: 4, result: 'ok' },
      ] as MessageEvent[]) {
        expect(reduce(final, event, ctx).effects).toEqual([]);
        expect(reduce(gone, event, ctx).effects).toEqual([]);
      }
      expect(reduce(gone, { type: 'renew', code: code(1) }, ctx).effects).toEqual([]);
    });
  });

  describe('renew', () => {
    it('puts a fresh code numbered 1 into a final or pending message, and a late answer to the old final edit is ignored', () => {
      for (const start of [{ kind: 'final', seq: 3, view: connected } as MessageState, pendingFinalState(cancelled, ctx.now)]) {
        const { effects, state } = run(start, [
          { type: 'renew', code: code(1) },
          { type: 'edited', seq: start.seq, result: 'ok' },
        ]);
        expect(effects).toEqual([`edit#${start.seq + 1}:fp1(1)`]);
        const done = reduce(state, { type: 'edited', seq: start.seq + 1, result: 'ok' }, ctx);
        expect(done.state).toMatchObject({ kind: 'showing', shown: 'fp1', codeNumber: 1 });
      }
    });
  });

  it('caps the retry backoff', () => {
    let state: MessageState = pendingFinalState(connected, ctx.now);
    let last = 0;
    for (let i = 0; i < 12; i++) {
      state = reduce(state, { type: 'retry' }, ctx).state;
      const refused = reduce(state, { type: 'edited', seq: state.seq, result: 'failed' }, ctx);
      state = refused.state;
      const retry = refused.effects.find((e) => e.type === 'retry_at');
      if (retry?.type === 'retry_at') last = retry.at - ctx.now;
    }
    expect(last).toBe(MAX_RETRY_MS);
  });

  it('reads the final view a stored row asks for', () => {
    const row = { sessionId: 'demo', expiredReason: null };
    expect(finalViewOf({ ...row, state: 'expired' })).toEqual({ kind: 'expired', sessionId: 'demo', reason: 'timed_out' });
    expect(finalViewOf({ ...row, state: 'retired' })).toEqual({ kind: 'retired', sessionId: 'demo' });
    expect(finalViewOf({ ...row, state: 'showing' })).toBeUndefined();
    expect(finalViewOf({ ...row, state: 'gone' })).toBeUndefined();
  });
});
