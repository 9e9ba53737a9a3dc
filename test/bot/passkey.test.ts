import { afterEach, describe, expect, it } from 'vitest';
import { ADMIN, codeIn, USER, buttonData, scanPhoto, startApp, untilShowsCurrentCode, type AppHarness } from '../support/app-harness.js';
import type { FakeMessage } from '../support/fake-telegram.js';

let h: AppHarness;
afterEach(async () => {
  await h?.close();
});

const start = async (webhooks = false) => {
  h = await startApp({
    sessions: [
      { id: 'demo', status: 'STOPPED' },
      { id: 'other', status: 'STOPPED' },
    ],
    ...(webhooks ? { listener: { wasendSecret: 'wasend-hook-secret-for-passkey-tests' } } : {}),
  });
};

async function liveQr(userId: number): Promise<FakeMessage> {
  const qr = await h.say(userId, '/qr demo');
  await untilShowsCurrentCode(h, qr, 'demo');
  return qr;
}

describe('PASSKEY_REQUIRED', () => {
  it('explains in two lines that a browser must sign it, keeps watching, and says Connected when the session links', async () => {
    await start();
    const qr = await liveQr(ADMIN);
    h.sim.passkey('demo', 'required');
    await h.until(() => qr.caption?.includes('passkey'), 'the passkey explanation');
    expect(qr.caption).toContain("WAHA's passkey extension");
    expect(qr.caption).toContain('The bot cannot do that step');
    expect(qr.caption?.split('\n')).toHaveLength(2);
    expect(await scanPhoto(qr)).toBeNull();
    expect(buttonData(qr)).toEqual(['qr:refresh', 'qr:cancel']);

    h.sim.scan('demo');
    await h.until(() => qr.caption?.includes('Connected'), 'Connected');
    expect(h.photos(ADMIN)).toHaveLength(1);
  });

  it('follows the session back to its QR when it starts over', async () => {
    await start();
    const qr = await liveQr(ADMIN);
    h.sim.passkey('demo', 'required');
    await h.until(() => qr.caption?.includes('passkey'), 'the passkey explanation');
    await fetch(`${h.sim.url}/sessions/demo/restart`, { method: 'POST', headers: { authorization: `Bearer ${h.config.wasend.apiKey}` } });
    await untilShowsCurrentCode(h, qr, 'demo');
    expect(buttonData(qr)).toContain('qr:phone');
  });
});

describe('PASSKEY_CONFIRMATION_REQUIRED', () => {
  it("shows the code to compare with It matches / It doesn't match; It matches confirms and the message follows to Connected", async () => {
    await start();
    const qr = await liveQr(ADMIN);
    h.sim.passkey('demo', 'confirmation');
    const expected = h.sim.state('demo')?.passkeyCode;
    expect(expected).toMatch(/^\d{4}$/);
    await h.until(() => codeIn(qr) === expected, 'the confirmation code in the message');
    expect(buttonData(qr)).toEqual(['pk:yes', 'pk:no']);

    h.tg.pressButton({ userId: ADMIN, chatId: ADMIN, messageId: qr.messageId, data: 'pk:yes' });
    await h.until(() => qr.caption?.includes('Connected'), 'Connected');
    expect(h.sim.state('demo')?.wahaStatus).toBe('WORKING');
    expect(h.sim.requests.some((r) => r.method === 'POST' && r.path === '/sessions/demo/auth/passkey/confirm')).toBe(true);
    expect(h.logs.join('\n')).not.toContain(`"${expected}"`);
  });

  it("It doesn't match stops the session and says so", async () => {
    await start();
    const qr = await liveQr(ADMIN);
    h.sim.passkey('demo', 'confirmation');
    await h.until(() => buttonData(qr).includes('pk:no'), 'the confirm buttons');
    h.tg.pressButton({ userId: ADMIN, chatId: ADMIN, messageId: qr.messageId, data: 'pk:no' });
    const said = await h.until(() => h.tg.messages(ADMIN).find((m) => m.text?.startsWith('Stopped demo')), 'the reply');
    expect(said.text).toContain('did not match');
    expect(h.sim.state('demo')?.wahaStatus).toBe('STOPPED');
    await h.until(() => !buttonData(qr).includes('pk:yes'), 'the buttons to go');
    expect(codeIn(qr)).toBeUndefined();
  });

  it('takes the code from the webhook event, and the message follows', async () => {
    await start(true);
    const qr = await liveQr(ADMIN);
    h.sim.passkey('demo', 'confirmation');
    const expected = h.sim.state('demo')?.passkeyCode;
    await h.until(() => codeIn(qr) === expected, 'the confirmation code in the message');
    h.tg.pressButton({ userId: ADMIN, chatId: ADMIN, messageId: qr.messageId, data: 'pk:yes' });
    await h.until(() => qr.caption?.includes('Connected'), 'Connected');
  });

  it('refuses someone who lost access to the session, checked on the press', async () => {
    await start();
    await h.store().grants.grant(USER, 'demo', ADMIN);
    await h.store().grants.grant(USER, 'other', ADMIN);
    const qr = await liveQr(USER);
    h.sim.passkey('demo', 'confirmation');
    await h.until(() => buttonData(qr).includes('pk:yes'), 'the confirm buttons');
    await h.store().grants.revoke(USER, 'demo');
    const press = h.tg.pressButton({ userId: USER, chatId: USER, messageId: qr.messageId, data: 'pk:yes' });
    const answer = await h.until(() => h.tg.answerOf(press.callbackQueryId), 'the answer');
    expect(answer.text).toBe("You don't have access to that session.");
    expect(h.sim.state('demo')?.wahaStatus).toBe('PASSKEY_CONFIRMATION_REQUIRED');
    expect(h.sim.requests.some((r) => r.path.endsWith('/auth/passkey/confirm'))).toBe(false);
  });
});

describe('passkey buttons outside a passkey step', () => {
  it('a forged pk:no on a plain QR message stops nothing, and pk:yes confirms nothing, for a granted user', async () => {
    await start();
    await h.store().grants.grant(USER, 'demo', ADMIN);
    const qr = await liveQr(USER);
    expect(buttonData(qr)).not.toContain('pk:no');

    const no = h.tg.pressButton({ userId: USER, chatId: USER, messageId: qr.messageId, data: 'pk:no' });
    const refused = await h.until(() => h.tg.answerOf(no.callbackQueryId), 'the answer to pk:no');
    expect(refused.text).toBe('WhatsApp is no longer waiting for this code.');
    const yes = h.tg.pressButton({ userId: USER, chatId: USER, messageId: qr.messageId, data: 'pk:yes' });
    expect((await h.until(() => h.tg.answerOf(yes.callbackQueryId), 'the answer to pk:yes')).text).toBe(
      'WhatsApp is no longer waiting for this code.',
    );

    expect(h.sim.state('demo')?.wahaStatus).toBe('SCAN_QR_CODE');
    expect(h.sim.requests.filter((r) => r.method === 'POST' && (r.path.endsWith('/stop') || r.path.endsWith('/auth/passkey/confirm')))).toEqual([]);
    const audit = await h.store().audit.latest(10);
    expect(audit.filter((e) => e.action === 'passkey.reject' || e.action === 'passkey.confirm').map((e) => e.outcome)).toEqual([
      'not_asked',
      'not_asked',
    ]);
    // The message carries on as a live QR.
    await untilShowsCurrentCode(h, qr, 'demo');
  });
});
