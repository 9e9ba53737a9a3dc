import { readFileSync } from 'node:fs';

/** Timing statistics of one measured function, all in milliseconds. */
export interface Stats {
  readonly medianMs: number;
  readonly p99Ms: number;
  readonly meanMs: number;
  /** Every measured run, in the order they ran. */
  readonly samples: readonly number[];
}

export interface MeasureOptions {
  /** Measured runs. */
  readonly iterations: number;
  /** Unmeasured runs first (JIT, caches, lazy loading). Default 10% of `iterations`, at least 5. */
  readonly warmup?: number;
}

/** Runs `fn` (sync or async) `warmup` times unmeasured, then `iterations` times one after another, timing each run. */
export async function measure(fn: () => unknown, options: MeasureOptions): Promise<Stats> {
  const warmup = options.warmup ?? Math.max(5, Math.ceil(options.iterations / 10));
  for (let i = 0; i < warmup; i += 1) await fn();
  const samples: number[] = [];
  for (let i = 0; i < options.iterations; i += 1) {
    const start = performance.now();
    await fn();
    samples.push(performance.now() - start);
  }
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    medianMs: percentile(sorted, 0.5),
    p99Ms: percentile(sorted, 0.99),
    meanMs: samples.reduce((sum, ms) => sum + ms, 0) / Math.max(1, samples.length),
    samples,
  };
}

function percentile(sorted: readonly number[], fraction: number): number {
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil(fraction * sorted.length) - 1));
  return sorted[index] as number;
}

/** Formats a duration in milliseconds for a table: `0.412 ms`, `12.3 ms`. */
export function formatMs(ms: number): string {
  return `${ms < 10 ? ms.toFixed(3) : ms.toFixed(1)} ms`;
}

/**
 * One aligned table line: `label  median  p99  mean  extra`. Returns the line (print it with
 * `console.log`, or use {@link printRow}).
 */
export function formatRow(label: string, stats: Stats, extra = ''): string {
  const cells = [
    label.padEnd(38),
    `median ${formatMs(stats.medianMs).padStart(10)}`,
    `p99 ${formatMs(stats.p99Ms).padStart(10)}`,
    `mean ${formatMs(stats.meanMs).padStart(10)}`,
  ];
  return `  ${cells.join('  ')}${extra === '' ? '' : `  ${extra}`}`;
}

/** Prints {@link formatRow} to stdout. */
export function printRow(label: string, stats: Stats, extra?: string): void {
  console.log(formatRow(label, stats, extra));
}

/** `PASS` or `MISS` with the target, e.g. `PASS (<= 3 ms)`. */
export function verdict(ok: boolean, target: string): string {
  return `${ok ? 'PASS' : 'MISS'} (${target})`;
}

/**
 * CPU time this process's main thread has used, in ms: from the kernel's own count (Linux), so time the thread
 * waited for a core (the fakes' process and the render thread share the two cores) is not counted as work.
 * `undefined` where the kernel does not say.
 */
export function mainThreadCpuMs(): number | undefined {
  try {
    const [runNs] = readFileSync(`/proc/self/task/${process.pid}/schedstat`, 'utf8').split(' ');
    const ms = Number(runNs) / 1e6;
    return Number.isFinite(ms) ? ms : undefined;
  } catch {
    return undefined;
  }
}
