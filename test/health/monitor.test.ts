import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createHealthMonitor } from '../../src/health/monitor.js';
import type { HealthMonitor, HealthMonitorDeps } from '../../src/health/types.js';
import { createStore } from '../../src/store/sqlite.js';
import type { Store } from '../../src/store/types.js';
import { FakeClock } from '../live/fakes.js';
import { createMemoryLogger } from '../support/memory-logger.js';
import { useTempDir } from '../store/temp-dir.js';
import { createMemoryNotifier } from './fakes.js';
import { FakeWasend } from '../support/fake-gateway.js';

const CONFIRM_MS = 20_000;
const COOLDOWN_MS = 15 * 60_000;
const INTERVAL_MS = 180_000;

const tempDir = useTempDir();
const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

interface Setup {
  clock: FakeClock;
  wasend: FakeWasend;
  notifier: ReturnType<typeof createMemoryNotifier>;
  logger: ReturnType<typeof createMemoryLogger>;
  store: Store;
  path: string;
  monitor: HealthMonitor;
  /** A new monitor (after stopping the current one) on a reopened store file, as after a process restart. */
  restart(): Promise<void>;
}

async function setup(overrides: Partial<HealthMonitorDeps> = {}): Promise<Setup> {
  const clock = new FakeClock();
  // A session keeps the status word a test sets (STARTING does not move on to a QR by itself here).
  const wasend = new FakeWasend(clock, { startingMs: 24 * 3_600_000 });
  const notifier = createMemoryNotifier();
  const logger = createMemoryLogger();
  const path = join(tempDir(), 'health.sqlite');
  const open = async () => {
    const store = await createStore(path, { now: () => clock.now() });
    cleanups.push(() => store.close());
    return store;
  };
  const build = (store: Store) => {
    const monitor = createHealthMonitor({
      wasend,
      watches: store.watches,
      state: store.health,
      notifier,
      logger,
      clock,
      intervalMs: INTERVAL_MS,
      confirmDelayMs: CONFIRM_MS,
      alertCooldownMs: COOLDOWN_MS,
      ...overrides,
    });
    cleanups.push(() => monitor.stop());
    return monitor;
  };
  const store = await open();
  const s: Setup = {
    clock,
    wasend,
    notifier,
    logger,
    store,
    path,
    monitor: build(store),
    async restart() {
      await s.monitor.stop();
      await s.store.close();
      s.store = await open();
      s.monitor = build(s.store);
    },
  };
  return s;
}

/** alpha watched by users 1 and 2, beta by user 3; both linked and known to be up. */
async function linkedPair(overrides: Partial<HealthMonitorDeps> = {}): Promise<Setup> {
  const s = await setup(overrides);
  await s.store.watches.add({ userId: 1, chatId: 101, sessionId: 'alpha' });
  await s.store.watches.add({ userId: 2, chatId: 102, sessionId: 'alpha' });
  await s.store.watches.add({ userId: 3, chatId: 103, sessionId: 'beta' });
  s.wasend.set('WORKING', 'alpha', 'beta', 'unwatched');
  await s.monitor.checkNow();
  return s;
}

async function dropAndConfirm(s: Setup, id: string, status = 'STOPPED'): Promise<void> {
  s.wasend.set(status, id);
  await s.monitor.checkNow();
  await s.clock.advance(CONFIRM_MS);
}

