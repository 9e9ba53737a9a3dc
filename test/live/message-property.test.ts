import fc from 'fast-check';
import { expect, it } from 'vitest';
import { reduce, showingState, type CodeShow, type EditResult, type FinalView, type MessageEvent } from '../../src/live/message.js';

const ctx = { now: 1_000_000, retryBaseMs: 2_000, giveUpMs: 600_000 };
const code = (n: number): CodeShow => ({
  sessionId: 'demo',
  fingerprint: `fp${n}`,
  png: Buffer.from(`png${n}`),
  expiresAt: 5_000 + n,
  estimated: false,
});
const finals: FinalView[] = [
  { kind: 'connected', sessionId: 'demo' },
  { kind: 'expired', sessionId: 'demo', reason: 'codes_ran_out' },
  { kind: 'cancelled', sessionId: 'demo' },
];
const index = (fingerprint: string) => Number(fingerprint.slice(2));

it('reduce (one message): whatever the order of codes, answers and ends, no edit shows a code older than one it showed, and nothing shows a code after the end', () => {
  const step = fc.oneof(
    { weight: 4, arbitrary: fc.record({ type: fc.constant('code' as const), ahead: fc.integer({ min: 0, max: 2 }) }) },
    {
      weight: 4,
      arbitrary: fc.record({
        type: fc.constant('answer' as const),
        pick: fc.nat(),
        result: fc.constantFrom<EditResult>('ok', 'not_modified', 'failed', 'gone'),
      }),
    },
    { weight: 1, arbitrary: fc.record({ type: fc.constant('end' as const), view: fc.constantFrom(...finals) }) },
    { weight: 1, arbitrary: fc.constant({ type: 'retry' as const }) },
  );
  fc.assert(
    fc.property(fc.array(step, { maxLength: 80 }), (steps) => {
      let state = showingState('fp0');
      let latest = 0;
      let newestEdited = 0;
      let ended = false;
      const unanswered: number[] = [];
      for (const shape of steps) {
        let event: MessageEvent;
        if (shape.type === 'code') {
          // The session's codes come in order; the same one may be handed over again.
          latest += shape.ahead;
          event = { type: 'code', code: code(latest) };
        } else if (shape.type === 'answer') {
          if (unanswered.length === 0) continue;
          const [seq] = unanswered.splice(shape.pick % unanswered.length, 1) as [number];
          event = { type: 'edited', seq, result: shape.result };
        } else if (shape.type === 'end') {
          event = { type: 'end', view: shape.view };
        } else {
          event = { type: 'retry' };
        }
        const next = reduce(state, event, ctx);
        state = next.state;
        for (const effect of next.effects) {
          if (effect.type !== 'edit') continue;
          unanswered.push(effect.seq);
          if (effect.view.kind === 'code') {
            expect(ended, 'a code edit after the message ended').toBe(false);
            const shown = index(effect.view.fingerprint);
            expect(shown).toBeGreaterThanOrEqual(newestEdited);
            newestEdited = shown;
          } else {
            ended = true;
          }
        }
        if (state.kind === 'final' || state.kind === 'gone') ended = true;
      }
    }),
    { numRuns: 400 },
  );
});
