import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createRequestBudget } from '../../src/wasend/budget.js';
import { BudgetSkippedError } from '../../src/wasend/errors.js';

beforeEach(() => {
  vi.useFakeTimers({ now: 1_000_000 });
});
afterEach(() => {
  vi.useRealTimers();
});

function track(promise: Promise<void>, label: string, order: string[]) {
  void promise.then(
    () => order.push(label),
    (error: unknown) => order.push(error instanceof BudgetSkippedError ? `${label}:skipped` : `${label}:aborted`),
  );
}

describe('request budget', () => {
  it('lets a burst through at once, then spaces requests at the rate', async () => {
    const budget = createRequestBudget({ maxRps: 4, burst: 4 });
    const order: string[] = [];
    for (let i = 0; i < 8; i++) track(budget.acquire('person'), `r${i}`, order);
    await vi.advanceTimersByTimeAsync(0);
    expect(order).toEqual(['r0', 'r1', 'r2', 'r3']);
    await vi.advanceTimersByTimeAsync(260);
    expect(order).toHaveLength(5);
    await vi.advanceTimersByTimeAsync(760);
    expect(order).toHaveLength(8);
  });

  it('by default lets fifty people through at once at 10 rps', async () => {
    const budget = createRequestBudget({ maxRps: 10 });
    const order: string[] = [];
    for (let i = 0; i < 51; i++) track(budget.acquire('person', undefined, String(i)), `p${i}`, order);
    await vi.advanceTimersByTimeAsync(0);
    expect(order).toHaveLength(50);
    await vi.advanceTimersByTimeAsync(100);
    expect(order).toHaveLength(51);
  });

  it('serves people before health checks', async () => {
    const budget = createRequestBudget({ maxRps: 1, burst: 1 });
    const order: string[] = [];
    track(budget.acquire('health'), 'first', order);
    track(budget.acquire('health'), 'health-1', order);
    track(budget.acquire('health'), 'health-2', order);
    track(budget.acquire('person'), 'person', order);
    await vi.advanceTimersByTimeAsync(3_100);
    expect(order).toEqual(['first', 'person', 'health-1', 'health-2']);
  });

  it('turns rotation and link calls away instead of queueing them when the bucket is short, and never ahead of a person', async () => {
    const budget = createRequestBudget({ maxRps: 2, burst: 1 });
    const order: string[] = [];
    track(budget.acquire('link'), 'link-1', order);
    track(budget.acquire('person'), 'person', order);
    track(budget.acquire('rotation'), 'rotation', order);
    track(budget.acquire('link'), 'link-2', order);
    await vi.advanceTimersByTimeAsync(0);
    expect(order).toEqual(['link-1', 'rotation:skipped', 'link-2:skipped']);
    await vi.advanceTimersByTimeAsync(510);
    expect(order).toEqual(['link-1', 'rotation:skipped', 'link-2:skipped', 'person']);
    expect(budget.stats().skipped).toEqual({ rotation: 1, link: 1 });
    await vi.advanceTimersByTimeAsync(510);
    track(budget.acquire('rotation'), 'rotation-again', order);
    await vi.advanceTimersByTimeAsync(0);
    expect(order.at(-1)).toBe('rotation-again');
  });

  it('a skipped call learns how long until the next token', async () => {
    const budget = createRequestBudget({ maxRps: 4, burst: 1 });
    await budget.acquire('link');
    const error = await budget.acquire('rotation').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BudgetSkippedError);
    expect((error as BudgetSkippedError).retryInMs).toBe(250);
  });

  it('shares the person lane round-robin between users: one user with many requests does not starve another', async () => {
    const budget = createRequestBudget({ maxRps: 1, burst: 1 });
    await budget.acquire('person', undefined, 'greedy');
    const order: string[] = [];
    for (let i = 0; i < 5; i++) track(budget.acquire('person', undefined, 'greedy'), `greedy-${i}`, order);
    track(budget.acquire('person', undefined, 'admin'), 'admin', order);
    await vi.advanceTimersByTimeAsync(2_100);
    expect(order).toEqual(['greedy-0', 'admin']);
  });

  it('a 429 pauses every caller for Retry-After and halves the rate', async () => {
    const budget = createRequestBudget({ maxRps: 10 });
    budget.penalize(2_000);
    expect(budget.stats().currentRps).toBe(5);
    const order: string[] = [];
    track(budget.acquire('person'), 'person', order);
    track(budget.acquire('health'), 'health', order);
    track(budget.acquire('link'), 'link', order);
    await vi.advanceTimersByTimeAsync(1_990);
    expect(order).toEqual(['link:skipped']);
    await vi.advanceTimersByTimeAsync(20);
    expect(order).toEqual(['link:skipped', 'person']);
    await vi.advanceTimersByTimeAsync(200);
    expect(order).toEqual(['link:skipped', 'person', 'health']);
  });

  it('recovers the full rate after a quiet spell', async () => {
    const budget = createRequestBudget({ maxRps: 10 });
    budget.penalize(undefined);
    budget.penalize(undefined);
    expect(budget.stats().currentRps).toBe(2.5);
    await vi.advanceTimersByTimeAsync(12_000);
    await budget.acquire('person');
    expect(budget.stats().currentRps).toBe(10);
  });

  it('an aborted waiter leaves the queue and rejects with the abort reason', async () => {
    const budget = createRequestBudget({ maxRps: 1, burst: 1 });
    await budget.acquire('person');
    const controller = new AbortController();
    const order: string[] = [];
    track(budget.acquire('person', controller.signal, 'a'), 'a', order);
    track(budget.acquire('person', undefined, 'b'), 'b', order);
    controller.abort(new Error('gone'));
    await vi.advanceTimersByTimeAsync(1_100);
    expect(order).toEqual(['a:aborted', 'b']);
    expect(budget.stats().queued.person).toBe(0);
  });
});
