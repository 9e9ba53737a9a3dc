import { afterEach, describe, expect, it } from 'vitest';
import { createLiveQr } from '../../src/live/live-qr.js';
import type { LiveQr } from '../../src/live/types.js';
import { createWasendApiError, WasendNetworkError } from '../../src/wasend/errors.js';
import { createFakeRender, FakeClock, FakeMessenger, FakeWasend, invalidQrError, MemoryLiveStore } from './fakes.js';
import { createMemoryLogger } from '../support/memory-logger.js';

const POLL_MS = 2_000;
const WATCH_MS = 600_000;
const ALICE = 11;
const BOB = 22;

let running: Array<{ live: LiveQr; clock: FakeClock }> = [];

function setup(
  options: {
    watchTimeoutMs?: number;
    pollIntervalMs?: number;
    store?: MemoryLiveStore;
    clock?: FakeClock;
    messenger?: FakeMessenger;
    wasend?: FakeWasend;
    pairingLifetimeMs?: number;
  } = {},
) {
  const clock = options.clock ?? new FakeClock();
  const wasend = options.wasend ?? new FakeWasend(clock);
  const messenger = options.messenger ?? new FakeMessenger(clock);
  const store = options.store ?? new MemoryLiveStore(clock);
  const logger = createMemoryLogger();
  const fakeRender = createFakeRender();
  const live = createLiveQr({
    wasend,
    store,
    messenger,
    render: fakeRender.render,
    logger,
    pollIntervalMs: options.pollIntervalMs ?? POLL_MS,
    watchTimeoutMs: options.watchTimeoutMs ?? WATCH_MS,
    codeWaitMs: 30_000,
    clock,
    ...(options.pairingLifetimeMs !== undefined ? { pairingLifetimeMs: options.pairingLifetimeMs } : {}),
  });
  running.push({ live, clock });
  const open = async (chatId: number, sessionId = 'demo') => clock.run(live.open({ chatId, userId: chatId, sessionId }));
  const sentId = async (chatId: number, sessionId = 'demo') => {
    const outcome = await open(chatId, sessionId);
    if (outcome.kind !== 'sent') throw new Error(`open: ${JSON.stringify(outcome)}`);
    return outcome.messageId;
  };
  return { clock, wasend, messenger, store, logger, renders: fakeRender.calls, live, open, sentId };
}

afterEach(async () => {
  for (const { live, clock } of running) await clock.run(live.stop());
  running = [];
});

