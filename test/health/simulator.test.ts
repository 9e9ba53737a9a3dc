import { eventually } from '../support/wait.js';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createHealthMonitor } from '../../src/health/monitor.js';
import { createWasendSimulator } from '../../src/simulator/server.js';
import { createStore } from '../../src/store/sqlite.js';
import { createRequestBudget } from '../../src/wasend/budget.js';
import { createWasendClient } from '../../src/wasend/client.js';
import { createMemoryLogger } from '../support/memory-logger.js';
import { createMemoryNotifier, monitorAgainst } from './fakes.js';

const API_KEY = 'sim-key-for-health-tests';
const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('health monitor against the Wasend simulator', () => {
  it('checks 200 watched sessions with one GET /sessions, and alerts a logout once per watcher', async () => {
    const ids = Array.from({ length: 200 }, (_, i) => `phone-${i}`);
    const sim = await createWasendSimulator({ apiKey: API_KEY, sessions: ids.map((id) => ({ id, status: 'WORKING' as const })) });
    cleanups.push(() => sim.close());
    const wasend = createWasendClient({ baseUrl: sim.url, apiKey: API_KEY, maxRetries: 0, budget: createRequestBudget({ maxRps: 10 }) });
    const { monitor, store, notifier, close } = await monitorAgainst(wasend);
    cleanups.push(close);
    for (const id of ids) await store.watches.add({ userId: 1, chatId: 1, sessionId: id });
    await store.watches.add({ userId: 2, chatId: 2, sessionId: 'phone-7' });

    await monitor.checkNow();
    await monitor.checkNow();
    expect(sim.requests.map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual(['GET /sessions 200', 'GET /sessions 200']);

    sim.resetRequests();
    sim.logout('phone-7');
    await monitor.checkNow();
    await eventually(() => notifier.sent.length >= 2, 'the drop alerts');
    expect(notifier.of('down')).toEqual([
      { kind: 'down', userId: 1, chatId: 1, sessionId: 'phone-7', raw: 'STOPPED' },
      { kind: 'down', userId: 2, chatId: 2, sessionId: 'phone-7', raw: 'STOPPED' },
    ]);
    expect(sim.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['GET /sessions', 'GET /sessions/phone-7']);

    sim.scan('phone-7');
    await monitor.checkNow();
    await eventually(() => notifier.of('up').length >= 2, 'the back-online messages');
    expect(notifier.sent).toHaveLength(4);
  });
});

describe('a checker that lost the role meanwhile', () => {
  it('records no drop (its successor, looking again, still sees the session up and alerts)', async () => {
    const sim = await createWasendSimulator({ apiKey: API_KEY, sessions: [{ id: 'phone', status: 'WORKING' }] });
    cleanups.push(() => sim.close());
    const wasend = createWasendClient({ baseUrl: sim.url, apiKey: API_KEY, maxRetries: 0 });
    const store = await createStore(':memory:');
    cleanups.push(() => store.close());
    await store.watches.add({ userId: 1, chatId: 1, sessionId: 'phone' });
    let holds = true;
    const logger = createMemoryLogger();
    const make = (notifier: ReturnType<typeof createMemoryNotifier>) =>
      createHealthMonitor({
        wasend,
        watches: store.watches,
        state: store.health,
        notifier,
        logger,
        intervalMs: 60_000,
        confirmDelayMs: 20,
        mayAct: () => holds,
      });
    const old = createMemoryNotifier();
    const first = make(old);
    cleanups.push(() => first.stop());
    await first.checkNow();
    sim.logout('phone');
    holds = false;
    await first.checkNow();
    // The confirmation ran, saw the drop, and left it to the instance that runs the checks now: still "up".
    await vi.waitFor(() => expect(logger.text()).toContain('another instance runs the checks now; leaving it to that one'), { timeout: 5_000 });
    expect((await store.health.get('phone'))?.state).toBe('up');
    expect(old.sent).toEqual([]);
    // The successor looks at once and alerts.
    holds = true;
    const successor = createMemoryNotifier();
    const second = make(successor);
    cleanups.push(() => second.stop());
    await second.checkNow();
    await vi.waitFor(() => expect(successor.of('down')).toHaveLength(1), { timeout: 5_000 });
  });
});
