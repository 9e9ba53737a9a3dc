import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createRequestBudget } from '../../src/wasend/budget.js';

beforeEach(() => {
  vi.useFakeTimers({ now: 1_000_000 });
});
afterEach(() => {
  vi.useRealTimers();
});

function track(promise: Promise<void>, label: string, order: string[]) {
  void promise.then(
    () => order.push(label),
    () => order.push(`${label}:aborted`),
  );
}

describe('request budget', () => {
  it('lets a burst through at once, then spaces requests at the rate', async () => {
    const budget = createRequestBudget({ maxRps: 4 });
    const order: string[] = [];
    for (let i = 0; i < 8; i++) track(budget.acquire('live'), `r${i}`, order);
    await vi.advanceTimersByTimeAsync(0);
    expect(order).toEqual(['r0', 'r1', 'r2', 'r3']);
    await vi.advanceTimersByTimeAsync(260);
    expect(order).toHaveLength(5);
    await vi.advanceTimersByTimeAsync(760);
    expect(order).toHaveLength(8);
  });

  it('serves live QR watches before health checks', async () => {
    const budget = createRequestBudget({ maxRps: 1 });
    const order: string[] = [];
    track(budget.acquire('background'), 'first', order);
    track(budget.acquire('background'), 'health-1', order);
    track(budget.acquire('background'), 'health-2', order);
    track(budget.acquire('live'), 'live', order);
    await vi.advanceTimersByTimeAsync(3_100);
    expect(order).toEqual(['first', 'live', 'health-1', 'health-2']);
  });

  it('a 429 pauses every caller for Retry-After and halves the rate', async () => {
    const budget = createRequestBudget({ maxRps: 10 });
    budget.penalize(2_000);
    expect(budget.stats().currentRps).toBe(5);
    const order: string[] = [];
    track(budget.acquire('live'), 'live', order);
    track(budget.acquire('background'), 'background', order);
    await vi.advanceTimersByTimeAsync(1_990);
    expect(order).toEqual([]);
    await vi.advanceTimersByTimeAsync(20);
    expect(order).toEqual(['live']);
    await vi.advanceTimersByTimeAsync(200);
    expect(order).toEqual(['live', 'background']);
  });

  it('recovers the full rate after a quiet spell', async () => {
    const budget = createRequestBudget({ maxRps: 10 });
    budget.penalize(undefined);
    budget.penalize(undefined);
    expect(budget.stats().currentRps).toBe(2.5);
    await vi.advanceTimersByTimeAsync(20_000);
    await budget.acquire('live');
    expect(budget.stats().currentRps).toBe(10);
  });

  it('never drops below the floor however many 429s arrive', () => {
    const budget = createRequestBudget({ maxRps: 8 });
    for (let i = 0; i < 20; i++) budget.penalize(10);
    expect(budget.stats().currentRps).toBe(1);
  });

  it('an aborted waiter leaves the queue without taking a slot', async () => {
    const budget = createRequestBudget({ maxRps: 1 });
    await budget.acquire('live');
    const controller = new AbortController();
    const order: string[] = [];
    track(budget.acquire('live', controller.signal), 'cancelled', order);
    track(budget.acquire('live'), 'kept', order);
    controller.abort();
    await vi.advanceTimersByTimeAsync(1_010);
    expect(order).toEqual(['cancelled:aborted', 'kept']);
    expect(budget.stats().queued).toEqual({ live: 0, background: 0 });
  });
});

describe('request budget caps', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: 1_000_000 });
  });
  it('caps a huge Retry-After so one bad answer cannot stall the bot for an hour', async () => {
    const budget = createRequestBudget({ maxRps: 10, maxPenaltyMs: 5_000 });
    budget.penalize(3_600_000);
    const order: string[] = [];
    track(budget.acquire('live'), 'live', order);
    await vi.advanceTimersByTimeAsync(5_010);
    expect(order).toEqual(['live']);
  });
});