describe('open', () => {
  it('starts a stopped session, waits out STARTING, and sends exactly one photo of the current code', async () => {
    const t = setup();
    t.wasend.addSession('demo', { status: 'STOPPED' });
    const outcome = await t.open(ALICE);

    expect(outcome.kind).toBe('sent');
    if (outcome.kind !== 'sent') return;
    expect(t.wasend.callsOf('startSession')).toHaveLength(1);
    expect(t.messenger.sends()).toHaveLength(1);
    expect(t.messenger.shows(ALICE, outcome.messageId)).toBe('2@demo-2-0');
    const row = t.store.peek(ALICE, outcome.messageId);
    expect(row).toMatchObject({ state: 'showing', sessionId: 'demo', userId: ALICE, fingerprint: t.wasend.currentFingerprint('demo') });
    expect(row!.deadlineAt).toBe(t.clock.now() + WATCH_MS);
    expect(t.live.liveSessions()).toEqual(['demo']);
    expect(t.wasend.callsOf('getQr').every((c) => c.priority === 'person')).toBe(true);
  });

  it('restarts a failed session before waiting for a code', async () => {
    const t = setup();
    t.wasend.addSession('demo', { status: 'FAILED' });
    expect((await t.open(ALICE)).kind).toBe('sent');
    expect(t.wasend.callsOf('restartSession')).toHaveLength(1);
  });

  it('answers already_connected without a photo for a linked session', async () => {
    const t = setup();
    t.wasend.addSession('linked', { status: 'WORKING' });
    expect(await t.open(ALICE, 'linked')).toEqual({ kind: 'already_connected' });
    expect(t.messenger.calls).toHaveLength(0);
    expect(t.live.liveSessions()).toEqual([]);
    expect(t.clock.pendingTimers).toBe(0);
  });

  it('maps Wasend failures to outcomes and never sends a photo for them', async () => {
    const t = setup();
    t.wasend.addSession('demo', { status: 'SCAN_QR_CODE' });
    expect(await t.open(ALICE, 'nope')).toEqual({ kind: 'not_found' });

    t.wasend.failNext('getQr', () => createWasendApiError({ status: 429, method: 'GET', path: '/sessions/demo/qr', retryAfterMs: 5000 }));
    expect(await t.open(ALICE)).toEqual({ kind: 'unavailable', reason: 'rate_limited' });

    t.wasend.failNext('getQr', () => createWasendApiError({ status: 401, method: 'GET', path: '/sessions/demo/qr' }));
    expect(await t.open(ALICE)).toEqual({ kind: 'unavailable', reason: 'auth' });

    t.wasend.stop('demo');
    t.wasend.failNext('getSession', () => createWasendApiError({ status: 429, method: 'GET', path: '/sessions/demo', retryAfterMs: 5000 }));
    expect(await t.open(ALICE)).toEqual({ kind: 'unavailable', reason: 'rate_limited' });
    t.wasend.addSession('demo', { status: 'SCAN_QR_CODE' });

    t.wasend.failNext('getQr', () => createWasendApiError({ status: 503, method: 'GET', path: '/sessions/demo/qr' }));
    expect(await t.open(ALICE)).toEqual({ kind: 'unavailable', reason: 'down' });

    t.wasend.failNext('getQr', () => new WasendNetworkError({ method: 'GET', path: '/sessions/demo/qr', cause: new Error('ECONNRESET') }));
    expect(await t.open(ALICE)).toEqual({ kind: 'unavailable', reason: 'down' });

    t.wasend.failNext('getQr', invalidQrError);
    expect(await t.open(ALICE)).toEqual({ kind: 'unavailable', reason: 'invalid_response' });

    t.wasend.failNext('getQr', () => createWasendApiError({ status: 409, method: 'GET', path: '/sessions/demo/qr' }));
    expect(await t.open(ALICE)).toEqual({ kind: 'already_connected' });

    expect(t.messenger.calls).toHaveLength(0);
    expect(t.live.liveSessions()).toEqual([]);
  });

  it('answers invalid_response, not a broken photo, when the code cannot be rendered', async () => {
    const t = setup();
    t.wasend.addSession('demo', { status: 'SCAN_QR_CODE' });
    t.wasend.getQr = async () => ({ payload: { kind: 'raw', value: 'broken' }, fingerprint: 'bad' });
    expect(await t.open(ALICE)).toEqual({ kind: 'unavailable', reason: 'invalid_response' });
    expect(t.messenger.calls).toHaveLength(0);
  });

  it('answers no_code when no code appears within codeWaitMs', async () => {
    const t = setup();
    t.wasend.addSession('demo', { status: 'STARTING' });
    t.wasend.getQr = async () => {
      throw createWasendApiError({ status: 422, method: 'GET', path: '/sessions/demo/qr' });
    };
    expect(await t.open(ALICE)).toEqual({ kind: 'no_code' });
    expect(t.messenger.calls).toHaveLength(0);
  });

  it('retires the earlier message when the same session is opened again in the same chat', async () => {
    const t = setup();
    t.wasend.addSession('demo', { status: 'SCAN_QR_CODE' });
    const first = await t.sentId(ALICE);
    const second = await t.sentId(ALICE);

    expect(t.messenger.shows(ALICE, first)).toBe('retired');
    expect(t.store.peek(ALICE, first)?.state).toBe('retired');
    expect(t.store.peek(ALICE, second)?.state).toBe('showing');
    expect(t.messenger.sends()).toHaveLength(2);
  });
});

