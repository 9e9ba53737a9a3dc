import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { createApp, type App } from '../../src/app.js';
import type { Config } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { createWasendSimulator, type SimSessionSpec, type WasendSimulator } from '../../src/simulator/server.js';
import { decodeQrPng } from '../support/decode-qr.js';
import { createFakeTelegram, type FakeMessage, type FakeTelegram } from '../support/fake-telegram.js';

export const ADMIN = 1001;
export const USER = 2002;
export const STRANGER = 3003;
const API_KEY = 'sim-key-for-bot-tests';

export interface Harness {
  readonly sim: WasendSimulator;
  readonly tg: FakeTelegram;
  readonly config: Config;
  app: App;
  /** Every log line the app wrote (JSON). */
  readonly logs: string[];
  /** Sends a text as `userId` in their private chat (or `chatId`) and waits for the bot's next message there. */
  say(userId: number, text: string, options?: { chatId?: number; chatType?: 'private' | 'group' | 'supergroup' }): Promise<FakeMessage>;
  /** The bot's photo messages in a chat. */
  photos(chatId: number): FakeMessage[];
  /** Waits until `check` passes. */
  until<T>(check: () => T | undefined | false, description: string, timeoutMs?: number): Promise<T>;
  /** Stops the app and starts a new one on the same database. */
  restart(between?: () => void | Promise<void>): Promise<void>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  sessions?: SimSessionSpec[];
  /** Simulator speed factor, default 10. */
  speed?: number;
  /** Simulator STARTING phase in unscaled ms, default 1000. */
  startingMs?: number;
  /** How long `/qr` waits for a first code (createApp `codeWaitMs`), default the app's. */
  codeWaitMs?: number;
}

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const dir = await mkdtemp(join(tmpdir(), 'bot-test-'));
  const sim = await createWasendSimulator({ apiKey: API_KEY, speed: options.speed ?? 10, startingMs: options.startingMs ?? 1_000, sessions: options.sessions ?? [] });
  const tg = await createFakeTelegram();
  const logs: string[] = [];
  const config: Config = {
    telegram: { token: tg.token, apiRoot: tg.apiRoot, protectContent: true },
    wasend: { baseUrl: sim.url, apiKey: API_KEY, timeoutMs: 2_000, maxRetries: 0, pollIntervalMs: 100, maxRps: 1_000 },
    adminIds: new Set([ADMIN]),
    databasePath: join(dir, 'bot.sqlite'),
    logLevel: 'debug',
    http: { host: '127.0.0.1' },
    inviteTtlMs: 60_000,
    qrWatchTimeoutMs: 60_000,
    healthCheckIntervalMs: 60_000,
  };
  const destination = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      logs.push(chunk.toString());
      callback();
    },
  });
  const logger = createLogger({ level: 'debug', secrets: [tg.token, API_KEY], destination });
  const launch = async () => {
    const app = await createApp(config, { logger, ...(options.codeWaitMs !== undefined ? { codeWaitMs: options.codeWaitMs } : {}) });
    await app.start();
    return app;
  };

  const harness: Harness = {
    sim,
    tg,
    config,
    logs,
    app: await launch(),
    async say(userId, text, sayOptions = {}) {
      const chatId = sayOptions.chatId ?? userId;
      const before = tg.messages(chatId).length;
      tg.sendText({ userId, chatId, text, ...(sayOptions.chatType ? { chatType: sayOptions.chatType } : {}) });
      return tg.waitFor(() => tg.messages(chatId)[before], { description: `a reply to ${JSON.stringify(text)} in chat ${chatId}` });
    },
    photos: (chatId) => tg.messages(chatId).filter((m) => m.photo !== undefined),
    until: (check, description, timeoutMs) => tg.waitFor(check, { description, ...(timeoutMs ? { timeoutMs } : {}) }),
    async restart(between) {
      await harness.app.stop();
      await between?.();
      harness.app = await launch();
    },
    async close() {
      await harness.app.stop();
      await tg.close();
      await sim.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
  return harness;
}

/** What a phone camera reads from the message's current photo (null: no code). */
export async function scanPhoto(message: FakeMessage | undefined): Promise<string | null> {
  if (message?.photo === undefined) return null;
  return decodeQrPng(message.photo);
}

export function buttonData(message: FakeMessage | undefined): string[] {
  return message?.replyMarkup?.inline_keyboard.flat().map((b) => ('callback_data' in b ? (b.callback_data ?? '') : '')) ?? [];
}

/** Polls an async check every 25 ms until it returns something other than undefined/null/false. */
export async function eventually<T>(check: () => Promise<T | undefined | null | false>, description: string, timeoutMs = 5_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined && value !== null && value !== false) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${description}${last ? `: ${String(last)}` : ''}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** Waits until the message's photo scans as the simulator's current code for the session; returns that code. */
export function untilShowsCurrentCode(h: Harness, message: FakeMessage, sessionId: string): Promise<string> {
  return eventually(async () => {
    const code = h.sim.state(sessionId)?.code;
    return code && (await scanPhoto(message)) === code ? code : undefined;
  }, `message ${message.messageId} to show the current code of ${sessionId}`);
}
