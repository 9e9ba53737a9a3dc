import { createServer } from 'node:http';
import type { IncomingHttpHeaders, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Bot, GrammyError, HttpError, InputFile, webhookCallback } from 'grammy';
import sharp from 'sharp';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createFakeTelegram } from './fake-telegram.js';
import type { FakeTelegram } from './fake-telegram.js';

const NOT_MODIFIED =
  'Bad Request: message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message';
const USER = 4242;

let fake: FakeTelegram;
let bot: Bot;
let running: Promise<void> | undefined;
let extraServers: Server[] = [];

function png(red: number): Promise<Buffer> {
  return sharp({ create: { width: 64, height: 48, channels: 3, background: { r: red, g: 10, b: 10 } } })
    .png()
    .toBuffer();
}

function startPolling(): void {
  bot.catch((error) => {
    throw error.error;
  });
  running = bot.start({ timeout: 30 });
}

/** Sockets, servers and timers once they stop changing (closing handles disappear a few event-loop turns later). */
async function settledHandles(): Promise<string[]> {
  const snapshot = (): string =>
    JSON.stringify(
      process
        .getActiveResourcesInfo()
        .filter((name) => /TCP|Timeout/.test(name))
        .sort(),
    );
  let previous = snapshot();
  for (let turn = 0, stable = 0; turn < 500 && stable < 20; turn += 1) {
    await new Promise((resolve) => setImmediate(resolve));
    const current = snapshot();
    stable = current === previous ? stable + 1 : 0;
    previous = current;
  }
  return JSON.parse(previous) as string[];
}

async function listen(server: Server): Promise<string> {
  extraServers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
}

beforeEach(async () => {
  fake = await createFakeTelegram({ botUsername: 'qr_test_bot' });
  bot = new Bot(fake.token, { client: { apiRoot: fake.apiRoot } });
});

afterEach(async () => {
  if (running !== undefined) {
    await bot.stop();
    await running;
    running = undefined;
  }
  await fake.close();
  for (const server of extraServers) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
  extraServers = [];
});

describe('long polling', () => {
  it('delivers user texts to a grammY bot and stores its replies in order', async () => {
    bot.command('start', (ctx) => ctx.reply(`hello ${ctx.from?.first_name ?? ''}`));
    bot.on('message:text', (ctx) => ctx.reply(`echo ${ctx.message.text}`));
    startPolling();
    fake.sendText({ userId: USER, text: '/start', firstName: 'Ana' });
    fake.sendText({ userId: USER, text: 'plain words' });

    const replies = await fake.waitFor(() => (fake.messages(USER).length === 2 ? fake.messages(USER) : undefined), { description: 'two replies' });
    expect(replies.map((message) => message.text)).toEqual(['hello Ana', 'echo plain words']);
    // user messages 1 and 2 and bot replies share one counter per chat
    expect(replies.map((message) => message.messageId)).toEqual([3, 4]);
    expect(fake.message(USER, 1)).toMatchObject({ from: 'user', text: '/start' });
  });

  it('gives /cmd@botusername in a group a bot_command entity the command filter matches', async () => {
    bot.command('qr', (ctx) => ctx.reply(`qr for chat ${ctx.chat.id} (${ctx.chat.type})`));
    startPolling();
    const { messageId } = fake.sendText({ userId: USER, chatType: 'group', text: '/qr@qr_test_bot demo' });

    const [answer] = await fake.waitFor(() => (fake.messages(-USER).length > 0 ? fake.messages(-USER) : undefined));
    expect(answer?.text).toBe(`qr for chat ${-USER} (group)`);
    expect(messageId).toBe(1);
  });

  it('holds getUpdates until an update arrives and ends an older poll with 409 Conflict', async () => {
    const first = bot.api.getUpdates({ timeout: 30 }).then(
      (updates) => ({ updates }),
      (error: unknown) => ({ error }),
    );
    const second = bot.api.getUpdates({ timeout: 30 }).then(
      (updates) => ({ updates }),
      (error: unknown) => ({ error }),
    );
    await fake.waitFor(() => fake.callsTo('getUpdates').some((call) => !call.ok), { description: 'one poll terminated' });
    fake.sendText({ userId: USER, text: 'wake up' });

    const outcomes = await Promise.all([first, second]);
    const conflict = outcomes.find((outcome) => 'error' in outcome);
    const delivered = outcomes.find((outcome) => 'updates' in outcome);
    expect(conflict && 'error' in conflict ? conflict.error : undefined).toMatchObject({ error_code: 409 });
    expect(delivered && 'updates' in delivered ? delivered.updates.map((update) => update.message?.text) : []).toEqual(['wake up']);
  });

  it('honours offset confirmation and limit', async () => {
    const ids = ['a', 'b', 'c'].map((text) => fake.sendText({ userId: USER, text }).updateId);
    const firstTwo = await bot.api.getUpdates({ limit: 2 });
    expect(firstTwo.map((update) => update.update_id)).toEqual(ids.slice(0, 2));
    const again = await bot.api.getUpdates({});
    expect(again).toHaveLength(3);

    const rest = await bot.api.getUpdates({ offset: (ids[1] ?? 0) + 1 });
    expect(rest.map((update) => update.message?.text)).toEqual(['c']);
    expect(await bot.api.getUpdates({ offset: (ids[2] ?? 0) + 1 })).toEqual([]);
  });

  it('lets a stopped bot confirm its updates so a restarted bot does not see them again', async () => {
    const seen: string[] = [];
    bot.on('message:text', (ctx) => {
      seen.push(ctx.message.text);
    });
    startPolling();
    fake.sendText({ userId: USER, text: 'once' });
    await fake.waitFor(() => seen.length === 1);
    await bot.stop();
    await running;
    running = undefined;

    expect(await bot.api.getUpdates({ timeout: 0 })).toEqual([]);
  });

  it('routes a pressed button to the bot and accepts one answer per query', async () => {
    const sent = await bot.api.sendMessage(USER, 'pick', { reply_markup: { inline_keyboard: [[{ text: 'Go', callback_data: 'go' }]] } });
    bot.callbackQuery('go', (ctx) => ctx.answerCallbackQuery({ text: 'going' }));
    startPolling();
    const { callbackQueryId } = fake.pressButton({ userId: USER, chatId: USER, messageId: sent.message_id, data: 'go' });

    const answer = await fake.waitFor(() => fake.callsTo('answerCallbackQuery').find((call) => call.ok));
    expect(answer.params).toMatchObject({ callback_query_id: callbackQueryId, text: 'going' });
    await expect(bot.api.answerCallbackQuery(callbackQueryId)).rejects.toMatchObject({ error_code: 400 });
  });
});