describe('watching', () => {
  it('edits the same message with each new code, one edit per rotation, within a second of it', async () => {
    const t = setup();
    t.wasend.addSession('demo', { status: 'STOPPED' });
    const start = t.clock.now();
    const id = await t.sentId(ALICE);
    const firstCode = t.messenger.shows(ALICE, id);

    // The fake session leaves STARTING after 2 s; its first code then lives 60 s, the next ones 20 s.
    const firstRotation = start + 2_000 + 60_000;
    await t.clock.advance(firstRotation + 1_000 - t.clock.now());
    const edits = t.messenger.edits(ALICE, id);
    expect(edits).toHaveLength(1);
    expect(edits[0]!.at - firstRotation).toBeLessThan(1_000);
    expect(t.messenger.shows(ALICE, id)).toBe('2@demo-2-1');
    expect(t.messenger.shows(ALICE, id)).not.toBe(firstCode);
    const view = t.messenger.message(ALICE, id)!.view;
    expect(view.kind === 'code' && view.codeNumber).toBe(2);
    expect(t.store.peek(ALICE, id)?.fingerprint).toBe('demo#2.1');
    expect(t.messenger.sends()).toHaveLength(1);

    await t.clock.advance(20_000);
    expect(t.messenger.shows(ALICE, id)).toBe('2@demo-2-2');
    const lags = t.messenger.edits(ALICE, id).map((e, i) => e.at - (firstRotation + i * 20_000));
    expect(lags).toHaveLength(2);
    for (const lag of lags) expect(lag).toBeLessThan(1_000);
  });

  it('shows the phone connected and stops watching', async () => {
    const t = setup();
    t.wasend.addSession('demo', { status: 'SCAN_QR_CODE' });
    const id = await t.sentId(ALICE);
    t.wasend.scan('demo');
    await t.clock.advance(POLL_MS);

    expect(t.messenger.shows(ALICE, id)).toBe('connected');
    expect(t.store.peek(ALICE, id)?.state).toBe('connected');
    expect(t.live.liveSessions()).toEqual([]);
    expect(t.clock.pendingTimers).toBe(0);
    const looks = t.wasend.calls.length;
    await t.clock.advance(60_000);
    expect(t.wasend.calls.length).toBe(looks);
  });

  it('says the codes ran out when the series ends, and counts requests per rotation', async () => {
    const t = setup();
    t.wasend.addSession('demo', { status: 'STOPPED' });
    const watchStartAt = t.clock.now();
    const id = await t.sentId(ALICE);
    const watchStart = t.wasend.calls.length;
    await t.clock.advance(200_000);

    expect(t.messenger.shows(ALICE, id)).toBe('expired');
    const view = t.messenger.message(ALICE, id)!.view;
    expect(view.kind === 'expired' && view.reason).toBe('codes_ran_out');
    expect(t.store.peek(ALICE, id)?.state).toBe('expired');
    // 5 rotations, then the expired edit; nothing after.
    expect(t.messenger.edits(ALICE, id).map((e) => e.view.kind)).toEqual(['code', 'code', 'code', 'code', 'code', 'expired']);
    expect(t.clock.pendingTimers).toBe(0);
    const rotations = t.messenger.edits(ALICE, id).filter((e) => e.view.kind === 'code');
    const from = rotations[0]!.at;
    const to = rotations.at(-1)!.at;
    const inWindow = t.wasend.calls.filter((c) => c.at > from && c.at <= to);
    const perRotation = inWindow.length / (rotations.length - 1);
    const qrPerRotation = inWindow.filter((c) => c.method === 'getQr').length / (rotations.length - 1);
    const lags = rotations.map((e, i) => e.at - (watchStartAt + 2_000 + 60_000 + i * 20_000));
    console.log(
      `live-qr: ${t.wasend.calls.length - watchStart} Wasend requests for a whole 6-code series; ` +
        `${perRotation.toFixed(1)} requests per 20 s rotation, ${qrPerRotation.toFixed(1)} of them getQr; rotation-to-edit lag ms: ${lags.join(', ')}`,
    );
    // One status look a second (the feed) and the QR only around each rotation: 1.1 + 1/20 requests a second.
    expect(perRotation).toBeLessThanOrEqual(20 * (1.1 + 1 / 20));
    expect(qrPerRotation).toBeLessThanOrEqual(3);
    for (const lag of lags) expect(lag).toBeLessThan(1_000);
  });

  it('two chats watching one session share one look (one getQr per look) and one render per code', async () => {
    const t = setup();
    t.wasend.addSession('demo', { status: 'STOPPED' });
    const a = await t.sentId(ALICE);
    const b = await t.sentId(BOB);
    const before = t.wasend.callsOf('getQr').length;
    const rendersBefore = t.renders.length;
    await t.clock.advance(90_000);

    expect(t.messenger.shows(ALICE, a)).toBe(t.messenger.shows(BOB, b));
    expect(t.messenger.shows(ALICE, a)).toBe(`2@demo-2-${(t.wasend.currentFingerprint('demo') ?? '').split('.')[1]}`);
    const looks = t.wasend.callsOf('getQr').length - before;

    const solo = setup();
    solo.wasend.addSession('demo', { status: 'STOPPED' });
    await solo.sentId(ALICE);
    const soloBefore = solo.wasend.callsOf('getQr').length;
    await solo.clock.advance(90_000);
    expect(looks).toBe(solo.wasend.callsOf('getQr').length - soloBefore);
    expect(t.live.liveSessions()).toEqual(['demo']);
    const rotations = t.messenger.edits(ALICE, a).length;
    expect(rotations).toBeGreaterThanOrEqual(2);
    expect(t.renders.length - rendersBefore).toBe(rotations);
  });

  it('sends no edit while the code is unchanged, and looks at its QR only around the rotation', async () => {
    const t = setup();
    t.wasend.addSession('demo', { status: 'STOPPED' });
    const id = await t.sentId(ALICE);
    const qrBefore = t.wasend.callsOf('getQr').length;
    const statusBefore = t.wasend.callsOf('getSession').length;
    await t.clock.advance(50_000);
    // The link is watched every second by the status feed; the QR is not asked for before its 60 s are up.
    expect(t.wasend.callsOf('getSession').length - statusBefore).toBeGreaterThanOrEqual(45);
    expect(t.wasend.callsOf('getQr').length - qrBefore).toBe(0);
    expect(t.messenger.edits(ALICE, id)).toHaveLength(0);
  });

  it('takes not_modified as success', async () => {
    const t = setup();
    t.wasend.addSession('demo', { status: 'SCAN_QR_CODE' });
    const id = await t.sentId(ALICE);
    await t.clock.advance(55_000);
    t.messenger.failNextEdit('not_modified');
    await t.clock.advance(10_000);
    expect(t.messenger.edits(ALICE, id)).toHaveLength(1);
    expect(t.store.peek(ALICE, id)?.fingerprint).toBe('demo#1.1');
    await t.clock.advance(5_000);
    expect(t.messenger.edits(ALICE, id)).toHaveLength(1);
  });

  it('stops tracking a message that is gone, without disturbing the other chat', async () => {
    const t = setup();
    t.wasend.addSession('demo', { status: 'SCAN_QR_CODE', codeAgeMs: 50_000 });
    const a = await t.sentId(ALICE);
    const b = await t.sentId(BOB);
    t.messenger.deleteByUser(ALICE, a);
    await t.clock.advance(12_000);

    expect(t.store.peek(ALICE, a)?.state).toBe('gone');
    expect(t.messenger.shows(BOB, b)).toBe('2@demo-1-1');
    const aliceEdits = t.messenger.edits(ALICE, a).length;
    await t.clock.advance(40_000);
    expect(t.messenger.edits(ALICE, a)).toHaveLength(aliceEdits);
    expect(t.messenger.shows(BOB, b)).toBe('2@demo-1-3');

    t.messenger.deleteByUser(BOB, b);
    await t.clock.advance(20_000);
    expect(t.live.liveSessions()).toEqual([]);
    expect(t.clock.pendingTimers).toBe(0);
  });

  it('retries a failed edit at the next look and keeps the store truthful meanwhile', async () => {
    const t = setup();
    t.wasend.addSession('demo', { status: 'SCAN_QR_CODE', codeAgeMs: 59_000 });
    const id = await t.sentId(ALICE);
    t.messenger.failNextEdit('throw');
    await t.clock.advance(POLL_MS);
    expect(t.messenger.edits(ALICE, id)).toHaveLength(1);
    expect(t.messenger.shows(ALICE, id)).toBe('2@demo-1-0');
    expect(t.store.peek(ALICE, id)?.fingerprint).toBe('demo#1.0');
    expect(t.logger.entries.some((e) => e.level === 'warn')).toBe(true);

    await t.clock.advance(POLL_MS);
    expect(t.messenger.shows(ALICE, id)).toBe('2@demo-1-1');
    expect(t.store.peek(ALICE, id)?.fingerprint).toBe('demo#1.1');
  });

  it('keeps watching through Wasend errors, backing off on 429 as told', async () => {
    const t = setup();
    t.wasend.addSession('demo', { status: 'SCAN_QR_CODE' });
    const id = await t.sentId(ALICE);
    t.wasend.failNext('getQr', () => createWasendApiError({ status: 429, method: 'GET', path: '/sessions/demo/qr', retryAfterMs: 10_000 }));
    await t.clock.advance(POLL_MS);
    const limitedAt = t.clock.now();
    const after429 = t.wasend.callsOf('getQr').length;
    await t.clock.advance(9_000);
    expect(t.wasend.callsOf('getQr').length).toBe(after429);
    await t.clock.advance(1_500);
    expect(t.wasend.callsOf('getQr').length).toBe(after429 + 1);
    expect(t.clock.now() - limitedAt).toBeGreaterThanOrEqual(10_000);

    t.wasend.failNext('getQr', () => createWasendApiError({ status: 502, method: 'GET', path: '/sessions/demo/qr' }), 2);
    await t.clock.advance(60_000);
    expect(t.messenger.shows(ALICE, id)).toBe('2@demo-1-1');
    const warns = t.logger.entries.filter((e) => e.level === 'warn');
    expect(warns.length).toBeGreaterThanOrEqual(3);
  });

  it('expires a message at its deadline', async () => {
    const t = setup({ watchTimeoutMs: 30_000 });
    t.wasend.addSession('demo', { status: 'SCAN_QR_CODE' });
    const id = await t.sentId(ALICE);
    await t.clock.advance(30_000);
    const view = t.messenger.message(ALICE, id)!.view;
    expect(view.kind === 'expired' && view.reason).toBe('timed_out');
    expect(t.store.peek(ALICE, id)?.state).toBe('expired');
    expect(t.clock.pendingTimers).toBe(0);
  });

  it('says stopped when the session is logged out while shown', async () => {
    const t = setup();
    t.wasend.addSession('demo', { status: 'SCAN_QR_CODE' });
    const id = await t.sentId(ALICE);
    t.wasend.stop('demo');
    await t.clock.advance(POLL_MS);
    const view = t.messenger.message(ALICE, id)!.view;
    expect(view.kind === 'expired' && view.reason).toBe('stopped');
  });

  it('uses the expiry Wasend sends to look right after the rotation', async () => {
    const t = setup();
    t.wasend.addSession('demo', { status: 'SCAN_QR_CODE', codeAgeMs: 58_700, withExpiresAt: true });
    const id = await t.sentId(ALICE);
    const openedAt = t.clock.now();
    await t.clock.advance(1_500);
    const edit = t.messenger.edits(ALICE, id)[0];
    expect(edit?.view.kind).toBe('code');
    // rotation at openedAt + ~1.3 s; the edit follows within the 100 ms margin
    expect(edit!.at - openedAt).toBeLessThan(1_300 + 200);
  });
});

