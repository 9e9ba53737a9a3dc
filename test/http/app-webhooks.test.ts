import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createApp, type App } from '../../src/app.js';
import type { Config } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { createWasendSimulator, type WasendSimulator } from '../../src/simulator/server.js';
import { decodeQrPng } from '../support/decode-qr.js';
import { createFakeTelegram, type FakeTelegram } from '../support/fake-telegram.js';

const ADMIN = 4242;
const API_KEY = 'sim-key-webhook-tests';
const WASEND_SECRET = 'wasend-webhook-secret-0123456789';
const TELEGRAM_SECRET = 'telegram_webhook_secret_0123456789';

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function start(options: { telegramWebhook: boolean; pollIntervalMs: number }) {
  const port = await freePort();
  const dir = await mkdtemp(join(tmpdir(), 'app-webhooks-'));
  const tg: FakeTelegram = await createFakeTelegram();
  const sim: WasendSimulator = await createWasendSimulator({
    apiKey: API_KEY,
    speed: 10,
    startingMs: 500,
    sessions: [{ id: 'shop', status: 'SCAN_QR_CODE' }],
    webhook: { url: `http://127.0.0.1:${port}/webhooks/wasend`, secret: WASEND_SECRET },
  });
  const config: Config = {
    telegram: {
      token: tg.token,
      apiRoot: tg.apiRoot,
      protectContent: true,
      // Telegram itself only calls https URLs; the fake delivers to plain http on loopback.
      ...(options.telegramWebhook ? { webhook: { url: `http://127.0.0.1:${port}/telegram/hook`, secret: TELEGRAM_SECRET } } : {}),
    },
    wasend: {
      baseUrl: sim.url,
      apiKey: API_KEY,
      timeoutMs: 2_000,
      maxRetries: 0,
      pollIntervalMs: options.pollIntervalMs,
      maxRps: 1_000,
      webhookSecret: WASEND_SECRET,
    },
    adminIds: new Set([ADMIN]),
    databasePath: join(dir, 'bot.sqlite'),
    logLevel: 'silent',
    http: { host: '127.0.0.1', port },
    inviteTtlMs: 60_000,
    qrWatchTimeoutMs: 600_000,
    healthCheckIntervalMs: 600_000,
  };
  const app: App = await createApp(config, { logger: createLogger({ level: 'silent', secrets: [] }) });
  await app.start();
  cleanups.push(async () => {
    await app.stop();
    await tg.close();
    await sim.close();
    await rm(dir, { recursive: true, force: true });
  });
  return { app, tg, sim, url: `http://127.0.0.1:${port}` };
}

describe('Telegram webhook mode', () => {
  it('registers the webhook with its secret and answers updates Telegram delivers there', async () => {
    const { tg, url } = await start({ telegramWebhook: true, pollIntervalMs: 100 });
    const setWebhook = tg.callsTo('setWebhook');
    expect(setWebhook).toHaveLength(1);
    expect(setWebhook[0]?.params).toMatchObject({ url: `${url}/telegram/hook`, secret_token: TELEGRAM_SECRET });
    expect(tg.callsTo('getUpdates')).toHaveLength(0);

    tg.sendText({ userId: ADMIN, text: '/qr shop' });
    const photo = await tg.waitFor(() => tg.messages(ADMIN).find((m) => m.photo !== undefined), { description: 'the QR photo' });
    const shown = await decodeQrPng(photo.photo!);
    expect(shown).not.toBeNull();
  });

  it('refuses updates without the secret header and handles none of them', async () => {
    const { tg, url } = await start({ telegramWebhook: true, pollIntervalMs: 100 });
    const forged = { update_id: 999, message: { message_id: 1, date: 0, chat: { id: ADMIN, type: 'private' }, from: { id: ADMIN, is_bot: false, first_name: 'x' }, text: '/help', entities: [{ type: 'bot_command', offset: 0, length: 5 }] } };
    const missing = await fetch(`${url}/telegram/hook`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(forged) });
    const wrong = await fetch(`${url}/telegram/hook`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': 'not_the_secret_0123456789' },
      body: JSON.stringify(forged),
    });
    expect([missing.status, wrong.status]).toEqual([401, 401]);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(tg.callsTo('sendMessage')).toHaveLength(0);
  });
});

describe('Wasend webhooks and /healthz on the listener', () => {
  it('a signed session.status event shows the link at once, long before the next poll', async () => {
    const { tg, sim } = await start({ telegramWebhook: false, pollIntervalMs: 60_000 });
    tg.sendText({ userId: ADMIN, text: '/qr shop' });
    const photo = await tg.waitFor(() => tg.messages(ADMIN).find((m) => m.photo !== undefined), { description: 'the QR photo' });
    sim.scan('shop');
    const connected = await tg.waitFor(() => (photo.caption?.includes('Connected') ? photo : undefined), {
      description: 'the message to say Connected',
      timeoutMs: 3_000,
    });
    expect(await decodeQrPng(connected.photo!)).toBeNull();
  });

  it('/healthz reports the database, Wasend and Telegram', async () => {
    const { url } = await start({ telegramWebhook: false, pollIntervalMs: 100 });
    const response = await fetch(`${url}/healthz`);
    expect(response.status).toBe(200);
    const body = (await response.json()) as Record<string, { ok: boolean }>;
    expect(body.database?.ok).toBe(true);
    expect(body.telegram?.ok).toBe(true);
  });
});