describe('photos and edits', () => {
  it('stores uploaded bytes, replaces them on editMessageMedia and refuses an identical edit', async () => {
    const [first, second] = await Promise.all([png(200), png(30)]);
    const keyboard = { inline_keyboard: [[{ text: 'Refresh', callback_data: 'refresh' }]] };
    const sent = await bot.api.sendPhoto(USER, new InputFile(first), { caption: 'code 1', reply_markup: keyboard });

    expect(fake.message(USER, sent.message_id)?.photo?.equals(first)).toBe(true);
    expect(sent.photo?.at(-1)).toMatchObject({ width: 64, height: 48, file_size: first.length });
    expect(fake.callsTo('sendPhoto')[0]?.params).toMatchObject({ chat_id: USER, photo: { file: first.length }, reply_markup: keyboard });

    const edited = await bot.api.editMessageMedia(
      USER,
      sent.message_id,
      { type: 'photo', media: new InputFile(second), caption: 'code 2' },
      { reply_markup: keyboard },
    );
    const stored = fake.message(USER, sent.message_id);
    expect(stored?.photo?.equals(second)).toBe(true);
    expect(stored).toMatchObject({ caption: 'code 2', edits: 1, replyMarkup: keyboard });
    expect(edited).toMatchObject({ message_id: sent.message_id, caption: 'code 2', photo: [expect.objectContaining({ file_size: second.length })] });
    expect(edited === true ? undefined : edited.photo?.at(-1)?.file_id).not.toBe(sent.photo?.at(-1)?.file_id);
    expect(fake.callsTo('editMessageMedia')[0]?.params).toMatchObject({ media: { type: 'photo', media: { file: second.length } } });

    const again = bot.api.editMessageMedia(
      USER,
      sent.message_id,
      { type: 'photo', media: new InputFile(second), caption: 'code 2' },
      { reply_markup: keyboard },
    );
    await expect(again).rejects.toBeInstanceOf(GrammyError);
    await expect(again).rejects.toMatchObject({ error_code: 400, description: NOT_MODIFIED });
    expect(fake.message(USER, sent.message_id)?.edits).toBe(1);
  });

  it('reuses the bytes of an existing file_id and counts a dropped keyboard as a change', async () => {
    const image = await png(120);
    const sent = await bot.api.sendPhoto(USER, new InputFile(image), { reply_markup: { inline_keyboard: [[{ text: 'x', callback_data: 'x' }]] } });
    const fileId = sent.photo?.at(-1)?.file_id ?? '';
    const copy = await bot.api.sendPhoto(USER, fileId);
    expect(fake.message(USER, copy.message_id)?.photo?.equals(image)).toBe(true);

    await bot.api.editMessageMedia(USER, sent.message_id, { type: 'photo', media: fileId });
    expect(fake.message(USER, sent.message_id)?.replyMarkup).toBeUndefined();
    await expect(bot.api.editMessageMedia(USER, sent.message_id, { type: 'photo', media: fileId })).rejects.toMatchObject({
      description: NOT_MODIFIED,
    });
    await expect(bot.api.sendPhoto(USER, 'no-such-file-id')).rejects.toMatchObject({ error_code: 400 });
  });

  it('accepts a plain multipart file field from a standard FormData encoder', async () => {
    const image = await png(160);
    const form = new FormData();
    form.set('chat_id', String(USER));
    form.set('caption', 'plain field');
    form.set('photo', new Blob([image]), 'qr.png');
    const response = await fetch(`${fake.apiRoot}/bot${fake.token}/sendPhoto`, { method: 'POST', body: form });
    const body = (await response.json()) as { ok: boolean; result: { message_id: number } };

    expect(body.ok).toBe(true);
    expect(fake.message(USER, body.result.message_id)).toMatchObject({ caption: 'plain field' });
    expect(fake.message(USER, body.result.message_id)?.photo?.equals(image)).toBe(true);
    expect(fake.callsTo('sendPhoto')[0]?.params).toEqual({ chat_id: USER, caption: 'plain field', photo: { file: image.length } });
  });

  it('refuses bytes that are not an image', async () => {
    await expect(bot.api.sendPhoto(USER, new InputFile(Buffer.from('not a picture')))).rejects.toMatchObject({
      description: 'Bad Request: IMAGE_PROCESS_FAILED',
    });
  });

  it('answers "message to edit not found" after the user deleted the message', async () => {
    const sent = await bot.api.sendPhoto(USER, new InputFile(await png(50)));
    fake.deleteByUser(USER, sent.message_id);

    await expect(bot.api.editMessageMedia(USER, sent.message_id, { type: 'photo', media: new InputFile(await png(60)) })).rejects.toMatchObject({
      error_code: 400,
      description: 'Bad Request: message to edit not found',
    });
    await expect(bot.api.editMessageText(USER, 999, 'x')).rejects.toMatchObject({ description: 'Bad Request: message to edit not found' });
    expect(fake.message(USER, sent.message_id)).toMatchObject({ deleted: true, edits: 0 });
  });

  it('refuses editMessageMedia on a text message and edits of user messages', async () => {
    const text = await bot.api.sendMessage(USER, 'just text');
    await expect(bot.api.editMessageMedia(USER, text.message_id, { type: 'photo', media: new InputFile(await png(70)) })).rejects.toMatchObject({
      description: 'Bad Request: there is no media in the message to edit',
    });
    const { messageId } = fake.sendText({ userId: USER, text: 'mine' });
    await expect(bot.api.editMessageText(USER, messageId, 'changed')).rejects.toMatchObject({ description: "Bad Request: message can't be edited" });
  });

  it('edits text and caption, refusing unchanged content', async () => {
    const text = await bot.api.sendMessage(USER, 'one');
    await bot.api.editMessageText(USER, text.message_id, 'two');
    expect(fake.message(USER, text.message_id)).toMatchObject({ text: 'two', edits: 1 });
    await expect(bot.api.editMessageText(USER, text.message_id, 'two')).rejects.toMatchObject({ description: NOT_MODIFIED });

    const photo = await bot.api.sendPhoto(USER, new InputFile(await png(90)), { caption: 'a' });
    await bot.api.editMessageCaption(USER, photo.message_id, { caption: 'b' });
    await expect(bot.api.editMessageCaption(USER, photo.message_id, { caption: 'b' })).rejects.toMatchObject({ description: NOT_MODIFIED });
    const markup = { inline_keyboard: [[{ text: 'k', callback_data: 'k' }]] };
    await bot.api.editMessageReplyMarkup(USER, photo.message_id, { reply_markup: markup });
    expect(fake.message(USER, photo.message_id)).toMatchObject({ caption: 'b', replyMarkup: markup, edits: 2 });
    expect(fake.message(USER, photo.message_id)?.history.map((entry) => entry.method)).toEqual([
      'sendPhoto',
      'editMessageCaption',
      'editMessageReplyMarkup',
    ]);
  });

  it('shows HTML text as the user sees it and refuses broken markup', async () => {
    const sent = await bot.api.sendMessage(USER, '<b>Session</b> a &lt; b &amp; c', { parse_mode: 'HTML' });
    expect(fake.message(USER, sent.message_id)?.text).toBe('Session a < b & c');
    await expect(bot.api.sendMessage(USER, 'name <unescaped>', { parse_mode: 'HTML' })).rejects.toMatchObject({
      description: expect.stringContaining("Bad Request: can't parse entities"),
    });
    await expect(bot.api.sendMessage(USER, 'Ready.', { parse_mode: 'MarkdownV2' })).rejects.toMatchObject({
      description: expect.stringContaining("Character '.' is reserved"),
    });
  });
});