describe('renew, refresh, cancel', () => {
  it('renew restarts the session and puts a fresh code in the same message', async () => {
    const t = setup({ watchTimeoutMs: 30_000 });
    t.wasend.addSession('demo', { status: 'SCAN_QR_CODE' });
    const id = await t.sentId(ALICE);
    await t.clock.advance(30_000);
    expect(t.store.peek(ALICE, id)?.state).toBe('expired');

    const outcome = await t.clock.run(t.live.renew(ALICE, id, ALICE));
    expect(outcome).toEqual({ kind: 'sent', messageId: id });
    expect(t.wasend.callsOf('restartSession')).toHaveLength(1);
    expect(t.messenger.shows(ALICE, id)).toBe('2@demo-2-0');
    expect(t.messenger.sends()).toHaveLength(1);
    const row = t.store.peek(ALICE, id)!;
    expect(row.state).toBe('showing');
    expect(row.deadlineAt).toBe(t.clock.now() + 30_000);
    expect(t.live.liveSessions()).toEqual(['demo']);
  });

  it('renew of an unknown message is not_found', async () => {
    const t = setup();
    expect(await t.live.renew(ALICE, 999, ALICE)).toEqual({ kind: 'not_found' });
  });

  it('cancel edits the message to cancelled and stops its watcher', async () => {
    const t = setup();
    t.wasend.addSession('demo', { status: 'SCAN_QR_CODE' });
    const id = await t.sentId(ALICE);
    expect(await t.live.cancel(ALICE, id)).toBe(true);
    expect(t.messenger.shows(ALICE, id)).toBe('cancelled');
    expect(t.store.peek(ALICE, id)?.state).toBe('cancelled');
    expect(await t.live.cancel(ALICE, id)).toBe(false);
    expect(t.clock.pendingTimers).toBe(0);
  });

  it("cancelChat cancels that user's live messages in the chat and counts them", async () => {
    const t = setup();
    t.wasend.addSession('demo', { status: 'SCAN_QR_CODE' });
    t.wasend.addSession('other', { status: 'SCAN_QR_CODE' });
    const a1 = await t.sentId(ALICE, 'demo');
    const a2 = await t.sentId(ALICE, 'other');
    const b = await t.sentId(BOB, 'demo');
    expect(await t.live.cancelChat(ALICE, ALICE)).toBe(2);
    expect(t.messenger.shows(ALICE, a1)).toBe('cancelled');
    expect(t.messenger.shows(ALICE, a2)).toBe('cancelled');
    expect(t.store.peek(BOB, b)?.state).toBe('showing');
    expect(t.live.liveSessions()).toEqual(['demo']);
  });

  it('refresh looks at once and shows a code that rotated', async () => {
    const t = setup();
    t.wasend.addSession('demo', { status: 'SCAN_QR_CODE' });
    const id = await t.sentId(ALICE);
    const looks = t.wasend.callsOf('getQr').length;
    await t.clock.run(t.live.refresh(ALICE, id), { stepMs: 1 });
    expect(t.wasend.callsOf('getQr').length).toBe(looks + 1);
  });
});

