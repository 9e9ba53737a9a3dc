/**
 * The simulator's clock: wall time that a test can stop and start again. While it is stopped no code ages, so
 * a test can wait for the bot to catch up (a takeover, a loaded machine) without the series running out under
 * it; the codes then carry on from where they were, as a slow real server's would. Times it hands out to
 * clients are turned back into wall time with {@link SimClock.toWall}.
 */
export interface SimClock {
  /** Simulated now (epoch ms): wall time minus every stopped stretch. */
  now(): number;
  /** A simulated instant as wall time, for what clients read (`expiresAt`). */
  toWall(at: number): number;
  pause(): void;
  resume(): void;
  readonly paused: boolean;
}

export function createSimClock(): SimClock {
  let offset = 0;
  let pausedAt: number | null = null;
  const now = (): number => pausedAt ?? Date.now() - offset;
  return {
    now,
    toWall: (at) => at + (Date.now() - now()),
    pause() {
      pausedAt ??= now();
    },
    resume() {
      if (pausedAt === null) return;
      offset = Date.now() - pausedAt;
      pausedAt = null;
    },
    get paused() {
      return pausedAt !== null;
    },
  };
}
