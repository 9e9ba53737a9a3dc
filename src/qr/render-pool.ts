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
  /** Sample codes {@link RenderPool.warm} draws; default {@link WARM_UP_ROUNDS}. */
  readonly warmUpRounds?: number;
}

/**
 * Sample codes drawn after start while no real one is asked for (each once as an image, once from a string). V8
 * compiles the decoder's loops after a few dozen runs: in a fresh thread the first 20 gateway images took 64-83 ms
 * in all, 29-44 ms after these rounds, which cost the thread about 200 ms once.
 */
export const WARM_UP_ROUNDS = 30;

export interface RenderPool {
  /** Same contract as `renderQrPng`: PNG bytes, or a {@link QrRenderError} for an unusable payload. */
  render: (payload: QrPayload) => Promise<Buffer>;
  /**
   * Starts a thread and draws a sample code in it: the first `/qr` after a start then finds the thread running
   * instead of paying for it (about 150 ms). Resolves then; more samples follow in the background, one at a time,
   * and stop at the first real code (which then waits behind one sample at most: people first).
   */
  warm: () => Promise<void>;
  /** Resolves, once {@link warm} was called, with the number of samples drawn when the warm-up ended. */
  readonly warmUpEnded: Promise<number>;
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
  let asked = false;
  let ended: (rounds: number) => void = () => undefined;
  const warmUpEnded = new Promise<number>((resolve) => (ended = resolve));
  const rounds = options.warmUpRounds ?? WARM_UP_ROUNDS;
  return {
    warmUpEnded,
    async render(payload) {
      asked = true;
      try {
        const png = (await pool.run(payload)) as Uint8Array;
        return Buffer.from(png.buffer, png.byteOffset, png.byteLength);
      } catch (error) {
        // The error's class does not survive the thread boundary; its message does.
        throw new QrRenderError('unreadable', error instanceof Error ? error.message : String(error), { cause: error });
      }
    },
    async warm() {
      await pool.run(undefined, { name: 'warmUp' });
      let drawn = 1;
      void (async () => {
        for (; drawn < rounds && !asked && !closed; drawn += 1) await pool.run(undefined, { name: 'warmUp' });
      })()
        .catch(() => undefined)
        .finally(() => ended(drawn));
    },
    close: () => {
      closed = true;
      return pool.destroy();
    },
  };
}
