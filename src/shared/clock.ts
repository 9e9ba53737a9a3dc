declare const timerHandle: unique symbol;
/** Opaque timer handle returned by {@link Clock.setTimeout}: only the clock that made it can read it. */
export type TimerHandle = { readonly [timerHandle]: true };

/** Time and timers, injectable so the live QR logic runs on a fake clock in tests. Times are epoch ms. */
export interface Clock {
  now(): number;
  setTimeout(callback: () => void, delayMs: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

/** The real clock: `Date.now` and the global timers. */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (callback, delayMs) => setTimeout(callback, delayMs) as unknown as TimerHandle,
  clearTimeout: (handle) => clearTimeout(handle as unknown as ReturnType<typeof setTimeout>),
};
