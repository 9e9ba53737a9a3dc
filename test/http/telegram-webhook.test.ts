import { afterEach, describe, expect, it } from 'vitest';
import { createHttpServer, telegramWebhookPath, type HttpServer } from '../../src/http/server.js';
import { createUpdateQueue } from '../../src/telegram/update-queue.js';
import { createFakeTelegram, type FakeTelegram } from '../support/fake-telegram.js';
import { okHealth, request } from './helpers.js';
import { eventually } from '../support/wait.js';
import { createMemoryLogger } from '../support/memory-logger.js';

const SECRET = 'telegram_webhook_secret_0123456789';
const PATH = '/telegram/hook-7f3a';

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

async function start(take: (update: unknown) => unknown, webhook = true): Promise<HttpServer> {
  const onUpdate = (update: unknown) => {
    const result = take(update);
    return result === 'full' || result === 'duplicate' ? result : 'queued';
  };
  const server = await createHttpServer({
    host: '127.0.0.1',
    port: 0,
    logger: createMemoryLogger(),
    health: okHealth,
    ...(webhook ? { telegramWebhook: { path: PATH, secret: SECRET, onUpdate } } : {}),
  });
  closers.push(() => server.close());
  return server;
}

async function fakeTelegram(): Promise<FakeTelegram> {
  const fake = await createFakeTelegram();
  closers.push(() => fake.close());
  return fake;
}

async function setWebhook(fake: FakeTelegram, url: string, secret: string): Promise<void> {
  const response = await fetch(`${fake.apiRoot}/bot${fake.token}/setWebhook`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ url, secret_token: secret }),
  });
  expect(((await response.json()) as { ok: boolean }).ok).toBe(true);
}

type TextUpdate = { update_id: number; message: { text: string; chat: { id: number } } };

