import { describe, expect, it } from 'vitest';
import type { EffectRunner, LiveRecord } from '../../src/live/effects.js';
import type { MessageEvent } from '../../src/live/message.js';
import { showingState } from '../../src/live/message.js';
import { createSessionLooks } from '../../src/live/session-runner.js';
import { FakeClock } from '../support/fake-clock.js';
import { FakeWasend } from '../support/fake-gateway.js';
import { createMemoryLogger } from '../support/memory-logger.js';

/** The runner alone: a fake gateway on a fake clock, and a message side that only records what it is handed. */
function setup() {
  const clock = new FakeClock();
  const wasend = new FakeWasend(clock, { startingMs: 2_000 });
  const handed: Array<{ key: string; event: MessageEvent }> = [];
  let sessionsChanged = 0;
  const runner: EffectRunner = {
    async dispatch(record, event) {
      handed.push({ key: `${record.chatId}:${record.messageId}`, event });
      if (event.type === 'code' && record.state.kind === 'showing') record.state = { ...record.state, shown: event.code.fingerprint };
      if (event.type === 'end') looks.detach(record);
    },
    inFlight: () => [],
    stop: () => undefined,
    forget: () => undefined,
  };
  const looks = createSessionLooks({
    wasend,
    clock,
    logger: createMemoryLogger(),
    runner,
    pollIntervalMs: 2_000,
    render: async (payload) => Buffer.from(payload.kind === 'raw' ? payload.value : 'image'),
    onSessionsChanged: () => void (sessionsChanged += 1),
  });
  const record = (messageId: number, sessionId = 'demo'): LiveRecord => ({
    chatId: 7,
    messageId,
    userId: 7,
    sessionId,
    deadlineAt: clock.now() + 600_000,
    state: showingState(null),
  });
  const codes = () => handed.filter((h) => h.event.type === 'code').map((h) => [h.key, h.event.type === 'code' ? h.event.code.fingerprint : '']);
  return { clock, wasend, looks, record, handed, codes, changes: () => sessionsChanged };
}

describe('the session runner (without the app)', () => {
  it('hands each new code once to every message; polls while the schedule is unknown, then a few looks per rotation', async () => {
    const t = setup();
    t.wasend.addSession('demo', { status: 'SCAN_QR_CODE' });
    t.looks.attach(t.record(1));
    t.looks.attach(t.record(2));
    await t.clock.advance(0);
    expect(t.codes()).toEqual([
      ['7:1', 'demo#1.0'],
      ['7:2', 'demo#1.0'],
    ]);
    expect(t.changes()).toBe(1);
    // The code was there before the first look: its birth is unknown, so the runner polls (every 2 s) until it rotates.
    await t.clock.advance(62_000);
    expect(t.codes().slice(2)).toEqual([
      ['7:1', 'demo#1.1'],
      ['7:2', 'demo#1.1'],
    ]);
    // Now the next code's birth is known to a poll interval: its rotation (20 s later) costs at most 3 looks.
    const looksBefore = t.wasend.count('getQr', 'demo');
    await t.clock.advance(20_500);
    expect(t.codes().slice(4)).toEqual([
      ['7:1', 'demo#1.2'],
      ['7:2', 'demo#1.2'],
    ]);
    expect(t.wasend.count('getQr', 'demo') - looksBefore).toBeLessThanOrEqual(3);
  });

  it('a status from the feed ends the messages that joined before it, and the last one leaving forgets the session', async () => {
    const t = setup();
    t.wasend.addSession('demo', { status: 'SCAN_QR_CODE' });
    t.looks.attach(t.record(1));
    await t.clock.advance(0);
    t.looks.onStatus('demo', { state: 'connected', raw: 'WORKING' }, t.clock.now());
    await t.clock.advance(0);
    expect(t.handed.filter((h) => h.event.type === 'end').map((h) => [h.key, h.event.type === 'end' ? h.event.view.kind : ''])).toEqual([
      ['7:1', 'connected'],
    ]);
    expect(t.looks.liveSessions()).toEqual([]);
    const looks = t.wasend.count('getQr');
    await t.clock.advance(120_000);
    expect(t.wasend.count('getQr')).toBe(looks);
  });

  it('a Refresh while a look is in flight is owed and sent after it, on the person lane; halt stops everything', async () => {
    const t = setup();
    t.wasend.addSession('demo', { status: 'SCAN_QR_CODE' });
    t.looks.attach(t.record(1));
    await t.clock.advance(0);
    const first = t.looks.lookNow('demo', 'rotation');
    const second = t.looks.lookNow('demo', 'person');
    await t.clock.run(Promise.all([first, second]));
    await t.clock.advance(0);
    const lanes = t.wasend.calls.filter((c) => c.method === 'getQr').map((c) => c.priority);
    expect(lanes.slice(-2)).toEqual(['rotation', 'person']);
    t.looks.halt();
    const looks = t.wasend.count('getQr');
    await t.clock.advance(120_000);
    expect(t.wasend.count('getQr')).toBe(looks);
  });
});
