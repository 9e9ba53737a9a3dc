import { freePort } from './free-port.js';
import { eventually } from './wait.js';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import sharp from 'sharp';
import { createApp, type App, type AppOptions } from '../../src/app.js';
import type { Config } from '../../src/config/config.js';
import { createLogger } from '../../src/shared/logger.js';
import { createWasendSimulator, type SimSessionSpec, type WasendSimulator } from '../../src/simulator/server.js';
import { openStore } from '../../src/store/open.js';
import type { Store } from '../../src/store/types.js';
import { decodeQrPng } from './decode-qr.js';
import { createFakeTelegram, type FakeMessage, type FakeTelegram, type FakeTelegramOptions } from './fake-telegram.js';

export const ADMIN = 1001;
export const USER = 2002;
export const STRANGER = 3003;
export const API_KEY = 'sim-key-app-tests-0123456789';
/** `waitMs` of the fault suites: the app recovers from injected faults before it shows a code. */
export const FAULT_WAIT_MS = 8_000;
/** Where the fake Telegram delivers updates in webhook mode (see {@link AppHarnessOptions.listener}). */
export const TELEGRAM_HOOK_PATH = '/telegram/hook';

/** Every distinct photo the fake Telegram held in a bot message, with the caption it had then. */
export interface SeenPhoto {
  readonly chatId: number;
  readonly messageId: number;
  readonly caption: string;
  readonly bytes: Buffer;
}

export interface AppHarness {
  readonly sim: WasendSimulator;
  /**
   * Makes the simulator serve the next code now and tells the app, as a Wasend webhook event would (a
   * rotation out of WhatsApp's schedule is otherwise only seen at the scheduled one).
   */
  rotate(sessionId: string): void;
  readonly tg: FakeTelegram;
  readonly config: Config;
  readonly dir: string;
  /** Base URL of the app's HTTP listener (`http://127.0.0.1:<port>`), when started with `listener`. */
  readonly url: string | undefined;
  /** Default timeout of {@link untilShowsCurrentCode}, ms. */
  readonly waitMs: number;
  app: App;
  /** Every log line the app wrote (JSON). */
  readonly logs: string[];
  /** Every photo state seen in any bot message of `chats` (recorded after every Bot API call). */
  readonly seenPhotos: SeenPhoto[];
  /** Unhandled rejections and uncaught exceptions while the harness ran. */
  readonly crashes: unknown[];
  /** Sends a text as `userId` in their private chat (or `chatId`) and waits for the bot's next message there. */
  say(
    userId: number,
    text: string,
    options?: { chatId?: number; chatType?: 'private' | 'group' | 'supergroup'; firstName?: string; username?: string; languageCode?: string },
  ): Promise<FakeMessage>;
  /** The bot's photo messages in a chat. */
  photos(chatId: number): FakeMessage[];
  /** Waits until `check` passes. */
  until<T>(check: () => T | undefined | false | Promise<T | undefined | false>, description: string, timeoutMs?: number): Promise<T>;
  /** A second connection to the app's database (closed by `close`). */
  store(): Store;
  /** Stops the app and starts a new one on the same database. */
  restart(between?: () => void | Promise<void>): Promise<void>;
  close(): Promise<void>;
}

