import { afterEach, describe, expect, it } from 'vitest';
import { createWasendApiError } from '../../src/wasend/errors.js';
import { createLiveHarness } from './fakes.js';

let stops: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const stop of stops) await stop();
  stops = [];
});

function harness(options: Parameters<typeof createLiveHarness>[0] = {}) {
  const h = createLiveHarness({ pollIntervalMs: 2_000, ...options });
  stops.push(h.stop);
  return h;
}

const ids = (n: number) => Array.from({ length: n }, (_, i) => `s${i}`);

describe('the session-status feed', () => {
  it('learns the state of every live session from one list call per second, however many there are', async () => {
    const h = harness();
    // Started by the bot, so that each code's birth (and so its rotation) is known.
    for (const id of ids(20)) h.wasend.addSession(id, { status: 'STOPPED' });
    await Promise.all(ids(20).map((id, i) => h.sentId(100 + i, id)));
    const before = h.wasend.calls.length;
    await h.clock.advance(10_000);
    const calls = h.wasend.calls.slice(before);
    expect(calls.filter((c) => c.method === 'listSessions').length).toBeGreaterThanOrEqual(9);
    expect(calls.filter((c) => c.method === 'listSessions').length).toBeLessThanOrEqual(11);
    expect(calls.filter((c) => c.method === 'getSession')).toEqual([]);
    // Nobody's code is due before 60 s: no QR looks either.
    expect(calls.filter((c) => c.method === 'getQr')).toEqual([]);

    h.wasend.scan('s7');
    await h.clock.advance(1_000);
    expect(h.messenger.edits(107).map((e) => e.view.kind)).toEqual(['connected']);
    expect(h.messenger.edits().filter((e) => e.chatId !== 107)).toEqual([]);
    expect(h.wasend.calls.slice(before).every((c) => c.priority === 'link')).toBe(true);
  });

  it('asks a lone live session directly, once per second', async () => {
    const h = harness();
    h.wasend.addSession('solo', { status: 'SCAN_QR_CODE', codeAgeMs: 1_000 });
    await h.sentId(1, 'solo');
    const before = h.wasend.calls.length;
    await h.clock.advance(10_000);
    const calls = h.wasend.calls.slice(before);
    expect(calls.filter((c) => c.method === 'getSession').length).toBeGreaterThanOrEqual(9);
    expect(calls.filter((c) => c.method === 'listSessions')).toEqual([]);
  });

  it('falls back to asking each session every poll interval when the server has no list', async () => {
    const h = harness();
    for (const id of ids(3)) h.wasend.addSession(id, { status: 'SCAN_QR_CODE', codeAgeMs: 1_000 });
    h.wasend.failNext('listSessions', () => createWasendApiError({ status: 404, method: 'GET', path: '/sessions' }));
    for (const [i, id] of ids(3).entries()) await h.sentId(10 + i, id);
    const before = h.wasend.calls.length;
    await h.clock.advance(10_000);
    const calls = h.wasend.calls.slice(before);
    expect(h.wasend.callsOf('listSessions')).toHaveLength(1);
    for (const id of ids(3)) {
      const looks = calls.filter((c) => c.method === 'getSession' && c.sessionId === id).length;
      expect(looks).toBeGreaterThanOrEqual(4);
      expect(looks).toBeLessThanOrEqual(6);
    }
    h.wasend.scan('s1');
    await h.clock.advance(2_100);
    expect(h.messenger.edits(11).map((e) => e.view.kind)).toEqual(['connected']);
  });

  it('asks nothing at all once nothing is live', async () => {
    const h = harness();
    for (const id of ids(2)) h.wasend.addSession(id, { status: 'SCAN_QR_CODE', codeAgeMs: 1_000 });
    const a = await h.sentId(1, 's0');
    const b = await h.sentId(2, 's1');
    await h.live.cancel(1, a);
    await h.live.cancel(2, b);
    const before = h.wasend.calls.length;
    await h.clock.advance(120_000);
    expect(h.wasend.calls.length).toBe(before);
    expect(h.clock.pendingTimers).toBe(0);
  });

  it('a session the list leaves out is asked on its own, and only its own 404 ends its messages', async () => {
    const h = harness();
    for (const id of ids(2)) h.wasend.addSession(id, { status: 'SCAN_QR_CODE', codeAgeMs: 1_000 });
    const id0 = await h.sentId(1, 's0');
    await h.sentId(2, 's1');
    const list = h.wasend.listSessions.bind(h.wasend);
    h.wasend.listSessions = async (options) => (await list(options)).filter((s) => s.id !== 's0');
    await h.clock.advance(3_000);
    expect(h.wasend.callsOf('getSession', 's0').length).toBeGreaterThanOrEqual(2);
    expect(h.messenger.shows(1, id0)).toBe('2@s0-1-0');
    h.wasend.failNext('getSession', () => createWasendApiError({ status: 404, method: 'GET', path: '/sessions/s0' }));
    await h.clock.advance(1_000);
    expect(h.messenger.shows(1, id0)).toBe('expired');
  });

  it('a status learnt from a request sent before a message opened does not end it', async () => {
    const h = harness();
    for (const id of ids(2)) h.wasend.addSession(id, { status: 'SCAN_QR_CODE', codeAgeMs: 1_000 });
    await h.sentId(1, 's1');
    h.wasend.addSession('s0', { status: 'WORKING' });
    let answer!: () => void;
    const held = new Promise<void>((resolve) => (answer = resolve));
    const list = h.wasend.listSessions.bind(h.wasend);
    h.wasend.listSessions = async (options) => {
      const sessions = await list(options);
      await held;
      return sessions;
    };
    await h.clock.advance(1_000); // a list call goes out while s0 is still linked...
    h.wasend.stop('s0');
    h.wasend.listSessions = list;
    const id0 = await h.sentId(5, 's0'); // ...then s0 is restarted for a new /qr
    answer();
    await h.clock.advance(10);
    expect(h.messenger.shows(5, id0)).toMatch(/^2@s0-/);
  });
});
