import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { isValidSessionId } from '../../src/wasend/session-id.js';
import { ADMIN, STRANGER, USER, startApp, type AppHarness } from '../support/app-harness.js';
import { eventually } from '../support/wait.js';

const GROUP = -4242;
const CHANNEL = -1001234567890;
let h: AppHarness;
let nextUpdate = 900_000;
let nextMessage = 500_000;
/**
 * Errors thrown out of the middleware (the runner would turn each into "Something went wrong"), as text: a
 * BotError holds the context, whose API proxy turns any property a pretty-printer probes into a Bot API call.
 */
const handlerErrors: string[] = [];

beforeAll(async () => {
  h = await startApp({
    sessions: [
      { id: 'demo', status: 'SCAN_QR_CODE' },
      { id: 'other', status: 'SCAN_QR_CODE' },
    ],
    chats: [ADMIN, USER, STRANGER, GROUP],
  });
  await h.store().grants.grant(USER, 'demo', ADMIN);
});

afterAll(async () => {
  await h.close();
  expect(h.crashes).toEqual([]);
});

const feed = async (update: object) => {
  try {
    await h.app.bot.handleUpdate({ update_id: nextUpdate++, ...update });
  } catch (error) {
    const inner = (error as { error?: unknown }).error ?? error;
    handlerErrors.push(`${JSON.stringify(update).slice(0, 200)} -> ${inner instanceof Error ? `${inner.name}: ${inner.message}` : String(inner)}`);
  }
};

const chatFor = (userId: number, type: 'private' | 'group' | 'supergroup') =>
  type === 'private' ? { id: userId, type, first_name: `u${userId}` } : { id: GROUP, type, title: 'A group' };

const message = (userId: number, type: 'private' | 'group' | 'supergroup', text: string) => {
  const command = /^\/[^\s]*/.exec(text)?.[0];
  return {
    message_id: nextMessage++,
    date: 1_700_000_000,
    chat: chatFor(userId, type),
    from: { id: userId, is_bot: false, first_name: `u${userId}` },
    text,
    ...(command ? { entities: [{ type: 'bot_command', offset: 0, length: command.length }] } : {}),
  };
};

/** Every Wasend request named a session id that passes `isValidSessionId`. */
const invalidWasendRequests = () =>
  h.sim.requests
    .map((r) => /^\/sessions\/([^/]+)/.exec(r.path)?.[1])
    .filter((raw): raw is string => raw !== undefined)
    .filter((raw) => {
      try {
        return !isValidSessionId(decodeURIComponent(raw));
      } catch {
        return true;
      }
    });

/** Photos only ever went to the admin, or to the user for the one session they were granted, in private chats. */
const photosToTheWrongPeople = () =>
  h.tg
    .callsTo('sendPhoto')
    .filter((c) => {
      const chatId = Number(c.params.chat_id);
      const caption = typeof c.params.caption === 'string' ? c.params.caption : '';
      if (chatId === ADMIN) return false;
      return !(chatId === USER && caption.includes('demo') && !caption.includes('other'));
    })
    .map((c) => `${String(c.params.chat_id)}: ${String(c.params.caption).slice(0, 40)}`);

const nasty = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom(
    '..',
    '../..',
    '/',
    '//',
    'demo/../other',
    'demo\u202e',
    '\u200fdemo',
    'de\u0000mo',
    'demo\n',
    '%2e%2e',
    'demo%2F..',
    'a'.repeat(129),
    '\u202eomed',
    ' demo ',
    'demo?x=1',
    'demo#x',
    'other',
    'demo',
  ),
  fc.string({ unit: fc.constantFrom('a', '/', '.', '\\', ' ', '\t', '\u0007', '\u202e', '@', '%', '?', '#'), maxLength: 30 }),
);
const commands = fc.constantFrom(
  '/qr',
  '/status',
  '/sessions',
  '/cancel',
  '/help',
  '/start',
  '/grant',
  '/revoke',
  '/users',
  '/invite',
  '/audit',
  '/watch',
  '/unwatch',
  '/qr@fake_qr_bot',
  '/QR',
  '/',
  '//qr',
);

it('command texts and arguments of any kind: no crash, no invalid session id to Wasend, no photo to the wrong person', async () => {
  // The checks below must be able to see photos: the two people allowed one get theirs.
  for (const userId of [ADMIN, USER]) await feed({ message: message(userId, 'private', '/qr demo') });
  expect(
    h.tg
      .callsTo('sendPhoto')
      .filter((c) => c.ok)
      .map((c) => c.params.chat_id),
  ).toEqual([ADMIN, USER]);
  await fc.assert(
    fc.asyncProperty(
      fc.constantFrom(ADMIN, USER, STRANGER),
      fc.constantFrom('private' as const, 'private' as const, 'group' as const, 'supergroup' as const),
      commands,
      fc.array(nasty, { maxLength: 3 }),
      fc.constantFrom(' ', '  ', '\n', '\t', '\u00a0'),
      async (userId, type, command, args, separator) => {
        await feed({ message: message(userId, type, [command, ...args].join(separator)) });
      },
    ),
    { numRuns: 300 },
  );
  for (const text of ['/qr ' + 'x'.repeat(100_000), '/grant ' + '9'.repeat(5_000) + ' demo', '/start ' + 'A'.repeat(10_000), 'x'.repeat(200_000)]) {
    for (const userId of [ADMIN, USER, STRANGER]) await feed({ message: message(userId, 'private', text) });
  }
  expect(handlerErrors).toEqual([]);
  expect(invalidWasendRequests()).toEqual([]);
  expect(photosToTheWrongPeople()).toEqual([]);
  expect(h.crashes).toEqual([]);
}, 60_000);