export interface AppHarnessOptions {
  readonly sessions?: SimSessionSpec[];
  /** Simulator speed factor, default 10. */
  readonly speed?: number;
  /** Simulator STARTING phase in unscaled ms, default 1000. */
  readonly startingMs?: number;
  /** Overrides of `config.wasend` (the simulator's URL and key are set already). */
  readonly wasend?: Partial<Config['wasend']>;
  /** Per-user limits (`livePerUser`, `requestsPerMinute`), default the app's. */
  readonly limits?: Partial<Pick<Config, 'livePerUser' | 'requestsPerMinute'>>;
  readonly qrWatchTimeoutMs?: number;
  /** How long `/qr` waits for a first code (createApp `codeWaitMs`), default the app's. */
  readonly codeWaitMs?: number;
  /** Chats whose photos are recorded in `seenPhotos`. Default ADMIN, USER, STRANGER. */
  readonly chats?: number[];
  /** Fetch for Wasend calls. */
  readonly fetch?: typeof fetch;
  /** Extra values the logger must scrub (it always scrubs the bot token and the Wasend key). */
  readonly secrets?: string[];
  /** False: a logger that scrubs nothing, to see what the code itself would log. Default true. */
  readonly scrub?: boolean;
  /** Puts something (a proxy) between the bot and the fake Telegram: gets the fake's API root, returns the bot's. */
  readonly telegramVia?: (apiRoot: string) => Promise<{ apiRoot: string; close(): Promise<void> }>;
  /**
   * Starts the HTTP listener on a free loopback port: the simulator signs its webhooks to it with `wasendSecret`,
   * and with `telegramSecret` the bot runs in webhook mode at {@link TELEGRAM_HOOK_PATH}.
   */
  readonly listener?: {
    readonly wasendSecret: string;
    readonly telegramSecret?: string;
    readonly metricsToken?: string;
    /** Serve the live view (Mini App): `PUBLIC_URL` is the listener's own loopback address. */
    readonly liveView?: { readonly maxAgeS?: number };
  };
  /** Default timeout of {@link untilShowsCurrentCode}, ms. Default 5000. */
  readonly waitMs?: number;
  /** App timings tests shorten (pairing cooldown and lifetime, the /delete confirm window). */
  readonly timings?: Pick<AppOptions, 'pairingCooldownMs' | 'pairingLifetimeMs' | 'confirmWindowMs'>;
  /** Whether the simulator offers pairing codes (default true). */
  readonly pairingCodes?: boolean;
  /** Which gateway the simulator plays and the bot speaks to. Default `wasend`. */
  readonly gateway?: 'wasend' | 'waha' | 'evolution';
  /** The simulator's webhook flavour (default the gateway's own): `old-waha` sends no id, no timestamp, no signature. */
  readonly webhookFlavour?: 'wasend' | 'waha' | 'old-waha' | 'evolution';
  /** With `listener`: the simulator posts to `/webhooks/<gateway>/<secret>` (a sender that cannot sign). */
  readonly webhookByPath?: boolean;
  /** How the fake Bot API behaves (a server written by others). */
  readonly telegram?: Pick<FakeTelegramOptions, 'ignorePollTimeout'>;
  /** Before the app starts (script the fake's first failures). */
  readonly beforeStart?: (tg: FakeTelegram) => void;
  /** Admins besides {@link ADMIN}. */
  readonly moreAdmins?: number[];
  /** Opens the app's store (a wrapper that fails on demand); default the one the config names. */
  readonly openStore?: AppOptions['openStore'];
  /** PostgreSQL instead of the SQLite file: the app's `DATABASE_URL`, and the one the side store uses (default the same). */
  readonly database?: { readonly url: string; readonly sideUrl?: string };
}

/**
 * The whole app in-process against the Wasend simulator and the fake Telegram, with a crash guard
 * (unhandled rejections and uncaught exceptions are collected in `crashes`) and a photo recorder.
 */
