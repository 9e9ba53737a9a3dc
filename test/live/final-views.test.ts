import { afterEach, describe, expect, it } from 'vitest';
import { createLiveHarness, FakeClock, FakeMessenger, FakeWasend, MemoryLiveStore } from './fakes.js';

const POLL_MS = 2_000;
const ALICE = 11;
const BOB = 22;

let stops: Array<() => Promise<void>> = [];
function harness(deps: Parameters<typeof createLiveHarness>[0] = {}) {
  const h = createLiveHarness({ pollIntervalMs: POLL_MS, ...deps });
  stops.push(h.stop);
  return h;
}
afterEach(async () => {
  for (const stop of stops) await stop();
  stops = [];
});

const pending = (row: { finalEditSince?: number | null } | undefined) => row?.finalEditSince ?? null;

describe('a final view Telegram refuses is retried until it shows', () => {
  it('cancel: the code stays on screen only until a retry puts "cancelled" there; no Wasend look meanwhile', async () => {
    const t = harness();
    t.wasend.addSession('demo', { status: 'SCAN_QR_CODE' });
    const id = await t.sentId(ALICE);
    t.messenger.failNextEdit('throw', { chatId: ALICE });
    expect(await t.clock.run(t.live.cancel(ALICE, id))).toBe(true);
    expect(t.messenger.shows(ALICE, id)).toBe('2@demo-1-0');
    expect(t.store.peek(ALICE, id)?.state).toBe('cancelled');
    expect(pending(t.store.peek(ALICE, id))).not.toBeNull();
    const looks = t.wasend.callsOf('getQr').length;

    await t.clock.advance(5_000);
    expect(t.messenger.shows(ALICE, id)).toBe('cancelled');
    expect(t.store.peek(ALICE, id)?.state).toBe('cancelled');
    expect(pending(t.store.peek(ALICE, id))).toBeNull();
    expect(t.wasend.callsOf('getQr')).toHaveLength(looks);
    expect(t.clock.pendingTimers).toBe(0);
  });

  it('the Refresh button on such a message puts the final view again at once', async () => {
    const t = harness();
    t.wasend.addSession('demo', { status: 'SCAN_QR_CODE' });
    const id = await t.sentId(ALICE);
    t.messenger.failNextEdit('throw', { chatId: ALICE });
    await t.clock.run(t.live.cancel(ALICE, id));
    expect(t.messenger.shows(ALICE, id)).toBe('2@demo-1-0');
    const edits = t.messenger.edits(ALICE, id).length;
    await t.clock.run(t.live.refresh(ALICE, id), { stepMs: 1 });
    expect(t.messenger.edits(ALICE, id)).toHaveLength(edits + 1);
    expect(t.messenger.shows(ALICE, id)).toBe('cancelled');
  });

  it('a restart retries the pending final view it finds in the store', async () => {
    const clock = new FakeClock();
    const store = new MemoryLiveStore(clock);
    const messenger = new FakeMessenger(clock);
    const wasend = new FakeWasend(clock);
    wasend.addSession('demo', { status: 'SCAN_QR_CODE' });
    const first = harness({ clock, store, messenger, wasend });
    const id = await first.sentId(ALICE);
    messenger.failNextEdit('throw', { chatId: ALICE });
    await clock.run(first.live.cancel(ALICE, id));
    await first.stop();
    expect(messenger.shows(ALICE, id)).toBe('2@demo-1-0');

    const second = harness({ clock, store, messenger, wasend });
    const looks = wasend.callsOf('getQr').length;
    await second.live.resume();
    await clock.advance(0);
    expect(messenger.shows(ALICE, id)).toBe('cancelled');
    expect(store.peek(ALICE, id)?.state).toBe('cancelled');
    expect(pending(store.peek(ALICE, id))).toBeNull();
    expect(wasend.callsOf('getQr')).toHaveLength(looks);
    expect(second.live.liveSessions()).toEqual([]);
  });

  it("takes 'gone' and 'not_modified' from a retry as settled, and tries no more", async () => {
    const t = harness();
    t.wasend.addSession('demo', { status: 'SCAN_QR_CODE' });
    const a = await t.sentId(ALICE);
    const b = await t.sentId(BOB);
    t.messenger.failNextEdit('throw', { chatId: ALICE });
    t.messenger.failNextEdit('throw', { chatId: BOB });
    await t.clock.run(t.live.cancelChat(ALICE, ALICE));
    await t.clock.run(t.live.cancelChat(BOB, BOB));
    t.messenger.failNextEdit('gone', { chatId: ALICE });
    t.messenger.failNextEdit('not_modified', { chatId: BOB });

    await t.clock.advance(5_000);
    expect(t.store.peek(ALICE, a)).toMatchObject({ state: 'gone' });
    expect(t.store.peek(BOB, b)).toMatchObject({ state: 'cancelled' });
    expect(pending(t.store.peek(ALICE, a))).toBeNull();
    expect(pending(t.store.peek(BOB, b))).toBeNull();
    const edits = t.messenger.edits().length;
    await t.clock.advance(15 * 60_000);
    expect(t.messenger.edits()).toHaveLength(edits);
    expect(t.clock.pendingTimers).toBe(0);
  });

  it('backs off and gives up with a warning after about 10 minutes of refusals', async () => {
    const t = harness();
    t.wasend.addSession('demo', { status: 'SCAN_QR_CODE' });
    const id = await t.sentId(ALICE);
    t.messenger.failNextEdit('throw', { chatId: ALICE, count: 1_000 });
    await t.clock.run(t.live.cancel(ALICE, id));
    await t.clock.advance(9 * 60_000);
    expect(pending(t.store.peek(ALICE, id))).not.toBeNull();
    expect(t.logger.entries.some((e) => e.msg?.startsWith('gave up'))).toBe(false);

    await t.clock.advance(2 * 60_000);
    const gaveUp = t.logger.entries.filter((e) => e.level === 'warn' && e.msg?.startsWith('gave up'));
    expect(gaveUp).toHaveLength(1);
    expect(t.store.peek(ALICE, id)?.state).toBe('cancelled');
    expect(pending(t.store.peek(ALICE, id))).toBeNull();
    const tries = t.messenger.edits(ALICE, id).length;
    expect(tries).toBeGreaterThan(5);
    expect(tries).toBeLessThan(25); // backoff: not one try per poll interval (that would be ~300)
    await t.clock.advance(10 * 60_000);
    expect(t.messenger.edits(ALICE, id)).toHaveLength(tries);
    expect(t.clock.pendingTimers).toBe(0);
  });

  it('an "expired" at the deadline that Telegram refuses many times still ends up on screen', async () => {
    const t = harness({ watchTimeoutMs: 30_000 });
    t.wasend.addSession('demo', { status: 'SCAN_QR_CODE' });
    const id = await t.sentId(ALICE);
    t.messenger.failNextEdit('throw', { chatId: ALICE, count: 8 });
    await t.clock.advance(30_000);
    expect(t.messenger.shows(ALICE, id)).toBe('2@demo-1-0');
    const looks = t.wasend.callsOf('getQr').length;

    await t.clock.advance(5 * 60_000);
    const view = t.messenger.message(ALICE, id)!.view;
    expect(view.kind === 'expired' && view.reason).toBe('timed_out');
    expect(t.store.peek(ALICE, id)).toMatchObject({ state: 'expired', expiredReason: 'timed_out' });
    expect(pending(t.store.peek(ALICE, id))).toBeNull();
    expect(t.wasend.callsOf('getQr')).toHaveLength(looks);
  });

  it('"connected" refused once is retried without asking Wasend again', async () => {
    const t = harness();
    t.wasend.addSession('demo', { status: 'SCAN_QR_CODE' });
    const id = await t.sentId(ALICE);
    t.wasend.scan('demo');
    t.messenger.failNextEdit('throw', { chatId: ALICE });
    await t.clock.advance(1_500); // the status feed saw the link within a second; the retry comes a poll interval later
    expect(t.messenger.shows(ALICE, id)).toBe('2@demo-1-0');
    expect(t.store.peek(ALICE, id)?.state).toBe('connected');
    const calls = t.wasend.calls.length;

    await t.clock.advance(10_000);
    expect(t.messenger.shows(ALICE, id)).toBe('connected');
    expect(pending(t.store.peek(ALICE, id))).toBeNull();
    expect(t.wasend.calls).toHaveLength(calls);
  });

  it('a retired message whose edit was refused is retried, and the new message keeps its code', async () => {
    const t = harness();
    t.wasend.addSession('demo', { status: 'SCAN_QR_CODE' });
    const first = await t.sentId(ALICE);
    t.messenger.failNextEdit('throw', { chatId: ALICE });
    const second = await t.sentId(ALICE);
    expect(t.messenger.shows(ALICE, first)).toBe('2@demo-1-0');

    await t.clock.advance(5_000);
    expect(t.messenger.shows(ALICE, first)).toBe('retired');
    expect(t.store.peek(ALICE, first)?.state).toBe('retired');
    expect(t.messenger.shows(ALICE, second)).toBe('2@demo-1-0');
    expect(t.store.peek(ALICE, second)?.state).toBe('showing');
  });

  it('New QR on a message with a pending final view shows the fresh code, and the old final view never overwrites it', async () => {
    const t = harness();
    t.wasend.addSession('demo', { status: 'SCAN_QR_CODE' });
    const id = await t.sentId(ALICE);
    t.messenger.failNextEdit('throw', { chatId: ALICE });
    await t.clock.run(t.live.cancel(ALICE, id));
    const outcome = await t.clock.run(t.live.renew(ALICE, id, ALICE));
    expect(outcome).toEqual({ kind: 'sent', messageId: id });
    expect(t.messenger.shows(ALICE, id)).toBe('2@demo-2-0');
    await t.clock.advance(20_000);
    expect(t.messenger.shows(ALICE, id)).toBe('2@demo-2-0');
    expect(t.store.peek(ALICE, id)).toMatchObject({ state: 'showing' });
    expect(pending(t.store.peek(ALICE, id))).toBeNull();
  });
});