it('callback data of any kind (up to 64 bytes): every press answered, nothing for the wrong person', async () => {
  const answeredBefore = h.tg.callsTo('answerCallbackQuery').length;
  let presses = 0;
  const data = fc
    .oneof(
      fc.string({ unit: 'grapheme', maxLength: 64 }),
      fc.string({ unit: 'binary', maxLength: 64 }),
      fc.constantFrom(
        'qr:refresh',
        'qr:cancel',
        'qr:new',
        'qr:pick:',
        'qr:pick:other',
        'qr:pick:demo',
        'qr:pick:..',
        'qr:pick:a/b',
        'qr:pick:\u202e',
        'qr:',
        'watch:demo',
      ),
      fc.string({ maxLength: 50 }).map((s) => `qr:pick:${s}`),
    )
    .filter((d) => Buffer.byteLength(d) <= 64);
  await fc.assert(
    fc.asyncProperty(
      fc.constantFrom(ADMIN, USER, STRANGER),
      fc.constantFrom('private' as const, 'group' as const),
      data,
      fc.nat({ max: 40 }),
      async (userId, type, callbackData, messageId) => {
        presses++;
        await feed({
          callback_query: {
            id: `cb${nextUpdate}`,
            from: { id: userId, is_bot: false, first_name: `u${userId}` },
            chat_instance: 'ci',
            data: callbackData,
            message: { message_id: messageId, date: 1_700_000_000, chat: chatFor(userId, type), from: { ...h.tg.botInfo }, text: 'Which session?' },
          },
        });
      },
    ),
    { numRuns: 300 },
  );
  expect(handlerErrors).toEqual([]);
  expect(h.tg.callsTo('answerCallbackQuery').length - answeredBefore).toBeGreaterThanOrEqual(presses);
  expect(invalidWasendRequests()).toEqual([]);
  expect(photosToTheWrongPeople()).toEqual([]);
}, 60_000);

it('odd update shapes (no sender, channel posts, edits, unknown kinds, huge texts): ignored without a crash or a Wasend call', async () => {
  for (const userId of [ADMIN, USER]) await feed({ message: message(userId, 'private', '/cancel') });
  await eventually(() => h.app.liveQr.liveSessions().length === 0, 'every live message ended');
  h.sim.resetRequests();
  const photos = h.tg.callsTo('sendPhoto').length;
  const shapes = fc.oneof(
    fc.record({
      message: fc.constant({
        message_id: 1,
        date: 1,
        chat: { id: ADMIN, type: 'private', first_name: 'a' },
        text: '/qr demo',
        entities: [{ type: 'bot_command', offset: 0, length: 3 }],
      }),
    }),
    fc.record({
      channel_post: fc.constant({
        message_id: 2,
        date: 1,
        chat: { id: CHANNEL, type: 'channel', title: 'c' },
        text: '/qr demo',
        entities: [{ type: 'bot_command', offset: 0, length: 3 }],
      }),
    }),
    fc.string({ maxLength: 3_000 }).map((text) => ({ edited_message: { ...message(ADMIN, 'private', `/qr ${text}`), edit_date: 2 } })),
    fc.record({
      message: fc.constant({
        message_id: 3,
        date: 1,
        chat: { id: ADMIN, type: 'private', first_name: 'a' },
        from: { id: ADMIN, is_bot: false, first_name: 'a' },
      }),
    }),
    fc.record({
      message: fc.constant({
        message_id: 4,
        date: 1,
        chat: { id: STRANGER, type: 'private', first_name: 'a' },
        from: { id: STRANGER, is_bot: true, first_name: 'bot' },
        text: '/qr demo',
        entities: [{ type: 'bot_command', offset: 0, length: 3 }],
      }),
    }),
    fc.record({
      my_chat_member: fc.constant({
        chat: { id: GROUP, type: 'group', title: 'g' },
        from: { id: USER, is_bot: false, first_name: 'u' },
        date: 1,
        old_chat_member: { status: 'left', user: { ...h.tg.botInfo } },
        new_chat_member: { status: 'member', user: { ...h.tg.botInfo } },
      }),
    }),
    fc.dictionary(
      fc.string({ minLength: 1, maxLength: 12 }).filter((k) => k !== 'update_id' && k !== '__proto__'),
      fc.jsonValue({ maxDepth: 2 }),
      { maxKeys: 2 },
    ),
    fc.string({ maxLength: 20_000 }).map((text) => ({ message: { ...message(STRANGER, 'private', text), entities: [] } })),
  );
  await fc.assert(
    fc.asyncProperty(shapes, (update) => feed(update)),
    { numRuns: 200 },
  );
  expect(handlerErrors).toEqual([]);
  expect(h.tg.callsTo('sendPhoto')).toHaveLength(photos);
  expect(h.sim.requests).toEqual([]);
  expect(h.crashes).toEqual([]);
}, 60_000);