describe('health monitor', () => {
  it('confirms a drop after the delay, then alerts each watcher once with the raw status', async () => {
    const s = await linkedPair();
    s.wasend.set('STOPPED', 'alpha');
    await s.monitor.checkNow();
    expect(s.notifier.sent).toEqual([]);
    expect(s.wasend.count('getSession')).toBe(0);

    await s.clock.advance(CONFIRM_MS - 1);
    expect(s.notifier.sent).toEqual([]);
    await s.clock.advance(1);
    expect(s.wasend.count('getSession', 'alpha')).toBe(1);
    expect(s.notifier.sent).toEqual([
      { kind: 'down', userId: 1, chatId: 101, sessionId: 'alpha', raw: 'STOPPED' },
      { kind: 'down', userId: 2, chatId: 102, sessionId: 'alpha', raw: 'STOPPED' },
    ]);

    await s.monitor.checkNow();
    await s.clock.advance(INTERVAL_MS);
    await s.monitor.checkNow();
    expect(s.notifier.sent).toHaveLength(2);
    expect(await s.store.health.get('alpha')).toMatchObject({ state: 'down' });
    expect(await s.store.health.get('beta')).toMatchObject({ state: 'up' });
  });

  it.each(['SCAN_QR_CODE', 'FAILED', 'STARTING', 'PASSKEY_REQUIRED'])('treats %s after connected as a drop', async (status) => {
    const s = await linkedPair();
    await dropAndConfirm(s, 'beta', status);
    expect(s.notifier.sent).toEqual([{ kind: 'down', userId: 3, chatId: 103, sessionId: 'beta', raw: status }]);
  });

  it('treats a session gone from Wasend as a drop', async () => {
    const s = await linkedPair();
    s.wasend.remove('beta');
    await s.monitor.checkNow();
    await s.clock.advance(CONFIRM_MS);
    expect(s.notifier.of('down')).toEqual([{ kind: 'down', userId: 3, chatId: 103, sessionId: 'beta', raw: 'NOT_FOUND' }]);
  });

  it('sends nothing when the session is linked again within the confirm window', async () => {
    const s = await linkedPair();
    s.wasend.set('SCAN_QR_CODE', 'alpha');
    await s.monitor.checkNow();
    await s.clock.advance(CONFIRM_MS / 2);
    s.wasend.set('WORKING', 'alpha');
    await s.clock.advance(CONFIRM_MS);
    await s.monitor.checkNow();
    expect(s.notifier.sent).toEqual([]);
    expect(await s.store.health.get('alpha')).toMatchObject({ state: 'up' });
  });

  it('does not alert for a watched session that was never seen linked', async () => {
    const s = await setup();
    await s.store.watches.add({ userId: 1, chatId: 101, sessionId: 'fresh' });
    s.wasend.set('STOPPED', 'fresh');
    await s.monitor.checkNow();
    await s.clock.advance(CONFIRM_MS);
    await s.monitor.checkNow();
    expect(s.notifier.sent).toEqual([]);
    expect(s.wasend.count('getSession')).toBe(0);
  });

  it('says back online once per watcher when a dropped session is linked again', async () => {
    const s = await linkedPair();
    await dropAndConfirm(s, 'alpha');
    s.wasend.set('WORKING', 'alpha');
    await s.monitor.checkNow();
    await s.clock.flush();
    await s.monitor.checkNow();
    await s.clock.flush();
    expect(s.notifier.of('up')).toEqual([
      { kind: 'up', userId: 1, chatId: 101, sessionId: 'alpha', raw: 'WORKING' },
      { kind: 'up', userId: 2, chatId: 102, sessionId: 'alpha', raw: 'WORKING' },
    ]);
  });

  it('alerts nobody for a second drop within the cooldown, and again after it', async () => {
    const s = await linkedPair();
    await dropAndConfirm(s, 'beta');
    s.wasend.set('WORKING', 'beta');
    await s.monitor.checkNow();
    await s.clock.advance(60_000);

    await dropAndConfirm(s, 'beta', 'FAILED');
    expect(s.notifier.of('down')).toHaveLength(1);
    expect(await s.store.health.get('beta')).toMatchObject({ state: 'down' });
    s.wasend.set('WORKING', 'beta');
    await s.monitor.checkNow();
    await s.clock.flush();
    // The second drop was not announced, so neither is its end.
    expect(s.notifier.of('up')).toHaveLength(1);

    await s.clock.advance(COOLDOWN_MS);
    await dropAndConfirm(s, 'beta');
    expect(s.notifier.of('down')).toHaveLength(2);
  });

  it('neither repeats nor forgets an alert across a restart', async () => {
    const s = await linkedPair();
    await dropAndConfirm(s, 'alpha');
    expect(s.notifier.of('down')).toHaveLength(2);

    await s.restart();
    await s.monitor.checkNow();
    await s.clock.advance(CONFIRM_MS);
    await s.monitor.checkNow();
    expect(s.notifier.of('down')).toHaveLength(2);

    s.wasend.set('WORKING', 'alpha');
    await s.monitor.checkNow();
    await s.clock.flush();
    expect(s.notifier.of('up', 'alpha').map((a) => a.userId)).toEqual([1, 2]);
  });

  it('picks up a suspected drop again after a restart inside the confirm window', async () => {
    const s = await linkedPair();
    s.wasend.set('STOPPED', 'beta');
    await s.monitor.checkNow();
    await s.restart();
    await s.clock.advance(CONFIRM_MS);
    expect(s.notifier.sent).toEqual([]);
    await s.monitor.checkNow();
    await s.clock.advance(CONFIRM_MS);
    expect(s.notifier.of('down', 'beta')).toHaveLength(1);
  });

  it('acts on a webhook poke at once, with the confirm delay for a drop', async () => {
    const s = await linkedPair();
    const lists = s.wasend.count('listSessions');
    s.wasend.set('STOPPED', 'alpha');
    s.monitor.poke('alpha', { state: 'stopped', raw: 'STOPPED' });
    await s.clock.advance(CONFIRM_MS);
    expect(s.notifier.of('down', 'alpha')).toHaveLength(2);

    s.wasend.set('WORKING', 'alpha');
    s.monitor.poke('alpha');
    await s.clock.flush();
    expect(s.notifier.of('up', 'alpha')).toHaveLength(2);
    expect(s.wasend.count('listSessions')).toBe(lists);

    const calls = s.wasend.calls.length;
    s.monitor.poke('unwatched', { state: 'stopped', raw: 'STOPPED' });
    s.monitor.poke('unwatched');
    await s.clock.advance(CONFIRM_MS);
    expect(s.wasend.calls.length).toBe(calls);
  });

  it('survives Wasend failures and works again on the next cycle', async () => {
    const s = await linkedPair();
    s.wasend.set('STOPPED', 'alpha');
    s.wasend.failNext('listSessions', 503);
    await expect(s.monitor.checkNow()).resolves.toBeUndefined();
    expect(s.logger.entries.some((e) => e.level === 'warn')).toBe(true);

    await s.monitor.checkNow();
    s.wasend.failNext('getSession', 500);
    await s.clock.advance(CONFIRM_MS);
    expect(s.notifier.sent).toEqual([]);

    await s.monitor.checkNow();
    await s.clock.advance(CONFIRM_MS);
    expect(s.notifier.of('down', 'alpha')).toHaveLength(2);
  });

  it('keeps alerting the other watchers when one alert fails', async () => {
    const s = await linkedPair();
    s.notifier.failFor.add(101);
    await dropAndConfirm(s, 'alpha');
    expect(s.notifier.of('down').map((a) => a.userId)).toEqual([2]);
    expect(s.logger.entries.some((e) => e.msg === 'health alert not delivered')).toBe(true);
  });

  it('alerts only the watchers still allowed to see the session', async () => {
    const s = await linkedPair({ isAllowed: (watch) => watch.userId !== 2 });
    await dropAndConfirm(s, 'alpha');
    expect(s.notifier.of('down').map((a) => a.userId)).toEqual([1]);
  });

  it('costs one background listSessions per cycle whatever the number of watched sessions', async () => {
    const s = await setup();
    for (let i = 0; i < 1_000; i++) {
      await s.store.watches.add({ userId: 1 + (i % 7), chatId: 1 + (i % 7), sessionId: `s${i}` });
      s.wasend.set('WORKING', `s${i}`);
    }
    for (let cycle = 0; cycle < 3; cycle++) await s.monitor.checkNow();
    expect(s.wasend.calls.map(({ method, priority }) => ({ method, priority }))).toEqual([
      { method: 'listSessions', priority: 'health' },
      { method: 'listSessions', priority: 'health' },
      { method: 'listSessions', priority: 'health' },
    ]);
  });

  it('confirms many drops at once with one listing', async () => {
    const s = await setup();
    for (let i = 0; i < 50; i++) {
      await s.store.watches.add({ userId: 1, chatId: 1, sessionId: `s${i}` });
      s.wasend.set('WORKING', `s${i}`);
    }
    await s.monitor.checkNow();
    for (let i = 0; i < 20; i++) s.wasend.set('STOPPED', `s${i}`);
    s.wasend.calls.length = 0;
    await s.monitor.checkNow();
    await s.clock.advance(CONFIRM_MS);
    expect(s.notifier.of('down')).toHaveLength(20);
    expect(s.wasend.calls.map((c) => c.method)).toEqual(['listSessions', 'listSessions']);
  });

  it('checks sessions one by one when Wasend has no session list', async () => {
    const s = await linkedPair();
    s.wasend.listStatus = 404;
    s.wasend.calls.length = 0;
    s.wasend.set('STOPPED', 'beta');
    await s.monitor.checkNow();
    expect(s.wasend.calls.map((c) => `${c.method} ${c.sessionId ?? ''}`).sort()).toEqual(['getSession alpha', 'getSession beta', 'listSessions ']);
    await s.clock.advance(CONFIRM_MS);
    expect(s.notifier.of('down', 'beta')).toHaveLength(1);
  });

  it('runs a cycle at start and then every interval until stopped', async () => {
    const s = await linkedPair();
    const before = s.wasend.count('listSessions');
    s.monitor.start();
    await s.clock.advance(0);
    expect(s.wasend.count('listSessions')).toBe(before + 1);
    await s.clock.advance(INTERVAL_MS * 2);
    expect(s.wasend.count('listSessions')).toBe(before + 3);
    s.wasend.set('STOPPED', 'alpha');
    await s.clock.advance(INTERVAL_MS);
    await s.monitor.stop();
    expect(s.clock.pendingTimers).toBe(0);
    await s.clock.advance(INTERVAL_MS * 3);
    expect(s.wasend.count('listSessions')).toBe(before + 4);
    expect(s.notifier.sent).toEqual([]);
  });

  it('a drop reported by a webhook right after /watch is alerted: /watch sets the baseline, no cycle needed', async () => {
    const s = await setup();
    await s.store.watches.add({ userId: 1, chatId: 101, sessionId: 'fresh' });
    await s.monitor.baseline('fresh', { state: 'connected', raw: 'WORKING' });
    s.wasend.set('STOPPED', 'fresh');
    s.monitor.poke('fresh', { state: 'stopped', raw: 'STOPPED' });
    await s.clock.advance(CONFIRM_MS);
    expect(s.notifier.of('down', 'fresh').map((a) => a.userId)).toEqual([1]);
  });

  it("a watch's first status that arrives late (from another instance) neither clears a drop being confirmed nor announces a recovery", async () => {
    const s = await setup();
    await s.store.watches.add({ userId: 1, chatId: 101, sessionId: 'fresh' });
    await s.monitor.baseline('fresh', { state: 'connected', raw: 'WORKING' });
    s.wasend.set('STOPPED', 'fresh');
    s.monitor.poke('fresh', { state: 'stopped', raw: 'STOPPED' });
    await s.clock.advance(CONFIRM_MS / 2);
    // A second watcher's /watch read WORKING before the drop; its status is heard now, again and again.
    await s.store.watches.add({ userId: 2, chatId: 102, sessionId: 'fresh' });
    for (let i = 0; i < 3; i++) await s.monitor.baseline('fresh', { state: 'connected', raw: 'WORKING' });
    await s.clock.advance(CONFIRM_MS / 2);
    expect(s.notifier.of('down', 'fresh').map((a) => a.userId)).toEqual([1, 2]);
    // The drop is recorded; a stale WORKING heard now is not "back online".
    await s.monitor.baseline('fresh', { state: 'connected', raw: 'WORKING' });
    await s.clock.advance(10);
    expect(s.notifier.of('up', 'fresh')).toEqual([]);
    expect(await s.store.health.get('fresh')).toMatchObject({ state: 'down' });
  });

  it('a session not linked when watching began is reported once it was linked and then drops', async () => {
    const s = await setup();
    await s.store.watches.add({ userId: 1, chatId: 101, sessionId: 'later' });
    await s.monitor.baseline('later', { state: 'awaiting_scan', raw: 'SCAN_QR_CODE' });
    s.wasend.set('WORKING', 'later');
    s.monitor.poke('later', { state: 'connected', raw: 'WORKING' });
    await s.clock.advance(10);
    expect(s.notifier.sent).toEqual([]);
    s.wasend.set('STOPPED', 'later');
    await dropAndConfirm(s, 'later');
    expect(s.notifier.of('down', 'later')).toHaveLength(1);
  });

  it('a replayed "linked" event does not announce a recovery Wasend does not confirm, nor hide the next drop', async () => {
    const s = await linkedPair();
    await dropAndConfirm(s, 'alpha');
    expect(s.notifier.of('down', 'alpha')).toHaveLength(2);
    // An old WORKING event arrives again while Wasend says STOPPED.
    s.monitor.poke('alpha', { state: 'connected', raw: 'WORKING' });
    await s.clock.advance(10);
    expect(s.notifier.of('up', 'alpha')).toEqual([]);
    expect(s.wasend.count('getSession', 'alpha')).toBeGreaterThan(0);
    // The real recovery, then a real drop after the cooldown, are both reported.
    s.wasend.set('WORKING', 'alpha');
    await s.monitor.checkNow();
    await s.clock.advance(0);
    expect(s.notifier.of('up', 'alpha')).toHaveLength(2);
    await s.clock.advance(COOLDOWN_MS);
    await dropAndConfirm(s, 'alpha');
    expect(s.notifier.of('down', 'alpha')).toHaveLength(4);
  });
});
