import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import type { QrPayload } from './payload.js';
import { QrRenderError } from './render.js';

/** Options of {@link createRenderPool}. */
export interface RenderPoolOptions {
  /** Worker threads; default `max(1, availableParallelism() - 1)`, so the event loop keeps a core. */
  readonly threads?: number;
  /** A thread idle this long is ended, in ms (started again on demand); one is always kept. Default 60000. */
  readonly idleTimeoutMs?: number;
  /** Practice rounds drawn after {@link RenderPool.warm}, one at a time, in the background. Default 40. */
  readonly practiceRounds?: number;
}

/**
 * Rounds of practice after the first code. Measured on a new thread, 60 gateway images one after the other: without
 * practice the first 37 took about 5.5 ms each (the first 35 ms), the later ones about 2 ms; after 40 rounds the
 * first ones took about 3 ms.
 */
export const DEFAULT_PRACTICE_ROUNDS = 40;

export interface RenderPool {
  /** Same contract as `renderQrPng`: PNG bytes, or a {@link QrRenderError} for an unusable payload. */
  render: (payload: QrPayload) => Promise<Buffer>;
  /**
   * Starts a thread and draws one code in it: the first `/qr` after a start then finds the thread running, with
   * sharp loaded and compiled, instead of paying for both (about 150 ms). Then, without being waited for, practice
   * rounds run one at a time: a code asked for meanwhile waits for one round at most.
   */
  warm: () => Promise<void>;
  /** Resolves with the practice rounds drawn, once they are over (or cut short by `close`). */
  practised: () => Promise<number>;
  close: () => Promise<void>;
}

/**
 * `renderQrPng` in a pool of worker threads (piscina): fifty different codes arriving together are drawn in
 * parallel, and the event loop that answers people is never busy drawing. Chosen over the in-thread renderer
 * by `npm run bench -- qr-render` (the "50 codes at once" rows).
 */
export function createRenderPool(options: RenderPoolOptions = {}): RenderPool {
  const threads = options.threads ?? Math.max(1, availableParallelism() - 1);
  // Under tsx (tests, benches) the worker is TypeScript and needs tsx's loader; built, it is plain JS.
  const typescript = import.meta.url.endsWith('.ts');
  const pool = new Piscina({
    filename: fileURLToPath(new URL(typescript ? './render-worker.ts' : './render-worker.js', import.meta.url)),
    // One thread stays, warm: a quiet hour must not make the next /qr start a thread first.
    minThreads: 1,
    maxThreads: threads,
    idleTimeout: options.idleTimeoutMs ?? 60_000,
    // Piscina's run and wait histograms cost every task main-thread time, and nothing reads them.
    recordTiming: false,
    ...(typescript ? { execArgv: ['--import', 'tsx'] } : {}),
  });
  let closed = false;
  let practising: Promise<number> = Promise.resolve(0);
  const practise = async (rounds: number) => {
    let round = 0;
    // A failed round ends the practice: it only costs the first codes some speed.
    for (; round < rounds && !closed; round += 1) if (!(await pool.run(round, { name: 'practice' }).then(Boolean, () => false))) break;
    return round;
  };
  return {
    async render(payload) {
      try {
        const png = (await pool.run(payload)) as Uint8Array;
        return Buffer.from(png.buffer, png.byteOffset, png.byteLength);
      } catch (error) {
        // The error's class does not survive the thread boundary; its message does.
        throw new QrRenderError('unreadable', error instanceof Error ? error.message : String(error), { cause: error });
      }
    },
    async warm() {
      await pool.run({ kind: 'raw', value: 'warm-up' } satisfies QrPayload);
      practising = practise(options.practiceRounds ?? DEFAULT_PRACTICE_ROUNDS);
    },
    practised: () => practising,
    async close() {
      closed = true;
      await practising;
      await pool.destroy();
    },
  };
}
