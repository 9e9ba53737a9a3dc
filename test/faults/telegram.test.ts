import { afterEach, describe, expect, it } from 'vitest';
import QRCode from 'qrcode';
import { InputFile } from 'grammy';
import {
  ADMIN,
  FAULT_WAIT_MS,
  brokenPhotos,
  isPlainText,
  scanPhoto,
  startApp,
  untilShowsCurrentCode,
  type AppHarness,
} from '../support/app-harness.js';
import { createDroppingProxy, type DroppingProxy } from './telegram-proxy.js';

let h: AppHarness | undefined;
afterEach(async () => {
  const harness = h;
  h = undefined;
  if (!harness) return;
  await harness.close();
  expect(harness.crashes, 'unhandled rejections or uncaught exceptions').toEqual([]);
});

const start = async (options: { proxy?: (proxy: DroppingProxy) => void } = {}) => {
  h = await startApp({
    waitMs: FAULT_WAIT_MS,
    speed: 4,
    sessions: [
      { id: 'demo', status: 'STOPPED' },
      { id: 'second', status: 'STOPPED' },
    ],
    ...(options.proxy
      ? {
          telegramVia: async (apiRoot: string) => {
            const proxy = await createDroppingProxy(apiRoot);
            options.proxy?.(proxy);
            return proxy;
          },
        }
      : {}),
  });
  return h;
};

const okCalls = (h: AppHarness, method: string) => h.tg.callsTo(method).filter((c) => c.ok);
const rowOf = async (h: AppHarness, messageId: number) => await h.store().liveMessages.get(ADMIN, messageId);

