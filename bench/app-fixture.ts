import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { createApp, type App } from '../src/app.js';
import { DEFAULT_MAX_RPS, DEFAULT_POLL_INTERVAL_MS, DEFAULT_RENDER_THREADS, type Config } from '../src/config/config.js';
import { createLogger } from '../src/shared/logger.js';
import { createWasendSimulator, type SimSessionSpec, type WasendSimulator } from '../src/simulator/server.js';
import { createStore } from '../src/store/sqlite.js';
import { createFakeTelegram, type FakeTelegram } from '../test/support/fake-telegram.js';

/** The simulator's API key in every bench. */
export const API_KEY = 'sim-key-for-bench';

export interface BenchAppOptions {
  readonly sessions: SimSessionSpec[];
  /** Simulator speed factor, default 1. */
  readonly speed?: number;
  /** WASEND_POLL_INTERVAL_MS, default the app's. */
  readonly pollIntervalMs?: number;
  /** WASEND_MAX_RPS, default the app's. */
  readonly maxRps?: number;
  /** QR_RENDER_THREADS, default the app's. */
  readonly renderThreads?: number;
  /** HTTP_PORT with WASEND_WEBHOOK_SECRET: the Wasend webhook route is on. */
  readonly webhook?: { readonly port: number; readonly secret: string };
  readonly adminIds?: readonly number[];
  /** GATEWAY; default wasend. */
  readonly gateway?: 'wasend' | 'waha' | 'evolution';
  /** Granted before the app starts. */
  readonly grants?: ReadonlyArray<{ userId: number; sessionId: string }>;
}

export interface BenchApp extends BenchBot {
  readonly sim: WasendSimulator;
  readonly tg: FakeTelegram;
}

/** The whole app in-process against the Wasend simulator and the fake Telegram, with production defaults unless told. */
export async function startBenchApp(options: BenchAppOptions): Promise<BenchApp> {
  const sim = await createWasendSimulator({ apiKey: API_KEY, speed: options.speed ?? 1, sessions: options.sessions });
  const tg = await createFakeTelegram();
  const bot = await startBenchBot({ ...options, wasendUrl: sim.url, wasendApiKey: API_KEY, telegram: tg });
  return {
    sim,
    tg,
    ...bot,
    async close() {
      await bot.close();
      await tg.close();
      await sim.close();
    },
  };
}

export interface BenchBotOptions extends Omit<BenchAppOptions, 'sessions' | 'speed'> {
  readonly wasendUrl: string;
  readonly wasendApiKey: string;
  readonly telegram: { readonly token: string; readonly apiRoot: string };
}

export interface BenchBot {
  readonly app: App;
  readonly config: Config;
  /** Log lines at warn or above (JSON). */
  readonly warnings: string[];
  /** Stops the app and removes its database. */
  close(): Promise<void>;
}

/** The app alone (fresh database in a temporary directory), against a Wasend and a Telegram that run elsewhere. */
export async function startBenchBot(options: BenchBotOptions): Promise<BenchBot> {
  const dir = await mkdtemp(join(tmpdir(), 'bench-app-'));
  const config: Config = {
    telegram: { token: options.telegram.token, apiRoot: options.telegram.apiRoot, protectContent: true },
    ...(options.gateway ? { gateway: options.gateway } : {}),
    wasend: {
      baseUrl: options.wasendUrl,
      apiKey: options.wasendApiKey,
      timeoutMs: 15_000,
      maxRetries: 3,
      pollIntervalMs: options.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS,
      maxRps: options.maxRps ?? DEFAULT_MAX_RPS,
      ...(options.webhook ? { webhookSecret: options.webhook.secret } : {}),
    },
    adminIds: new Set(options.adminIds ?? []),
    databasePath: join(dir, 'bot.sqlite'),
    logLevel: 'warn',
    http: { host: '127.0.0.1', ...(options.webhook ? { port: options.webhook.port } : {}) },
    // The app's default when the bench does not choose (QR_RENDER_THREADS unset).
    renderThreads: options.renderThreads ?? DEFAULT_RENDER_THREADS,
    inviteTtlMs: 60_000,
    qrWatchTimeoutMs: 600_000,
    healthCheckIntervalMs: 600_000,
  };
  if (options.grants && options.grants.length > 0) {
    const store = await createStore(config.databasePath);
    for (const { userId, sessionId } of options.grants) await store.grants.grant(userId, sessionId, 1);
    await store.close();
  }
  const warnings: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      warnings.push(chunk.toString());
      callback();
    },
  });
  const logger = createLogger({ level: 'warn', secrets: [options.telegram.token, options.wasendApiKey], destination });
  const app = await createApp(config, { logger });
  await app.start();
  return {
    app,
    config,
    warnings,
    async close() {
      await app.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Incremental index of the fake Telegram's calls by method and chat (scanning every call per check would be quadratic). */
export function createCallIndex(tg: FakeTelegram) {
  let cursor = 0;
  const byKey = new Map<string, Array<{ at: number; ok: boolean; params: Record<string, unknown> }>>();
  const sync = () => {
    for (; cursor < tg.calls.length; cursor += 1) {
      const call = tg.calls[cursor]!;
      const key = `${call.method}:${String(call.params.chat_id)}`;
      let list = byKey.get(key);
      if (!list) byKey.set(key, (list = []));
      list.push(call);
    }
  };
  return {
    /** Successful calls of `method` to `chatId`, in arrival order. */
    of(method: string, chatId: number) {
      sync();
      return (byKey.get(`${method}:${chatId}`) ?? []).filter((c) => c.ok);
    },
  };
}

export type CallIndex = ReturnType<typeof createCallIndex>;

/** One chat of a `/qr` burst: the private chat of `userId` asks for `session`. */
export interface BurstChat {
  readonly userId: number;
  readonly session: string;
}

/**
 * Sends `/qr <session>` from each chat at once; resolves with each chat's time in ms from its update being
 * queued in the fake Telegram to that chat's next sendPhoto arriving there (both `Date.now()`, same process).
 */
export async function qrBurst(tg: FakeTelegram, index: CallIndex, chats: readonly BurstChat[]): Promise<number[]> {
  const before = new Map(chats.map((c) => [c.userId, index.of('sendPhoto', c.userId).length]));
  const sentAt = new Map<number, number>();
  for (const chat of chats) {
    sentAt.set(chat.userId, Date.now());
    tg.sendText({ userId: chat.userId, text: `/qr ${chat.session}` });
  }
  await tg.waitFor(() => chats.every((c) => index.of('sendPhoto', c.userId).length > before.get(c.userId)!), {
    timeoutMs: 60_000,
    description: `a photo in each of ${chats.length} chats`,
  });
  return chats.map((c) => index.of('sendPhoto', c.userId)[before.get(c.userId)!]!.at - sentAt.get(c.userId)!);
}

/** Samples the process RSS every `everyMs` until stopped; returns the peak. */
export function sampleRss(everyMs = 25) {
  const baseline = process.memoryUsage.rss();
  let peak = baseline;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, everyMs);
  return {
    baseline,
    stop() {
      clearInterval(timer);
      peak = Math.max(peak, process.memoryUsage.rss());
      return peak;
    },
  };
}

export function statsOf(samples: readonly number[]) {
  const sorted = [...samples].sort((a, b) => a - b);
  const pick = (fraction: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(fraction * sorted.length) - 1))] ?? Number.NaN;
  return {
    medianMs: pick(0.5),
    p99Ms: pick(0.99),
    meanMs: samples.reduce((sum, v) => sum + v, 0) / Math.max(1, samples.length),
    samples,
  };
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
export const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
