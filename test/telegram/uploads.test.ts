import { InputFile } from 'grammy';
import { describe, expect, it } from 'vitest';
import { memoryFile, multipartOf } from '../../src/telegram/uploads.js';
import { multipartBoundary, parseMultipart } from '../support/fake-telegram-multipart.js';

describe('uploads from memory in one body', () => {
  it('sends the fields as grammY would and each file under the attach:// name its field gives', () => {
    const photo = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]);
    const upload = multipartOf({
      chat_id: 42,
      message_id: 7,
      media: { type: 'photo', media: memoryFile(photo, 'qr.png'), caption: '📱 shop "front"\r\n--not a boundary', parse_mode: null },
      reply_markup: { inline_keyboard: [[{ text: 'Refresh', callback_data: 'qr:refresh' }]] },
      protect_content: true,
      skipped: undefined,
    });
    expect(upload).toBeDefined();
    const parts = parseMultipart(upload!.body, multipartBoundary(upload!.contentType)!);
    const fields = Object.fromEntries(parts.filter((p) => p.filename === undefined).map((p) => [p.name, p.data.toString('utf8')]));
    expect(fields).toEqual({
      chat_id: '42',
      message_id: '7',
      media: JSON.stringify({ type: 'photo', media: 'attach://file0', caption: '📱 shop "front"\r\n--not a boundary' }),
      reply_markup: JSON.stringify({ inline_keyboard: [[{ text: 'Refresh', callback_data: 'qr:refresh' }]] }),
      protect_content: 'true',
    });
    const files = parts.filter((p) => p.filename !== undefined);
    expect(files.map((p) => [p.name, p.filename])).toEqual([['file0', 'qr.png']]);
    expect(files[0]!.data.equals(photo)).toBe(true);
  });

  it('leaves to grammY a call without files, or with a file that is not in memory (a stream is read once)', () => {
    expect(multipartOf({ chat_id: 1, text: 'hello' })).toBeUndefined();
    expect(multipartOf({ chat_id: 1, photo: new InputFile(Buffer.from([1]), 'a.png') })).toBeUndefined();
    expect(
      multipartOf({
        chat_id: 1,
        media: [
          { type: 'photo', media: memoryFile(Buffer.from([1]), 'a.png') },
          { type: 'photo', media: new InputFile((async function* () {})()) },
        ],
      }),
    ).toBeUndefined();
  });
});
