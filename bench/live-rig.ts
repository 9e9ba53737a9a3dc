import { freePort } from '../test/support/free-port.js';
import type { SimSessionSpec } from '../src/simulator/server.js';
import { startBenchBot, statsOf, type BenchBot, type BurstChat } from './app-fixture.js';
import { startRemoteFakes, type RemoteFakes } from './fakes-child.js';
import { verdict } from './lib.js';

/** WAHA: every code after the first of a series lives 20 s. */
export const NEXT_CODE_MS = 20_000;

/** The bot with the app's defaults in this process; the simulator and the fake Telegram in a child process. */
export interface LiveRig {
  readonly fakes: RemoteFakes;
  readonly bot: BenchBot;
  close(): Promise<void>;
}

export interface LiveRigOptions {
  readonly sessions: SimSessionSpec[];
  readonly chats: readonly BurstChat[];
  /** QR_RENDER_THREADS; default the app's. */
  readonly renderThreads?: number;
  /** Signed Wasend webhooks from the simulator to the bot's listener. */
  readonly webhooks?: boolean;
  /** Which gateway the simulator plays and the bot speaks to; default wasend. */
  readonly gateway?: 'wasend' | 'waha' | 'evolution';
}

export async function startLiveRig(options: LiveRigOptions): Promise<LiveRig> {
  const secret = 'bench-webhook-secret-0123456789';
  const port = options.webhooks ? await freePort() : undefined;
  const fakes = await startRemoteFakes({
    sessions: options.sessions,
    ...(port !== undefined ? { webhook: { url: `http://127.0.0.1:${port}/webhooks/${options.gateway ?? 'wasend'}`, secret } } : {}),
    ...(options.gateway ? { gateway: options.gateway } : {}),
  });
  try {
    const bot = await startBenchBot({
      wasendUrl: fakes.wasendUrl,
      wasendApiKey: fakes.wasendApiKey,
      telegram: fakes.telegram,
      grants: options.chats.map((c) => ({ userId: c.userId, sessionId: c.session })),
      ...(options.renderThreads !== undefined ? { renderThreads: options.renderThreads } : {}),
      ...(port !== undefined ? { webhook: { port, secret } } : {}),
      ...(options.gateway ? { gateway: options.gateway } : {}),
    });
    return {
      fakes,
      bot,
      async close() {
        await bot.close();
        await fakes.close();
      },
    };
  } catch (error) {
    await fakes.close();
    throw error;
  }
}

/** Chat `i` asks for session `i`: users `firstUser + i`. */
export function chatsFor(ids: readonly string[], firstUser: number): BurstChat[] {
  return ids.map((session, i) => ({ userId: firstUser + i, session }));
}

/** WhatsApp's series: six codes, then the session fails. */
const CODES_PER_SERIES = 6;

/**
 * When each session's code changes in [from, to): its current code's expiry, then every 20 s, up to the last code
 * of its series (after the sixth code the session fails: no rotation to show). A session that shows no code any
 * more (its series ended) has none.
 */
export async function rotationsBetween(
  fakes: RemoteFakes,
  ids: readonly string[],
  from: number,
  to: number,
  series: { readonly nextCodeMs: number; readonly codes: number } = { nextCodeMs: NEXT_CODE_MS, codes: CODES_PER_SERIES },
): Promise<number[][]> {
  const states = await fakes.states(ids);
  return states.map((state) => {
    if (state.expiresAt === null || state.codeIndex < 1) return [];
    const lastRotation = state.expiresAt + (series.codes - 1 - state.codeIndex) * series.nextCodeMs;
    const times: number[] = [];
    for (let at = state.expiresAt; at < to && at <= lastRotation; at += series.nextCodeMs) if (at >= from) times.push(at);
    return times;
  });
}

/**
 * Rotation -> edit: for each rotation, the first photo edit in that chat at or after it and before the next one;
 * a rotation without one is missed.
 */
export function rotationLags(rotations: readonly number[][], edits: ReadonlyArray<ReadonlyArray<{ at: number; media: boolean }>>) {
  const lags: number[] = [];
  let missed = 0;
  rotations.forEach((times, i) => {
    const media = (edits[i] ?? []).filter((e) => e.media).map((e) => e.at);
    times.forEach((at, k) => {
      const until = times[k + 1] ?? Number.POSITIVE_INFINITY;
      const edit = media.find((e) => e >= at && e < until);
      if (edit === undefined) missed += 1;
      else lags.push(edit - at);
    });
  });
  return { ...statsOf(lags), missed, count: lags.length + missed };
}

/** Scan -> the first edit after it in each chat (the message turning into Connected). */
export function linkLags(scannedAt: number, edits: ReadonlyArray<ReadonlyArray<{ at: number }>>) {
  const lags = edits.map((chat) => (chat.find((e) => e.at >= scannedAt)?.at ?? Number.NaN) - scannedAt);
  return { ...statsOf(lags.filter((ms) => !Number.isNaN(ms))), missed: lags.filter((ms) => Number.isNaN(ms)).length };
}

/** Requests per second in [from, to). */
export async function requestRate(fakes: RemoteFakes, from: number, to: number) {
  const counts = await fakes.countRequests(from, to);
  const seconds = (to - from) / 1000;
  return { ...counts, perSecond: counts.total / seconds, seconds };
}

export const passMiss = (ok: boolean, target: string) => verdict(ok, target);

export async function waitUntil(at: number): Promise<void> {
  const ms = at - Date.now();
  if (ms > 0) await new Promise((resolve) => setTimeout(resolve, ms));
}
