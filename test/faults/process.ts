import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The repository root (where `src/main.ts` is). */
export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface BotProcess {
  readonly child: ChildProcess;
  readonly stdout: string[];
  readonly stderr: string[];
  /** Resolves with the exit code (or the signal name) once the process is gone. */
  readonly exited: Promise<number | string>;
}

/**
 * Spawns the real bot (`node --import tsx src/main.ts`) with exactly `env` (plus PATH), in `cwd` (default the
 * repository, where it reads `.env`).
 */
export function spawnBot(env: Record<string, string>, options: { cwd?: string } = {}): BotProcess {
  const loader = new URL('node_modules/tsx/dist/loader.mjs', `file://${ROOT}`).href;
  const child = spawn(process.execPath, ['--import', loader, `${ROOT}src/main.ts`], {
    cwd: options.cwd ?? ROOT,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stdout: string[] = [];
  const stderr: string[] = [];
  child.stdout?.on('data', (chunk: Buffer) => stdout.push(chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => stderr.push(chunk.toString()));
  const exited = new Promise<number | string>((resolve) => {
    child.once('exit', (code, signal) => resolve(code ?? signal ?? -1));
  });
  return { child, stdout, stderr, exited };
}

/** Waits for the exit, killing the process after `ms`. */
export async function exitWithin(bot: BotProcess, ms: number): Promise<number | string> {
  const timer = setTimeout(() => bot.child.kill('SIGKILL'), ms);
  try {
    return await bot.exited;
  } finally {
    clearTimeout(timer);
  }
}

/** A small seeded PRNG (mulberry32), so a failing kill sequence can be replayed. */
export function createRandom(seed: number): { next(): number; int(min: number, max: number): number; pick<T>(items: readonly T[]): T } {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    pick: (items) => items[Math.floor(next() * items.length)] as (typeof items)[number],
  };
}
