import { Api } from 'grammy';
import pino from 'pino';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { captionFor, captionOf, englishTexts } from '../../src/bot/faces.js';
import { createTelegramMessenger } from '../../src/bot/telegram-messenger.js';
import type { QrView } from '../../src/live/types.js';
import { renderQrPng } from '../../src/qr/render.js';
import { decodeQrPng } from '../support/decode-qr.js';
import { createFakeTelegram, type FakeTelegram } from '../support/fake-telegram.js';

let tg: FakeTelegram;
let code: Extract<QrView, { kind: 'code' }>;
beforeAll(async () => {
  tg = await createFakeTelegram();
  code = {
    kind: 'code',
    sessionId: 'demo',
    png: await renderQrPng({ kind: 'raw', value: '2@first-code' }),
    fingerprint: 'f1',
    expiresAt: Date.UTC(2030, 0, 1, 12, 34, 56),
    codeNumber: 2,
  };
});
afterAll(() => tg.close());

const messenger = () =>
  createTelegramMessenger({ api: new Api(tg.token, { apiRoot: tg.apiRoot }), protectContent: true, logger: pino({ level: 'silent' }) });

it('sends a protected photo with caption and buttons, edits only the caption when the image stays', async () => {
  const m = messenger();
  const { messageId } = await m.send(42, code);
  const message = tg.message(42, messageId);
  expect(message?.protectContent).toBe(true);
  expect(await decodeQrPng(message?.photo ?? Buffer.alloc(0))).toBe('2@first-code');
  expect(message?.caption).toContain('until 12:34:56 UTC.');
  expect(message?.captionEntities).toEqual([expect.objectContaining({ type: 'date_time', unix_time: Date.UTC(2030, 0, 1, 12, 34, 56) / 1000 })]);

  expect(await m.edit(42, messageId, { ...code, expiresAt: null })).toBe('ok');
  expect(message?.history.at(-1)?.method).toBe('editMessageCaption');
  expect(message?.caption).toContain('scan this code.\nThis message updates itself.');
  expect(message?.caption).not.toContain('Good for');
  expect(await m.edit(42, messageId, { ...code, expiresAt: null })).toBe('not_modified');

  expect(await m.edit(42, messageId, { kind: 'expired', sessionId: 'demo', reason: 'codes_ran_out' })).toBe('ok');
  expect(message?.history.at(-1)?.method).toBe('editMessageMedia');
  expect(await decodeQrPng(message?.photo ?? Buffer.alloc(0))).toBeNull();
  expect(message?.replyMarkup?.inline_keyboard.flat().map((b) => b.text)).toEqual(['🆕 New QR']);
});

it("reports a deleted message or a blocked bot as gone and rethrows Telegram's transient errors", async () => {
  const m = messenger();
  const first = await m.send(43, code);
  tg.deleteByUser(43, first.messageId);
  expect(await m.edit(43, first.messageId, { kind: 'connected', sessionId: 'demo' })).toBe('gone');

  const second = await m.send(44, code);
  tg.failNext('editMessageMedia', { errorCode: 500, description: 'Internal Server Error' });
  await expect(m.edit(44, second.messageId, { kind: 'cancelled', sessionId: 'demo' })).rejects.toThrow(/Internal Server Error/);
  tg.blockBy(44);
  expect(await m.edit(44, second.messageId, { kind: 'cancelled', sessionId: 'demo' })).toBe('gone');
});

it('names the code in its series and the time left in seconds or minutes; an estimate says about; no expiry claims no time', () => {
  const at = Date.UTC(2030, 0, 1, 12, 34, 56);
  const texts = { ...englishTexts(at - 45_000), label: (id: string) => (id === 'demo' ? 'Shop front desk (demo)' : id) };
  const exact = captionOf({ ...code, expiresAt: at, seriesIndex: 2 }, texts);
  expect(exact.caption).toBe(
    '📱 Shop front desk (demo): code 2 of 6\n' +
      'On the phone: WhatsApp > Settings > Linked devices > Link a device, then scan this code.\n' +
      'Good for 45 s, until 12:34:56 UTC.\n' +
      'This message updates itself.',
  );
  const until = exact.entities[0];
  expect(until).toMatchObject({ type: 'date_time', date_time_format: 'T', unix_time: at / 1000 });
  expect(exact.caption.slice(until!.offset, until!.offset + until!.length)).toBe('12:34:56 UTC');
  expect(captionFor({ ...code, expiresAt: at, estimated: true }, texts)).toContain('Good for about 45 s, until 12:34:56 UTC.');
  expect(captionFor({ ...code, expiresAt: at }, { ...texts, now: at - 150_000 })).toContain('Good for about 3 min,');
  const unknown = captionFor({ ...code, codeNumber: 1, expiresAt: null }, texts);
  expect(unknown).toContain('📱 Shop front desk (demo)\n');
  expect(unknown).not.toMatch(/Good for|\d+ s\b|of 6/);
});
