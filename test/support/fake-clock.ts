import type { Clock, TimerHandle } from '../../src/shared/clock.js';

/** A clock that only moves when told to; `advance` fires due timers in order and lets promises settle. */
export class FakeClock implements Clock {
  private t: number;
  private seq = 0;
  private readonly timers = new Map<number, { at: number; seq: number; callback: () => void }>();

  constructor(start = Date.UTC(2030, 0, 1)) {
    this.t = start;
  }

  now(): number {
    return this.t;
  }

  setTimeout(callback: () => void, delayMs: number): TimerHandle {
    const id = ++this.seq;
    this.timers.set(id, { at: this.t + Math.max(0, delayMs), seq: id, callback });
    return id as unknown as TimerHandle;
  }

  clearTimeout(handle: TimerHandle): void {
    this.timers.delete(handle as unknown as number);
  }

  get pendingTimers(): number {
    return this.timers.size;
  }

  /** Lets every queued promise callback (and those they queue) run. */
  async flush(): Promise<void> {
    for (let i = 0; i < 3; i++) await new Promise<void>((resolve) => setImmediate(resolve));
  }

  async advance(ms: number): Promise<void> {
    const target = this.t + ms;
    for (;;) {
      await this.flush();
      let next: { id: number; at: number; seq: number; callback: () => void } | undefined;
      for (const [id, timer] of this.timers) {
        if (timer.at <= target && (!next || timer.at < next.at || (timer.at === next.at && timer.seq < next.seq))) {
          next = { id, ...timer };
        }
      }
      if (!next) break;
      this.timers.delete(next.id);
      this.t = Math.max(this.t, next.at);
      next.callback();
    }
    this.t = target;
    await this.flush();
  }

  /** Advances in steps until the promise settles (at most `maxMs`). */
  async run<T>(promise: Promise<T>, options: { stepMs?: number; maxMs?: number } = {}): Promise<T> {
    let settled = false;
    promise.then(
      () => (settled = true),
      () => (settled = true),
    );
    await this.flush();
    for (let spent = 0; !settled && spent < (options.maxMs ?? 120_000); spent += options.stepMs ?? 50) {
      await this.advance(options.stepMs ?? 50);
    }
    return promise;
  }
}