describe('webhooks, restart and stop', () => {
  it('poke looks at once, coalesces a burst, and ignores sessions with no live message', async () => {
    const t = setup();
    t.wasend.addSession('demo', { status: 'SCAN_QR_CODE' });
    const id = await t.sentId(ALICE);
    const looks = t.wasend.calls.length;
    t.wasend.scan('demo');
    t.live.poke('demo');
    t.live.poke('demo');
    t.live.poke('demo');
    t.live.poke('unwatched');
    await t.clock.advance(0);
    expect(t.messenger.shows(ALICE, id)).toBe('connected');
    expect(t.wasend.calls.length).toBe(looks + 1);
    expect(t.wasend.callsOf('getQr', 'unwatched')).toHaveLength(0);
  });

  it('resume picks up live messages, shows a code that rotated while down, and expires overdue ones', async () => {
    const clock = new FakeClock();
    const store = new MemoryLiveStore(clock);
    const messenger = new FakeMessenger(clock);
    const wasend = new FakeWasend(clock);
    wasend.addSession('demo', { status: 'SCAN_QR_CODE', codeAgeMs: 70_000 });
    wasend.addSession('old', { status: 'SCAN_QR_CODE' });
    const now = clock.now();
    const row = { userId: ALICE, state: 'showing' as const, expiresAt: null, createdAt: now - 70_000, updatedAt: now - 70_000 };
    await store.save({ ...row, chatId: ALICE, messageId: 1, sessionId: 'demo', fingerprint: 'demo#1.0', deadlineAt: now + 100_000 });
    await store.save({ ...row, chatId: ALICE, messageId: 2, sessionId: 'old', fingerprint: 'old#1.0', deadlineAt: now - 1 });
    messenger.seed(ALICE, 1, {
      kind: 'code',
      sessionId: 'demo',
      png: Buffer.from('png:2@demo-1-0'),
      fingerprint: 'demo#1.0',
      expiresAt: null,
      codeNumber: 1,
    });
    messenger.seed(ALICE, 2, {
      kind: 'code',
      sessionId: 'old',
      png: Buffer.from('png:2@old-1-0'),
      fingerprint: 'old#1.0',
      expiresAt: null,
      codeNumber: 1,
    });

    const t = setup({ clock, store, messenger, wasend });
    await t.live.resume();
    await clock.advance(0);

    expect(messenger.shows(ALICE, 1)).toBe('2@demo-1-1');
    expect(store.peek(ALICE, 1)).toMatchObject({ state: 'showing', fingerprint: 'demo#1.1' });
    expect(messenger.shows(ALICE, 2)).toBe('expired');
    expect(store.peek(ALICE, 2)?.state).toBe('expired');
    expect(wasend.callsOf('getQr', 'old')).toHaveLength(0);
    expect(t.live.liveSessions()).toEqual(['demo']);
  });

  it('stop clears every timer, waits for an edit in flight, and no look starts afterwards', async () => {
    const t = setup();
    t.wasend.addSession('demo', { status: 'SCAN_QR_CODE', codeAgeMs: 59_500 });
    const id = await t.sentId(ALICE);
    let release!: () => void;
    t.messenger.gate = new Promise((resolve) => (release = resolve));
    await t.clock.advance(POLL_MS);
    expect(t.messenger.edits(ALICE, id)).toHaveLength(1);

    let stopped = false;
    const stopping = t.live.stop().then(() => (stopped = true));
    await t.clock.flush();
    expect(stopped).toBe(false);
    release();
    await stopping;
    expect(t.messenger.shows(ALICE, id)).toBe('2@demo-1-1');
    expect(t.clock.pendingTimers).toBe(0);

    const calls = t.wasend.calls.length;
    t.live.poke('demo');
    await t.clock.advance(120_000);
    expect(t.wasend.calls.length).toBe(calls);
    expect(await t.live.open({ chatId: BOB, userId: BOB, sessionId: 'demo' })).toEqual({ kind: 'unavailable', reason: 'down' });
  });

  it('never rejects when the store throws', async () => {
    const t = setup();
    t.wasend.addSession('demo', { status: 'SCAN_QR_CODE', codeAgeMs: 59_000 });
    const id = await t.sentId(ALICE);
    t.store.update = () => {
      throw new Error('SQLITE_BUSY');
    };
    await t.clock.advance(2_000);
    expect(t.messenger.shows(ALICE, id)).toBe('2@demo-1-1');
    expect(t.logger.entries.some((e) => e.level === 'error')).toBe(true);
  });
});