describe('scripted failures', () => {
  it('fails the next calls with 429 and retry_after, then answers normally', async () => {
    fake.failNext('sendMessage', { errorCode: 429, description: 'Too Many Requests: retry after 3', retryAfter: 3 }, 2);
    for (let attempt = 0; attempt < 2; attempt += 1) {
      await expect(bot.api.sendMessage(USER, 'hi')).rejects.toMatchObject({ error_code: 429, parameters: { retry_after: 3 } });
    }
    await bot.api.sendMessage(USER, 'hi');
    expect(fake.callsTo('sendMessage').map((call) => call.ok)).toEqual([false, false, true]);
    expect(fake.messages(USER)).toHaveLength(1);
  });

  it('resets the connection without an answer', async () => {
    fake.failNext('sendPhoto', 'reset');
    await expect(bot.api.sendPhoto(USER, new InputFile(await png(10)))).rejects.toBeInstanceOf(HttpError);
    expect(fake.callsTo('sendPhoto')[0]).toMatchObject({ ok: false, params: { chat_id: USER } });
    expect(fake.messages(USER)).toHaveLength(0);
    await bot.api.sendMessage(USER, 'still alive');
    expect(fake.messages(USER)).toHaveLength(1);
  });

  it('answers 403 for every call to a chat that blocked the bot', async () => {
    const sent = await bot.api.sendMessage(USER, 'before');
    fake.blockBy(USER);
    const blocked = { error_code: 403, description: 'Forbidden: bot was blocked by the user' };
    await expect(bot.api.sendMessage(USER, 'after')).rejects.toMatchObject(blocked);
    await expect(bot.api.editMessageText(USER, sent.message_id, 'changed')).rejects.toMatchObject(blocked);
    await bot.api.sendMessage(USER + 1, 'someone else');
  });

  it('answers 404 Not Found for an unknown method and 401 for a wrong token', async () => {
    const raw = bot.api.raw as unknown as Record<string, (params: object) => Promise<unknown>>;
    await expect(raw.sendTelepathy?.({})).rejects.toMatchObject({ error_code: 404, description: 'Not Found' });
    const stranger = new Bot('999:wrong', { client: { apiRoot: fake.apiRoot } });
    await expect(stranger.api.getMe()).rejects.toMatchObject({ error_code: 401 });
  });

  it('rejects waitFor with the description and the recent calls', async () => {
    await bot.api.sendMessage(USER, 'context');
    await bot.api.setWebhook('http://127.0.0.1:9/never', { secret_token: 'do_not_print' });
    const failure = fake.waitFor(() => false, { timeoutMs: 30, description: 'a reply that never comes' });
    const error = await failure.then(
      () => undefined,
      (reason: unknown) => reason,
    );
    expect(String(error)).toMatch(/a reply that never comes[\s\S]*sendMessage ok[\s\S]*setWebhook ok/);
    expect(String(error)).not.toContain('do_not_print');
  });
});