export async function startApp(options: AppHarnessOptions = {}): Promise<AppHarness> {
  const crashes: unknown[] = [];
  const onCrash = (reason: unknown) => void crashes.push(reason);
  process.on('unhandledRejection', onCrash);
  process.on('uncaughtException', onCrash);

  const dir = await mkdtemp(join(tmpdir(), 'app-harness-'));
  const { listener } = options;
  const port = listener ? await freePort() : undefined;
  const url = port === undefined ? undefined : `http://127.0.0.1:${port}`;
  const speed = options.speed ?? 10;
  const sim = await createWasendSimulator({
    apiKey: API_KEY,
    speed,
    startingMs: options.startingMs ?? 1_000,
    sessions: options.sessions ?? [],
    ...(options.pairingCodes === false ? { pairingCodes: false } : {}),
    ...(options.gateway !== undefined ? { gateway: options.gateway } : {}),
    ...(listener
      ? {
          webhook: {
            url: `${url}/webhooks/${options.gateway ?? 'wasend'}${options.webhookByPath ? `/${listener.wasendSecret}` : ''}`,
            ...(options.webhookByPath ? {} : { secret: listener.wasendSecret }),
            ...(options.webhookFlavour ? { flavour: options.webhookFlavour } : {}),
          },
        }
      : {}),
  });
  const tg = await createFakeTelegram(options.telegram ?? {});
  options.beforeStart?.(tg);
  const via = options.telegramVia ? await options.telegramVia(tg.apiRoot) : undefined;
  const logs: string[] = [];
  const config: Config = {
    telegram: {
      token: tg.token,
      apiRoot: via?.apiRoot ?? tg.apiRoot,
      protectContent: true,
      // The fake Telegram has no limits: the outgoing queue's own test (test/bot/outbox.test.ts) covers them.
      limits: { perSecond: 10_000, perGroupPerMinute: 10_000 },
      // Telegram itself only calls https URLs; the fake delivers to plain http on loopback.
      ...(listener?.telegramSecret ? { webhook: { url: `${url}${TELEGRAM_HOOK_PATH}`, secret: listener.telegramSecret } } : {}),
    },
    wasend: {
      baseUrl: sim.url,
      apiKey: API_KEY,
      timeoutMs: 2_000,
      maxRetries: 0,
      pollIntervalMs: 100,
      maxRps: 1_000,
      ...(listener ? { webhookSecret: listener.wasendSecret } : {}),
      ...options.wasend,
    },
    ...(options.gateway !== undefined ? { gateway: options.gateway } : {}),
    adminIds: new Set([ADMIN, ...(options.moreAdmins ?? [])]),
    databasePath: join(dir, 'bot.sqlite'),
    ...(options.database ? { databaseUrl: options.database.url } : {}),
    logLevel: 'debug',
    http: {
      host: '127.0.0.1',
      ...(port !== undefined ? { port } : {}),
      ...(listener?.metricsToken ? { metricsToken: listener.metricsToken } : {}),
      ...(listener?.liveView && url !== undefined ? { publicUrl: url, miniAppMaxAgeS: listener.liveView.maxAgeS ?? 3_600 } : {}),
    },
    inviteTtlMs: 60_000,
    qrWatchTimeoutMs: options.qrWatchTimeoutMs ?? 60_000,
    ...options.limits,
    healthCheckIntervalMs: 60_000,
  };
  const destination = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      logs.push(chunk.toString());
      callback();
    },
  });
  const secrets = options.scrub === false ? [] : [tg.token, API_KEY, ...(options.secrets ?? [])];
  const logger = createLogger({ level: 'debug', secrets, destination });

  const seenPhotos: SeenPhoto[] = [];
  const chats = new Set(options.chats ?? [ADMIN, USER, STRANGER]);
  const lastSeen = new Map<string, Buffer>();
  let recording = true;
  const recorder = tg
    .waitFor(
      async () => {
        if (!recording) return true;
        for (const chatId of chats) {
          for (const m of tg.messages(chatId)) {
            if (m.photo === undefined) continue;
            const key = `${chatId}:${m.messageId}`;
            if (lastSeen.get(key) === m.photo) continue;
            lastSeen.set(key, m.photo);
            seenPhotos.push({ chatId, messageId: m.messageId, caption: m.caption ?? '', bytes: m.photo });
          }
        }
        return undefined;
      },
      { timeoutMs: 600_000, description: 'photo recorder' },
    )
    .catch(() => undefined);

  const launch = async () => {
    const app = await createApp(config, {
      logger,
      ...(options.fetch ? { fetch: options.fetch } : {}),
      ...(options.codeWaitMs !== undefined ? { codeWaitMs: options.codeWaitMs } : {}),
      // The simulator runs WhatsApp's clock `speed` times faster: so must the bot's rotation schedule.
      codeLifetimes:
        options.gateway === 'evolution' ? { firstMs: 45_000 / speed, nextMs: 45_000 / speed } : { firstMs: 60_000 / speed, nextMs: 20_000 / speed },
      ...options.timings,
      ...(options.openStore ? { openStore: options.openStore } : {}),
    });
    await app.start();
    return app;
  };

  const firstApp = await launch();
  // A second connection to the app's database, for the tests' own reads and writes.
  const sideStore = await openStore({
    databasePath: config.databasePath,
    ...(options.database ? { databaseUrl: options.database.sideUrl ?? options.database.url } : {}),
  });
  const harness: AppHarness = {
    sim,
    rotate(sessionId) {
      sim.rotate(sessionId);
      harness.app.liveQr.poke(sessionId);
    },
    tg,
    config,
    dir,
    url,
    waitMs: options.waitMs ?? 5_000,
    logs,
    seenPhotos,
    crashes,
    app: firstApp,
    async say(userId, text, sayOptions = {}) {
      const chatId = sayOptions.chatId ?? userId;
      const before = tg.messages(chatId).length;
      const { chatId: _chat, ...sender } = sayOptions;
      tg.sendText({ userId, chatId, text, ...sender });
      return tg.waitFor(() => tg.messages(chatId)[before], { description: `a reply to ${JSON.stringify(text).slice(0, 80)} in chat ${chatId}` });
    },
    photos: (chatId) => tg.messages(chatId).filter((m) => m.photo !== undefined),
    until: (check, description, timeoutMs) => eventually(async () => check(), description, timeoutMs ?? 5_000),
    store() {
      return sideStore;
    },
    async restart(between) {
      await harness.app.stop();
      await between?.();
      harness.app = await launch();
    },
    async close() {
      try {
        await harness.app.stop();
        recording = false;
        await recorder;
        await sideStore.close();
        await via?.close();
        await tg.close();
        await sim.close();
        await rm(dir, { recursive: true, force: true });
      } finally {
        process.off('unhandledRejection', onCrash);
        process.off('uncaughtException', onCrash);
      }
    },
  };
  return harness;
}