describe('speed: Telegram and Wasend do not wait on each other', () => {
  it('asks Wasend once when the session already shows a code, and chats opening at once share that request', async () => {
    const t = setup();
    t.wasend.addSession('demo', { status: 'SCAN_QR_CODE' });
    expect((await t.open(ALICE)).kind).toBe('sent');
    expect(t.wasend.calls.map((c) => c.method)).toEqual(['getQr']);

    t.wasend.addSession('other', { status: 'SCAN_QR_CODE' });
    const chats = Array.from({ length: 10 }, (_, i) => 1_000 + i);
    const outcomes = await t.clock.run(Promise.all(chats.map((chatId) => t.live.open({ chatId, userId: chatId, sessionId: 'other' }))));
    expect(outcomes.map((o) => o.kind)).toEqual(chats.map(() => 'sent'));
    expect(t.wasend.callsOf('getQr', 'other')).toHaveLength(1);
    for (const chatId of chats) expect(t.messenger.sends(chatId)).toHaveLength(1);
  });

  it('says Telegram failed, not Wasend, when the photo cannot be sent', async () => {
    const t = setup();
    t.wasend.addSession('demo', { status: 'SCAN_QR_CODE' });
    t.messenger.send = async () => {
      throw new Error('Telegram: 400 Bad Request: chat not found');
    };
    expect(await t.open(ALICE)).toEqual({ kind: 'unavailable', reason: 'telegram' });
    expect(t.store.peekLive()).toHaveLength(0);
    expect(t.live.liveSessions()).toEqual([]);
  });

  it('keeps watching the session while Telegram is slow to apply an edit, without queueing that edit twice', async () => {
    const t = setup({ pollIntervalMs: 100 });
    t.wasend.addSession('demo', { status: 'SCAN_QR_CODE', codeAgeMs: 59_700 });
    const id = await t.sentId(ALICE);
    const release = t.messenger.holdEdits((view) => view.kind === 'code');
    await t.clock.advance(500);
    expect(t.messenger.edits(ALICE, id)).toHaveLength(1);

    const looks = t.wasend.callsOf('getSession').length;
    await t.clock.advance(1_000);
    expect(t.wasend.callsOf('getSession').length - looks).toBeGreaterThanOrEqual(9);
    expect(t.messenger.edits(ALICE, id)).toHaveLength(1);

    release();
    await t.clock.advance(100);
    expect(t.messenger.shows(ALICE, id)).toBe('2@demo-1-1');
    expect(t.store.peek(ALICE, id)?.fingerprint).toBe('demo#1.1');
  });

  it('cancel edits at once while a code edit is in flight, and that late code edit does not win', async () => {
    const t = setup({ pollIntervalMs: 100 });
    t.wasend.addSession('demo', { status: 'SCAN_QR_CODE', codeAgeMs: 59_700 });
    const id = await t.sentId(ALICE);
    const release = t.messenger.holdEdits((view) => view.kind === 'code');
    await t.clock.advance(500);
    expect(t.messenger.edits(ALICE, id).map((e) => e.view.kind)).toEqual(['code']);

    let cancelled: boolean | undefined;
    void t.live.cancel(ALICE, id).then((result) => (cancelled = result));
    await t.clock.flush();
    expect(cancelled).toBe(true);
    expect(t.messenger.shows(ALICE, id)).toBe('cancelled');
    expect(t.store.peek(ALICE, id)?.state).toBe('cancelled');

    release(); // Telegram applies the old code edit after the cancel...
    await t.clock.advance(1_000);
    expect(t.messenger.shows(ALICE, id)).toBe('cancelled'); // ...and the cancel is put back on top.
    expect(t.store.peek(ALICE, id)?.state).toBe('cancelled');
    expect(t.live.liveSessions()).toEqual([]);
    expect(t.clock.pendingTimers).toBe(0);
  });

  it('cancel does not wait for a look whose Wasend answer is slow, and that answer edits nothing', async () => {
    const t = setup({ pollIntervalMs: 100 });
    t.wasend.addSession('demo', { status: 'SCAN_QR_CODE', codeAgeMs: 59_700 });
    const id = await t.sentId(ALICE);
    let answer!: () => void;
    const slow = new Promise<void>((resolve) => (answer = resolve));
    const getQr = t.wasend.getQr.bind(t.wasend);
    t.wasend.getQr = async (sessionId, options) => {
      await slow;
      return getQr(sessionId, options);
    };
    await t.clock.advance(500);
    expect(await t.live.cancel(ALICE, id)).toBe(true);
    expect(t.messenger.shows(ALICE, id)).toBe('cancelled');

    answer();
    await t.clock.advance(1_000);
    expect(t.messenger.shows(ALICE, id)).toBe('cancelled');
    expect(t.messenger.edits(ALICE, id).map((e) => e.view.kind)).toEqual(['cancelled']);
  });

  it('ends the watch as soon as the last message turns out gone, not at the next look', async () => {
    const t = setup();
    t.wasend.addSession('demo', { status: 'SCAN_QR_CODE', codeAgeMs: 59_000 });
    const id = await t.sentId(ALICE);
    t.messenger.deleteByUser(ALICE, id);
    const release = t.messenger.holdEdits((view) => view.kind === 'code');
    await t.clock.advance(POLL_MS + 100); // the look after the rotation at 60 s is done; its edit is still on its way
    expect(t.messenger.edits(ALICE, id)).toHaveLength(1);
    release(); // Telegram: message to edit not found
    await t.clock.flush();
    expect(t.store.peek(ALICE, id)?.state).toBe('gone');
    expect(t.live.liveSessions()).toEqual([]);
    expect(t.clock.pendingTimers).toBe(0);
  });

  it('a second chat waiting for a code takes the one the watcher just saw when its own answers say not ready', async () => {
    const t = setup({ pollIntervalMs: 1_000 });
    t.wasend.addSession('demo', { status: 'SCAN_QR_CODE' });
    await t.sentId(ALICE);
    const grid = t.clock.now();
    const getQr = t.wasend.getQr.bind(t.wasend);
    // Answers disagree with each other (a flapping backend): only the watcher's looks, on its 1 s grid, get a code.
    t.wasend.getQr = async (sessionId, options) => {
      if ((t.clock.now() - grid) % 1_000 !== 0) throw createWasendApiError({ status: 422, method: 'GET', path: `/sessions/${sessionId}/qr` });
      return getQr(sessionId, options);
    };
    await t.clock.advance(500);
    const started = t.clock.now();
    const outcome = await t.open(BOB);
    expect(outcome.kind).toBe('sent');
    expect(t.messenger.shows(BOB, (outcome as { messageId: number }).messageId)).toBe('2@demo-1-0');
    expect(t.clock.now() - started).toBeLessThan(5_000);
  });
});