describe('commands', () => {
  it('stores commands per scope and language', async () => {
    await bot.api.setMyCommands([{ command: 'qr', description: 'Show the QR' }]);
    await bot.api.setMyCommands([{ command: 'admin', description: 'Admin tools' }], { scope: { type: 'chat', chat_id: USER } });
    expect(await bot.api.getMyCommands()).toEqual([{ command: 'qr', description: 'Show the QR' }]);
    expect(await bot.api.getMyCommands({ scope: { type: 'chat', chat_id: USER } })).toEqual([{ command: 'admin', description: 'Admin tools' }]);
    expect(await bot.api.getMyCommands({ language_code: 'de' })).toEqual([]);
    await bot.api.deleteMyCommands({ scope: { type: 'chat', chat_id: USER } });
    expect(await bot.api.getMyCommands({ scope: { type: 'chat', chat_id: USER } })).toEqual([]);
    await expect(bot.api.setMyCommands([{ command: 'Bad Command', description: 'x' }])).rejects.toMatchObject({ error_code: 400 });
  });
});

describe('webhook mode', () => {
  it('posts updates with the secret header to a grammY webhook and refuses getUpdates', async () => {
    const secret = 'hook_secret-123';
    await bot.init();
    bot.command('start', (ctx) => ctx.reply('via webhook'));
    const headers: IncomingHttpHeaders[] = [];
    const handle = webhookCallback(bot, 'http', { secretToken: secret });
    const url = await listen(
      createServer((request, response) => {
        headers.push(request.headers);
        void handle(request, response);
      }),
    );
    await bot.api.setWebhook(url, { secret_token: secret });
    expect((await bot.api.getWebhookInfo()).url).toBe(url);

    fake.sendText({ userId: USER, text: '/start' });
    const [reply] = await fake.waitFor(() => (fake.messages(USER).length > 0 ? fake.messages(USER) : undefined), { description: 'webhook reply' });
    expect(reply?.text).toBe('via webhook');
    expect(headers[0]?.['x-telegram-bot-api-secret-token']).toBe(secret);
    await expect(bot.api.getUpdates()).rejects.toMatchObject({ error_code: 409 });
    expect((await bot.api.getWebhookInfo()).pending_update_count).toBe(0);

    await bot.api.deleteWebhook();
    fake.sendText({ userId: USER, text: 'polled' });
    expect((await bot.api.getUpdates()).map((update) => update.message?.text)).toEqual(['polled']);
  });

  it('runs a method returned in the webhook response body', async () => {
    const url = await listen(
      createServer((request, response) => {
        request.resume();
        request.on('end', () => {
          response.setHeader('content-type', 'application/json');
          response.end(JSON.stringify({ method: 'sendMessage', chat_id: USER, text: 'webhook reply' }));
        });
      }),
    );
    await bot.api.setWebhook(url);
    fake.sendText({ userId: USER, text: 'hi' });

    const reply = await fake.waitFor(() => fake.messages(USER)[0], { description: 'reply from the webhook body' });
    expect(reply.text).toBe('webhook reply');
  });

  it('retries a failed delivery and reports the error in getWebhookInfo', async () => {
    const bodies: string[] = [];
    let failuresLeft = 1;
    const url = await listen(
      createServer((request, response) => {
        let body = '';
        request.on('data', (chunk: Buffer) => (body += chunk.toString()));
        request.on('end', () => {
          bodies.push(body);
          response.statusCode = failuresLeft-- > 0 ? 500 : 200;
          response.end();
        });
      }),
    );
    await bot.api.setWebhook(url);
    const { updateId } = fake.sendText({ userId: USER, text: 'retry me' });

    await fake.waitFor(() => bodies.length === 2, { description: 'second delivery' });
    expect(bodies.map((body) => (JSON.parse(body) as { update_id: number }).update_id)).toEqual([updateId, updateId]);
    const info = await bot.api.getWebhookInfo();
    expect(info.last_error_message).toContain('500');
    expect(info.pending_update_count).toBe(0);
  });
});

describe('lifecycle', () => {
  it('close() ends a pending long poll and leaves no sockets, servers or timers behind', async () => {
    const baseline = await settledHandles();
    const other = await createFakeTelegram();
    const client = new Bot(other.token, { client: { apiRoot: other.apiRoot } });
    const pending = client.api.getUpdates({ timeout: 30 });
    await client.api.sendMessage(USER, 'while polling');
    await other.waitFor(() => other.callsTo('sendMessage').length === 1);

    await other.close();
    expect(await pending).toEqual([]);
    await expect(other.waitFor(() => false)).rejects.toThrow(/closed/);
    // Nothing is left behind: no more sockets, servers or timers of any kind than before (an unrelated timer that
    // was running at the baseline may well have ended meanwhile).
    const count = (handles: string[]) => handles.reduce((m, h) => m.set(h, (m.get(h) ?? 0) + 1), new Map<string, number>());
    const before = count(baseline);
    const left = [...count(await settledHandles())].filter(([handle, n]) => n > (before.get(handle) ?? 0));
    expect(left).toEqual([]);
  });
});