/** What a phone camera reads from the message's current photo (null: no code). */
export async function scanPhoto(message: FakeMessage | undefined): Promise<string | null> {
  if (message?.photo === undefined) return null;
  return decodeQrPng(message.photo);
}

/** The callback data of the message's buttons, in order. */
export function buttonData(message: FakeMessage | undefined): string[] {
  return message?.replyMarkup?.inline_keyboard.flat().map((b) => ('callback_data' in b ? (b.callback_data ?? '') : '')) ?? [];
}

/** Waits (default `h.waitMs`) until the message's photo scans as the simulator's current code for the session; returns that code. */
export function untilShowsCurrentCode(h: AppHarness, message: FakeMessage, sessionId: string, timeoutMs = h.waitMs): Promise<string> {
  return eventually(
    async () => {
      const code = h.sim.state(sessionId)?.code;
      return code && (await scanPhoto(message)) === code ? code : undefined;
    },
    `message ${message.messageId} to show the current code of ${sessionId}`,
    timeoutMs,
  );
}

/** The caption every code photo starts with (see `captionFor`). */
const CODE_CAPTION = /^📱 /;

/**
 * Every photo the bot ever showed is whole: a code caption comes with a photo that scans, and any other
 * photo (a placeholder) is a readable image. Returns the problems found.
 */
export async function brokenPhotos(seen: readonly SeenPhoto[]): Promise<string[]> {
  const problems: string[] = [];
  for (const photo of seen) {
    const where = `chat ${photo.chatId} message ${photo.messageId} (${photo.caption.split('\n')[0] ?? ''})`;
    try {
      const meta = await sharp(photo.bytes).metadata();
      if (!meta.width || !meta.height) problems.push(`${where}: not an image`);
    } catch {
      problems.push(`${where}: not an image`);
      continue;
    }
    if (CODE_CAPTION.test(photo.caption) && (await decodeQrPng(photo.bytes)) === null) problems.push(`${where}: code caption but no scannable code`);
  }
  return problems;
}

/** A reply a person can read: short, no stack, no raw error, no JSON, no URL. */
export function isPlainText(text: string | undefined): boolean {
  if (text === undefined || text.trim() === '') return false;
  return !/Error\b|undefined|\[object|\n\s+at |[{}]|https?:\/\/(?!t\.me\/)|Wasend (GET|POST) /.test(text) && text.length < 1_000;
}

/** The code a caption carries as a `code` entity (a pairing or passkey code), if any. */
export function codeIn(message: FakeMessage): string | undefined {
  const entity = message.captionEntities?.find((e) => e.type === 'code');
  return entity === undefined ? undefined : message.caption?.slice(entity.offset, entity.offset + entity.length);
}