describe('Telegram faults', () => {
  it('429 with retry_after on sendPhoto: the bot waits and exactly one photo arrives', async () => {
    const h = await start();
    h.tg.failNext('sendPhoto', { errorCode: 429, description: 'Too Many Requests: retry after 1', retryAfter: 1 });
    const photo = await h.say(ADMIN, '/qr demo');
    await untilShowsCurrentCode(h, photo, 'demo');
    expect(h.tg.callsTo('sendPhoto').map((c) => c.ok)).toEqual([false, true]);
    expect(h.photos(ADMIN)).toHaveLength(1);
    await h.until(async () => (await rowOf(h, photo.messageId))?.state === 'showing', 'the live message to be stored');
  });

  it('5xx on sendPhoto: sent once more (and nothing stray to retire); 5xx on an edit: retried, the code arrives', async () => {
    const h = await start();
    h.tg.failNext('sendPhoto', { errorCode: 500, description: 'Internal Server Error' });
    const photo = await h.say(ADMIN, '/qr demo');
    expect(photo.photo).toBeDefined();
    await untilShowsCurrentCode(h, photo, 'demo');
    expect(h.tg.callsTo('sendPhoto').map((c) => c.ok)).toEqual([false, true]);

    h.tg.failNext('editMessageMedia', { errorCode: 502, description: 'Bad Gateway' });
    h.rotate('demo');
    // The edit is retried after a few seconds' backoff while the codes go on rotating: allow for a loaded machine.
    await untilShowsCurrentCode(h, photo, 'demo', 20_000);
    expect(h.tg.callsTo('editMessageMedia').some((c) => !c.ok)).toBe(true);
    expect(h.photos(ADMIN)).toHaveLength(1);
    expect(okCalls(h, 'sendPhoto')).toHaveLength(1);
    expect(await brokenPhotos(h.seenPhotos)).toEqual([]);
  });

  it('a reset during sendPhoto that Telegram never carried out: sent once more, one photo, nothing said', async () => {
    const h = await start();
    h.tg.failNext('sendPhoto', 'reset');
    const photo = await h.say(ADMIN, '/qr demo');
    await untilShowsCurrentCode(h, photo, 'demo');
    expect(h.photos(ADMIN)).toHaveLength(1);
    expect(h.tg.messages(ADMIN).filter((m) => m.text !== undefined)).toEqual([]);
  });

  it('when the photo cannot be sent again either, the person is told plainly to ask again', async () => {
    const h = await start();
    h.tg.failNext('sendPhoto', 'reset', 2);
    const answer = await h.say(ADMIN, '/qr demo');
    expect(answer.photo).toBeUndefined();
    expect(isPlainText(answer.text)).toBe(true);
    expect(answer.text).toBe('Telegram did not confirm the QR photo. If no photo arrived, send /qr demo again.');
  });

  it('a reset after Telegram delivered the photo: the photo is sent again and the copy delivered first is retired', async () => {
    let proxy: DroppingProxy | undefined;
    const h = await start({ proxy: (p) => (proxy = p) });
    proxy?.dropAnswer('sendPhoto');
    h.tg.sendText({ userId: ADMIN, text: '/qr demo' });
    await h.until(() => h.photos(ADMIN).length === 2, 'the photo sent again');
    expect(proxy?.dropped()).toBe(1);
    const [lost, live] = h.photos(ADMIN);
    await h.until(() => lost!.caption?.includes('replaced by a newer QR message'), 'the lost copy to be retired');
    expect(await scanPhoto(lost)).toBeNull();
    await untilShowsCurrentCode(h, live!, 'demo');
    expect(h.tg.messages(ADMIN).filter((m) => m.text !== undefined)).toEqual([]);
    // Only the tracked message gets the next code.
    h.rotate('demo');
    await untilShowsCurrentCode(h, live!, 'demo');
    expect(await scanPhoto(lost)).toBeNull();
    expect(await h.store().photoIntents.list()).toEqual([]);
  });

  it('after a crash between Telegram taking the photo and the bot storing it, the restart retires that photo', async () => {
    const h = await start();
    const command = h.tg.sendText({ userId: ADMIN, text: 'hello' });
    // What a crash leaves: Telegram delivered a photo the bot never stored, and the intent recorded before sending.
    const stray = await h.app.bot.api.sendPhoto(ADMIN, new InputFile(await QRCode.toBuffer('2@stray-code'), 'qr.png'), {
      caption: 'a code nobody keeps true',
    });
    await h.store().photoIntents.add({ chatId: ADMIN, afterMessageId: command.messageId, sessionId: 'demo', createdAt: Date.now() });
    await h.restart();
    const message = h.tg.message(ADMIN, stray.message_id)!;
    await h.until(() => message.caption?.includes('replaced by a newer QR message'), 'the stray photo to be retired');
    await h.until(() => h.tg.messages(ADMIN).some((m) => m.text?.includes('send /qr demo for a fresh one')), 'the person to be told');
    expect(await h.store().photoIntents.list()).toEqual([]);
  });

  it('a reset during the rotation edit: the edit is made later, no second photo', async () => {
    const h = await start();
    const photo = await h.say(ADMIN, '/qr demo');
    await untilShowsCurrentCode(h, photo, 'demo');
    h.tg.failNext('editMessageMedia', 'reset');
    h.rotate('demo');
    await untilShowsCurrentCode(h, photo, 'demo');
    expect(h.tg.callsTo('editMessageMedia').some((c) => !c.ok)).toBe(true);
    expect(h.photos(ADMIN)).toHaveLength(1);
    expect((await rowOf(h, photo.messageId))?.state).toBe('showing');
  });

  it('the user blocked the bot: tracking stops, nothing crashes, and a later /qr from them goes nowhere quietly', async () => {
    const h = await start();
    const photo = await h.say(ADMIN, '/qr demo');
    await untilShowsCurrentCode(h, photo, 'demo');
    h.tg.blockBy(ADMIN);
    h.rotate('demo');
    await h.until(async () => (await rowOf(h, photo.messageId))?.state === 'gone', 'the live message to be marked gone');
    const editsAfter = h.tg.callsTo('editMessageMedia').length;
    // The engine no longer watches the session, so no look and no edit can follow a rotation (no sleep needed).
    await h.until(() => !h.app.liveQr.liveSessions().includes('demo'), 'the session to be watched no more');
    h.rotate('demo');
    expect(h.tg.callsTo('editMessageMedia')).toHaveLength(editsAfter);

    h.tg.sendText({ userId: ADMIN, text: '/qr second' });
    await h.until(() => h.tg.callsTo('sendPhoto').some((c) => !c.ok), 'the refused sendPhoto');
    await h.until(async () => (await h.store().audit.latest(5)).some((e) => e.action === 'qr' && e.sessionId === 'second'), 'the /qr to be audited');
    expect(h.photos(ADMIN)).toHaveLength(1);
    expect(h.app.liveQr.liveSessions()).not.toContain('second');
  });

  it('the user deleted the QR message: tracking stops after one failed edit, nothing crashes', async () => {
    const h = await start();
    const photo = await h.say(ADMIN, '/qr demo');
    await untilShowsCurrentCode(h, photo, 'demo');
    h.tg.deleteByUser(ADMIN, photo.messageId);
    h.rotate('demo');
    await h.until(async () => (await rowOf(h, photo.messageId))?.state === 'gone', 'the live message to be marked gone');
    await h.until(() => !h.app.liveQr.liveSessions().includes('demo'), 'the session to be watched no more');
    h.sim.resetRequests();
    const edits = h.tg.callsTo('editMessageMedia').length;
    h.rotate('demo');
    // A /help round trip after the rotation's poke: the poke was handled, and it asked Wasend nothing.
    expect((await h.say(ADMIN, '/help')).text).toContain('/qr');
    expect(h.tg.callsTo('editMessageMedia')).toHaveLength(edits);
    expect(h.sim.requests.filter((r) => r.path.startsWith('/sessions/demo'))).toHaveLength(0);
  });

  it('a button press too old to answer (slow, or redelivered after a restart) still does what it asked', async () => {
    const h = await start();
    const question = await h.say(ADMIN, '/qr');
    expect(question.text).toMatch(/^Which session\?/);
    h.tg.failNext('answerCallbackQuery', {
      errorCode: 400,
      description: 'Bad Request: query is too old and response timeout expired or query ID is invalid',
    });
    h.tg.pressButton({ userId: ADMIN, chatId: ADMIN, messageId: question.messageId, data: 'qr:pick:demo' });
    const photo = await h.until(() => h.photos(ADMIN)[0], 'the QR photo');
    await untilShowsCurrentCode(h, photo, 'demo');
    expect(h.tg.messages(ADMIN).filter((m) => m.text?.startsWith('Something went wrong'))).toEqual([]);
  });
});