describe('pairing codes and passkeys in live messages', () => {
  const PHONE = { phone: '5511987654321' };

  it('a pairing code replaces the QR in its own message only, is left alone by QR rotations, and lapses at its lifetime', async () => {
    const t = setup({ pairingLifetimeMs: 90_000 });
    t.wasend.addSession('demo', { status: 'SCAN_QR_CODE' });
    const alice = await t.sentId(ALICE);
    const bob = await t.sentId(BOB);
    expect(await t.clock.run(t.live.renew(ALICE, alice, ALICE, PHONE))).toEqual({ kind: 'sent', messageId: alice });
    const askedAt = t.clock.now();
    expect(t.messenger.shows(ALICE, alice)).toBe('pairing:PAIR-0001');
    expect(t.store.peek(ALICE, alice)?.pairing).toEqual({ phone: PHONE.phone, expiresAt: askedAt + 90_000 });

    await t.clock.advance(60_000);
    expect(t.messenger.shows(BOB, bob)).toBe('2@demo-1-1');
    expect(t.messenger.shows(ALICE, alice)).toBe('pairing:PAIR-0001');

    await t.clock.advance(askedAt + 89_900 - t.clock.now());
    expect(t.messenger.shows(ALICE, alice)).toBe('pairing:PAIR-0001');
    await t.clock.advance(200);
    const view = t.messenger.message(ALICE, alice)?.view;
    expect(view).toMatchObject({ kind: 'expired', reason: 'timed_out', pairing: true });
    // The QR message kept following the series meanwhile.
    expect(t.messenger.shows(BOB, bob)).toBe('2@demo-1-2');
  });

  it('asks Wasend for at most one code per session a minute, and says when the next is possible', async () => {
    const t = setup();
    t.wasend.addSession('demo', { status: 'SCAN_QR_CODE' });
    const alice = await t.sentId(ALICE);
    const bob = await t.sentId(BOB);
    await t.clock.run(t.live.renew(ALICE, alice, ALICE, PHONE));
    const askedAt = t.clock.now();
    expect(await t.clock.run(t.live.renew(BOB, bob, BOB, PHONE))).toEqual({ kind: 'pairing_wait', retryAt: askedAt + 60_000 });
    expect(await t.clock.run(t.live.open({ chatId: BOB, userId: BOB, sessionId: 'demo', pairing: PHONE }))).toEqual({
      kind: 'pairing_wait',
      retryAt: askedAt + 60_000,
    });
    expect(t.wasend.callsOf('requestPairingCode')).toHaveLength(1);
    await t.clock.advance(askedAt + 60_000 - t.clock.now());
    expect(await t.clock.run(t.live.renew(BOB, bob, BOB, PHONE))).toEqual({ kind: 'sent', messageId: bob });
    expect(t.messenger.shows(BOB, bob)).toBe('pairing:PAIR-0002');
  });

  it('a passkey step takes every message of the session, QR and pairing alike, and each gets its own face back after', async () => {
    const t = setup();
    t.wasend.addSession('demo', { status: 'SCAN_QR_CODE' });
    const alice = await t.sentId(ALICE);
    const bob = await t.sentId(BOB);
    await t.clock.run(t.live.renew(ALICE, alice, ALICE, PHONE));

    t.wasend.passkey('demo', 'confirmation');
    await t.clock.advance(1_500);
    expect(t.messenger.shows(ALICE, alice)).toBe('passkey:4321');
    expect(t.messenger.shows(BOB, bob)).toBe('passkey:4321');
    const looks = t.wasend.callsOf('getQr').length;
    await t.clock.advance(30_000);
    expect(t.wasend.callsOf('getQr')).toHaveLength(looks);

    t.wasend.backToScanning('demo');
    await t.clock.advance(1_500);
    expect(t.messenger.shows(BOB, bob)).toBe('2@demo-2-0');
    expect(t.messenger.shows(ALICE, alice)).toBe('pairing:PAIR-0001');
  });

  it('a passkey the browser signs ends in Connected; a webhook code is shown without asking Wasend', async () => {
    const t = setup();
    t.wasend.addSession('demo', { status: 'SCAN_QR_CODE' });
    const alice = await t.sentId(ALICE);
    t.wasend.passkey('demo', 'required');
    t.live.poke('demo', 'passkey_required');
    await t.clock.advance(100);
    expect(t.messenger.shows(ALICE, alice)).toBe('passkey');

    t.wasend.passkey('demo', 'confirmation');
    t.live.poke('demo', 'passkey_confirmation', '9876');
    await t.clock.advance(100);
    expect(t.messenger.shows(ALICE, alice)).toBe('passkey:9876');
    expect(t.wasend.callsOf('getPasskeyConfirmation')).toHaveLength(0);

    t.wasend.scan('demo');
    await t.clock.advance(1_500);
    expect(t.messenger.shows(ALICE, alice)).toBe('connected');
  });
});