describe('Telegram webhook route', () => {
  it('receives updates the fake Telegram delivers with the secret header', async () => {
    const updates: TextUpdate[] = [];
    const server = await start((update) => updates.push(update as TextUpdate));
    const fake = await fakeTelegram();
    await setWebhook(fake, `${server.url}${PATH}`, SECRET);

    const sent = fake.sendText({ userId: 42, text: '/qr shop-1' });
    fake.sendText({ userId: 43, text: 'hello' });
    await fake.waitFor(() => updates.length === 2, { description: 'both updates delivered' });
    expect(updates.map((u) => [u.update_id, u.message.chat.id, u.message.text])).toEqual([
      [sent.updateId, 42, '/qr shop-1'],
      [sent.updateId + 1, 43, 'hello'],
    ]);
  });

  it('answers at once while the handler is still busy, so one slow update holds up nothing', async () => {
    let release = (): void => {};
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    const started: number[] = [];
    const queue = createUpdateQueue({
      handle: async (update) => {
        started.push((update as TextUpdate).message.chat.id);
        await released;
      },
      logger: createMemoryLogger(),
    });
    closers.push(async () => {
      release();
      await queue.drain();
    });
    const server = await start((update) => queue.push(update));
    const fake = await fakeTelegram();
    await setWebhook(fake, `${server.url}${PATH}`, SECRET);

    fake.sendText({ userId: 1, text: '/qr waits-for-a-code' });
    fake.sendText({ userId: 2, text: '/status' });
    await fake.waitFor(() => started.length === 2, { description: 'the second chat handled while the first still runs' });
    expect(started).toEqual([1, 2]);
    expect(queue.pending).toBe(2);
  });

  it('handles an update Telegram delivers twice only once, and answers 503 while the queue is full', async () => {
    const handled: number[] = [];
    let release = (): void => {};
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    const queue = createUpdateQueue({
      handle: async (update) => {
        handled.push((update as { update_id: number }).update_id);
        await released;
      },
      logger: createMemoryLogger(),
      maxRunning: 1,
      maxQueued: 1,
    });
    closers.push(async () => {
      release();
      await queue.drain();
    });
    const server = await start((update) => queue.push(update));
    const headers = { 'x-telegram-bot-api-secret-token': SECRET };
    const update = (id: number) =>
      JSON.stringify({ update_id: id, message: { message_id: id, chat: { id: 5, type: 'private' }, date: 0, text: '/invite demo' } });
    const statuses = [];
    for (const id of [1, 1, 2, 3, 2]) statuses.push((await request(`${server.url}${PATH}`, { body: update(id), headers })).status);
    expect(statuses).toEqual([200, 200, 200, 503, 200]);
    release();
    await queue.drain();
    expect(handled).toEqual([1, 2]);
    // Update 3 was refused, not remembered: Telegram's next delivery of it is taken.
    expect((await request(`${server.url}${PATH}`, { body: update(3), headers })).status).toBe(200);
    await queue.drain();
    expect(handled).toEqual([1, 2, 3]);
  });

  it('refuses a wrong or missing secret token with 401 and hands nothing over', async () => {
    const updates: unknown[] = [];
    const server = await start((update) => updates.push(update));
    const body = JSON.stringify({ update_id: 1, message: { message_id: 1, chat: { id: 5, type: 'private' }, date: 0, text: 'x' } });
    const missing = await request(`${server.url}${PATH}`, { body, headers: { 'content-type': 'application/json' } });
    const wrong = await request(`${server.url}${PATH}`, { body, headers: { 'x-telegram-bot-api-secret-token': `${SECRET}x` } });
    const prefix = await request(`${server.url}${PATH}`, { body, headers: { 'x-telegram-bot-api-secret-token': SECRET.slice(0, -1) } });
    expect([missing.status, wrong.status, prefix.status]).toEqual([401, 401, 401]);
    expect(missing.json()).toEqual({ error: 'unauthorized' });
    const right = await request(`${server.url}${PATH}`, { body, headers: { 'x-telegram-bot-api-secret-token': SECRET } });
    expect(right.status).toBe(200);
    // Updates are handed over in the order they came: once the right one is heard, the refused ones would have been.
    await eventually(() => updates.length > 0, 'the accepted update');
    expect(updates).toHaveLength(1);
  });

  it('makes the fake Telegram record a delivery error when its secret differs', async () => {
    const updates: unknown[] = [];
    const server = await start((update) => updates.push(update));
    const fake = await fakeTelegram();
    await setWebhook(fake, `${server.url}${PATH}`, 'a_different_secret_token_value');
    fake.sendText({ userId: 9, text: 'hi' });
    const lastError = await eventually(() => lastErrorOf(fake), 'a delivery error on the fake Telegram', 3_000, 20);
    expect(lastError).toContain('401');
    expect(updates).toEqual([]);
  });

  it('answers 400 to a body that is not a JSON object', async () => {
    const updates: unknown[] = [];
    const server = await start((update) => updates.push(update));
    const headers = { 'x-telegram-bot-api-secret-token': SECRET };
    const statuses = [
      (await request(`${server.url}${PATH}`, { body: '{"update_id":', headers })).status,
      (await request(`${server.url}${PATH}`, { body: '42', headers })).status,
    ];
    expect(statuses).toEqual([400, 400]);
    // A real update after them, as a sentinel: once it is heard, anything the refused bodies caused would have been.
    const sentinel = { update_id: 7, message: { message_id: 1, chat: { id: 5, type: 'private' }, date: 0, text: 'x' } };
    expect((await request(`${server.url}${PATH}`, { body: JSON.stringify(sentinel), headers })).status).toBe(200);
    await eventually(() => updates.length > 0, 'the sentinel update');
    expect(updates).toEqual([sentinel]);
  });

  it('refuses bodies over 1 MiB with 413', async () => {
    const server = await start(() => undefined);
    const response = await request(`${server.url}${PATH}`, {
      body: Buffer.alloc(1024 * 1024 + 1, 0x20),
      headers: { 'x-telegram-bot-api-secret-token': SECRET },
    });
    expect(response.status).toBe(413);
  });

  it('is off (404) in long-polling mode', async () => {
    const server = await start(() => undefined, false);
    const response = await request(`${server.url}${PATH}`, { body: '{}', headers: { 'x-telegram-bot-api-secret-token': SECRET } });
    expect(response.status).toBe(404);
  });

  it('takes its path from the webhook URL', () => {
    expect(telegramWebhookPath('https://bot.example.com/telegram/hook-7f3a?x=1')).toBe('/telegram/hook-7f3a');
    expect(telegramWebhookPath('https://bot.example.com')).toBe('/');
  });
});

async function lastErrorOf(fake: FakeTelegram): Promise<string | undefined> {
  const response = await fetch(`${fake.apiRoot}/bot${fake.token}/getWebhookInfo`);
  const info = (await response.json()) as { result: { last_error_message?: string } };
  return info.result.last_error_message;
}
