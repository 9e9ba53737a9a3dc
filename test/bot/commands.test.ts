import { afterEach, expect, it } from 'vitest';
import { ADMIN, USER, buttonData, startApp, untilShowsCurrentCode, type AppHarness } from '../support/app-harness.js';

let h: AppHarness;
afterEach(async () => {
  await h?.close();
});

const start = async () => {
  h = await startApp({
    sessions: [
      { id: 'demo', status: 'STOPPED' },
      { id: 'linked', status: 'WORKING' },
      { id: 'other', status: 'STOPPED', vocabulary: 'wasend' },
    ],
  });
};

it('shows admins every Wasend session with its status, and users only theirs', async () => {
  await start();
  const sessions = (await h.say(ADMIN, '/sessions')).text ?? '';
  expect(sessions).toMatch(/⏹ stopped[^\n]*:\n(• [^\n]*\n)*• demo\n/);
  expect(sessions).toMatch(/✅ connected:\n• linked\n/);
  expect(sessions).toMatch(/⏹ stopped[^\n]*:\n(• [^\n]*\n)*• other\n/);
  expect((await h.say(ADMIN, '/status linked')).text).toBe('linked: ✅ connected');
  expect((await h.say(ADMIN, '/status ghost')).text).toBe('ghost: not found on Wasend.');
  expect((await h.say(ADMIN, '/help')).text).toContain('/grant <user id> <session>');

  await h.say(ADMIN, `/grant ${USER} linked`);
  await h.say(ADMIN, `/grant ${USER} demo`);
  expect((await h.say(ADMIN, '/users demo')).text).toContain(`demo: User ${USER} (by User ${ADMIN} (${ADMIN}),`);
  const help = (await h.say(USER, '/help')).text ?? '';
  expect(help).not.toContain('/grant');
  expect(help).toContain('Your sessions: demo, linked');
  const status = (await h.say(USER, '/status')).text ?? '';
  expect(status.split('\n')).toEqual(['demo: ⏹ stopped (send /qr to link it)', 'linked: ✅ connected']);
  expect((await h.say(USER, '/sessions')).text).not.toContain('other');
});

it('lets a user with several sessions pick one with a button, and one with a single session skip the question', async () => {
  await start();
  await h.say(ADMIN, `/grant ${USER} demo`);
  await h.say(ADMIN, `/grant ${USER} other`);
  const question = await h.say(USER, '/qr');
  expect(question.text).toMatch(/Which session/);
  expect(buttonData(question)).toEqual(['qr:pick:demo', 'qr:pick:other']);
  const before = h.tg.messages(USER).length;
  h.tg.pressButton({ userId: USER, chatId: USER, messageId: question.messageId, data: 'qr:pick:demo' });
  const photo = await h.until(() => h.tg.messages(USER)[before], 'the picked QR');
  await untilShowsCurrentCode(h, photo, 'demo');

  await h.say(ADMIN, `/revoke ${USER} other`);
  const direct = await h.say(USER, '/qr');
  expect(direct.messageId).not.toBe(photo.messageId);
  await untilShowsCurrentCode(h, direct, 'demo');
});

it('answers every button press, also stale, foreign and garbage ones, without touching Wasend', async () => {
  await start();
  const text = await h.say(ADMIN, '/help');
  h.sim.resetRequests();
  const presses = [
    h.tg.pressButton({ userId: ADMIN, chatId: ADMIN, messageId: text.messageId, data: 'qr:refresh' }),
    h.tg.pressButton({ userId: ADMIN, chatId: ADMIN, messageId: text.messageId, data: 'qr:new' }),
    h.tg.pressButton({ userId: ADMIN, chatId: ADMIN, messageId: text.messageId, data: 'something-else' }),
    h.tg.pressButton({ userId: ADMIN, chatId: ADMIN, messageId: text.messageId, data: 'qr:pick:a/b' }),
    // The buttons of pairing codes, passkeys, /delete, /sessions and /language, stale or forged.
    ...[
      'qr:phone',
      'qr:showqr',
      'qr:newcode',
      'pk:yes',
      'pk:no',
      'pn:ok:999999',
      'pn:ask:12',
      'pn:s:a/b',
      'del:yes:AAAAAAAAAAAA',
      'del:no:zz',
      'ss:x',
      'st:../x',
      'lang:xx',
      'lang:pt-BR',
    ].map((data) => h.tg.pressButton({ userId: ADMIN, chatId: ADMIN, messageId: text.messageId, data })),
  ];
  await h.until(
    () => presses.every((p) => h.tg.callsTo('answerCallbackQuery').some((c) => c.ok && c.params.callback_query_id === p.callbackQueryId)),
    'every press to be answered',
  );
  expect(h.sim.requests).toHaveLength(0);
  expect(h.photos(ADMIN)).toHaveLength(0);
});

it('turns a failing handler into a short apology and a log line without the token', async () => {
  await start();
  h.tg.failNext('sendMessage', { errorCode: 400, description: 'Bad Request: something odd' });
  const reply = await h.say(ADMIN, '/help');
  expect(reply.text).toBe('Something went wrong. Please try again in a minute.');
  const failure = h.logs.find((line) => line.includes('update failed'));
  expect(failure).toContain('something odd');
  expect(h.logs.join('')).not.toContain(h.tg.token.split(':')[1]);
  expect((await h.say(ADMIN, '/help')).text).toContain('/qr <session>');
});
