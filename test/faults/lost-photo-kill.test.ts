import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createWasendSimulator, type WasendSimulator } from '../../src/simulator/server.js';
import { decodeQrPng } from '../support/decode-qr.js';
import { createFakeTelegram, type FakeTelegram } from '../support/fake-telegram.js';
import { exitWithin, spawnBot, type BotProcess } from './process.js';
import { createDroppingProxy, type DroppingProxy } from './telegram-proxy.js';

const ADMIN = 1001;
const API_KEY = 'lost-photo-key-0123456789';

let sim: WasendSimulator;
let tg: FakeTelegram;
let proxy: DroppingProxy;
let dir: string;
const bots: BotProcess[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lost-photo-'));
  sim = await createWasendSimulator({ apiKey: API_KEY, speed: 10, sessions: [{ id: 'demo', status: 'SCAN_QR_CODE' }] });
  tg = await createFakeTelegram({ token: '123456789:AALostPhotoTokenNotReal_012' });
  proxy = await createDroppingProxy(tg.apiRoot);
});

afterAll(async () => {
  for (const bot of bots) if (bot.child.exitCode === null) bot.child.kill('SIGKILL');
  await proxy?.close();
  await tg?.close();
  await sim?.close();
  await rm(dir, { recursive: true, force: true });
});

const env = (apiRoot: string) => ({
  TELEGRAM_BOT_TOKEN: tg.token,
  TELEGRAM_API_ROOT: apiRoot,
  WASEND_BASE_URL: sim.url,
  WASEND_API_KEY: API_KEY,
  ADMIN_IDS: String(ADMIN),
  DATABASE_PATH: join(dir, 'bot.sqlite'),
  LOG_LEVEL: 'warn',
  QR_RENDER_THREADS: '0',
});

it('kill -9 after Telegram took the photo but before the bot heard back: the restart retires that photo and says so', async () => {
  const first = spawnBot(env(proxy.apiRoot));
  bots.push(first);
  await tg
    .waitFor(() => tg.callsTo('deleteWebhook').length > 0, { timeoutMs: 30_000, description: 'the bot to poll' })
    .catch((error: unknown) => {
      throw new Error(`${String(error)}\n${first.stderr.join('')}${first.stdout.join('').slice(-2_000)}`);
    });
  proxy.holdAnswer('sendPhoto');
  tg.sendText({ userId: ADMIN, text: '/qr demo' });
  const photo = await tg.waitFor(() => tg.messages(ADMIN).find((m) => m.photo !== undefined), {
    timeoutMs: 30_000,
    description: 'the photo delivered',
  });
  expect(await decodeQrPng(photo.photo!)).toBe(sim.state('demo')?.code);
  first.child.kill('SIGKILL');
  await exitWithin(first, 5_000);

  const second = spawnBot(env(tg.apiRoot));
  bots.push(second);
  await tg.waitFor(() => photo.caption?.includes('replaced by a newer QR message'), {
    timeoutMs: 30_000,
    description: 'the untracked photo retired',
  });
  expect(await decodeQrPng(photo.photo!)).toBeNull();
  await tg.waitFor(() => tg.messages(ADMIN).find((m) => m.text?.includes('send /qr demo for a fresh one')), {
    timeoutMs: 10_000,
    description: 'the person told to ask again',
  });
  second.child.kill('SIGTERM');
  expect(await exitWithin(second, 8_000)).toBe(0);
}, 90_000);
