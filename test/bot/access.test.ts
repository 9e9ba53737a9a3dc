import { afterEach, describe, expect, it } from 'vitest';
import { ADMIN, STRANGER, USER, scanPhoto, startApp, untilShowsCurrentCode, type AppHarness } from '../support/app-harness.js';

let h: AppHarness;
afterEach(async () => {
  await h?.close();
});

const start = async () => {
  h = await startApp({
    sessions: [
      { id: 'demo', status: 'STOPPED' },
      { id: 'other', status: 'STOPPED' },
    ],
  });
};

/** The audit log as an admin sees it through /audit. */
const auditRows = async (action: string) => (await h.store().audit.latest(100)).filter((entry) => entry.action === action);

describe('access', () => {
  it('refuses a stranger plainly, without a photo or a Wasend request, and audits it', async () => {
    await start();
    h.sim.resetRequests();
    const reply = await h.say(STRANGER, '/qr demo');
    expect(reply.text).toMatch(/don't have access/);
    expect(reply.text).not.toContain('demo');
    expect(reply.text).toContain(`Your Telegram id is ${STRANGER}`);
    expect(h.photos(STRANGER)).toHaveLength(0);
    expect(h.sim.requests).toHaveLength(0);
    const denied = await auditRows('denied');
    expect(denied.some((entry) => entry.userId === STRANGER && entry.detail?.includes('/qr'))).toBe(true);
  });

  it('sends no photo in a group and points to the private chat', async () => {
    await start();
    const reply = await h.say(ADMIN, '/qr demo', { chatId: -500, chatType: 'group' });
    expect(reply.text).toMatch(/only sent in a private chat/);
    expect((await h.say(ADMIN, `/qr@${h.tg.botInfo.username} demo`, { chatId: -500, chatType: 'group' })).text).toMatch(
      /only sent in a private chat/,
    );
    h.tg.sendText({ userId: STRANGER, chatId: -500, chatType: 'group', text: '/qr@some_other_bot demo' });
    expect((await h.say(STRANGER, `/qr@${h.tg.botInfo.username} demo`, { chatId: -500, chatType: 'group' })).text).toMatch(/don't have access/);
    expect(h.tg.messages(-500)).toHaveLength(3);
    expect(h.photos(-500)).toHaveLength(0);
    expect(h.tg.callsTo('sendPhoto')).toHaveLength(0);
  });

  it('answers malformed arguments with one usage line and never calls Wasend', async () => {
    await start();
    h.sim.resetRequests();
    const cases: Array<[string, RegExp]> = [
      ['/qr a/b', /^Usage: \/qr/],
      ['/qr ..', /^Usage: \/qr/],
      ['/qr two words', /^Usage: \/qr/],
      [`/qr ${'x'.repeat(129)}`, /^Usage: \/qr/],
      [`/qr ${'x'.repeat(400)}`, /^Usage: \/qr/],
      ['/qr a\u0007b', /^Usage: \/qr/],
      ['/status ../admin', /^Usage: \/status/],
      ['/grant abc demo', /^"abc" is not a user id\. A user id is a number.*\nUsage: \/grant <user id> <session>$/],
      ['/grant 12', /^Usage: \/grant/],
      ['/grant -5 demo', /^"-5" is not a user id\..*\nUsage: \/grant/],
      ['/revoke 12 a/b', /^"a\/b" is not a session id\. \/sessions lists them\.\nUsage: \/revoke/],
      ['/invite', /^Usage: \/invite/],
      ['/users a b', /^Usage: \/users/],
    ];
    for (const [text, expected] of cases) {
      const reply = await h.say(ADMIN, text);
      expect(reply.text, text).toMatch(expected);
      // One usage line; a /grant or /revoke that names its wrong part says which first.
      expect(reply.text?.split('\n').length, text).toBeLessThanOrEqual(text.startsWith('/grant ') || text.startsWith('/revoke ') ? 2 : 1);
    }
    expect(h.sim.requests).toHaveLength(0);
    expect(h.photos(ADMIN)).toHaveLength(0);
  });

  it('lets a granted user fetch a QR, refuses them after a revoke, including their old button', async () => {
    await start();
    expect((await h.say(USER, '/qr demo')).text).toMatch(/don't have access/);
    expect((await h.say(ADMIN, `/grant ${USER} demo`)).text).toMatch(/can now use demo/);

    const photo = await h.say(USER, '/qr demo');
    await untilShowsCurrentCode(h, photo, 'demo');
    expect((await h.say(USER, '/qr other')).text).toMatch(/don't have access to that session/);
    expect((await h.say(USER, '/sessions')).text).toContain('demo');
    expect((await h.say(USER, '/grant 5 demo')).text).toMatch(/Only admins/);

    expect((await h.say(ADMIN, `/revoke ${USER} demo`)).text).toMatch(/can no longer use demo/);
    await h.until(() => photo.caption?.includes('Cancelled'), 'the revoked user\u2019s live QR to stop');
    expect(await scanPhoto(photo)).toBeNull();

    const answersBefore = h.tg.callsTo('answerCallbackQuery').length;
    const press = h.tg.pressButton({ userId: USER, chatId: USER, messageId: photo.messageId, data: 'qr:new' });
    const answer = await h.until(
      () =>
        h.tg
          .callsTo('answerCallbackQuery')
          .slice(answersBefore)
          .find((c) => c.params.callback_query_id === press.callbackQueryId),
      'the press to be answered',
    );
    expect(String(answer.params.text)).toMatch(/don't have access/);
    expect(await scanPhoto(photo)).toBeNull();
    const denied = await auditRows('denied');
    expect(denied.some((entry) => entry.userId === USER && entry.detail?.includes('button'))).toBe(true);
  });

  it('turns an invite link into a grant exactly once', async () => {
    await start();
    const invite = await h.say(ADMIN, '/invite demo');
    const link = /https:\/\/t\.me\/(\w+)\?start=([\w-]+)/.exec(invite.text ?? '');
    expect(link?.[1]).toBe(h.tg.botInfo.username);
    const token = link?.[2] ?? '';

    expect((await h.say(USER, `/start ${token}`)).text).toMatch(/You now have access to demo/);
    const photo = await h.say(USER, '/qr demo');
    await untilShowsCurrentCode(h, photo, 'demo');

    expect((await h.say(STRANGER, `/start ${token}`)).text).toMatch(/already used/);
    expect((await h.say(STRANGER, '/qr demo')).text).toMatch(/don't have access/);
    expect((await h.say(STRANGER, '/start not-a-real-token-at-all')).text).toMatch(/not valid/);
    const redeemed = await auditRows('invite.redeem');
    expect(redeemed.some((entry) => entry.userId === USER && entry.outcome === 'ok')).toBe(true);
    expect(redeemed.some((entry) => entry.userId === STRANGER && entry.outcome === 'used')).toBe(true);
    expect(h.logs.join('')).not.toContain(token);
  });

  it('registers the user menu for everyone and the admin menu in the admin chat', async () => {
    await start();
    const calls = h.tg.callsTo('setMyCommands');
    const commandsOf = (call: (typeof calls)[number] | undefined) =>
      ((call?.params.commands as Array<{ command: string }> | undefined) ?? []).map((c) => c.command);
    const everyone = calls.find((c) => c.params.scope === undefined);
    const admin = calls.find((c) => (c.params.scope as { chat_id?: number } | undefined)?.chat_id === ADMIN);
    expect(commandsOf(everyone)).toContain('qr');
    expect(commandsOf(everyone)).not.toContain('grant');
    expect(commandsOf(admin)).toEqual(expect.arrayContaining(['qr', 'grant', 'revoke', 'users', 'invite', 'audit']));
  });
});
