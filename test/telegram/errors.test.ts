import { GrammyError, HttpError } from 'grammy';
import { describe, expect, it } from 'vitest';
import { classifyTelegramError } from '../../src/telegram/errors.js';

const refusal = (code: number, description: string) =>
  new GrammyError(`Call to 'x' failed! (${code}: ${description})`, { ok: false, error_code: code, description }, 'editMessageMedia', {});

describe('classifyTelegramError: the one reader of Telegram error codes', () => {
  it.each([
    [400, 'Bad Request: message is not modified: specified new message content and reply markup are exactly the same', 'not_modified'],
    [400, 'Bad Request: message to edit not found', 'gone'],
    [400, 'Bad Request: chat not found', 'gone'],
    [403, 'Forbidden: bot was blocked by the user', 'gone'],
    [403, 'Forbidden: user is deactivated', 'gone'],
    [400, 'Bad Request: query is too old and response timeout expired or query ID is invalid', 'stale_query'],
    [400, 'Bad Request: wrong remote file identifier specified: Wrong character in the string', 'bad_file'],
    [409, 'Conflict: terminated by other getUpdates request', 'conflict'],
    [401, 'Unauthorized', 'unauthorized'],
    [404, 'Not Found', 'unauthorized'],
    [502, 'Bad Gateway', 'lost'],
    [429, 'Too Many Requests: retry after 5', 'refused'],
    [400, 'Bad Request: message caption is too long', 'refused'],
  ])('%i %s -> %s', (code, description, expected) => {
    expect(classifyTelegramError(refusal(code, description))).toBe(expected);
  });

  it('a failed wire is lost (the request may have been carried out); anything else is not from Telegram', () => {
    expect(classifyTelegramError(new HttpError('Network request for x failed!', new Error('ECONNRESET')))).toBe('lost');
    expect(classifyTelegramError(new TypeError('boom'))).toBe('not_telegram');
    expect(classifyTelegramError({ error_code: 403 })).toBe('not_telegram');
  });
});
