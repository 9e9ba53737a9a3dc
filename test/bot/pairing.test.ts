import { afterEach, describe, expect, it } from 'vitest';
import { ADMIN, codeIn, STRANGER, USER, buttonData, scanPhoto, startApp, untilShowsCurrentCode, type AppHarness } from '../support/app-harness.js';
import type { FakeMessage } from '../support/fake-telegram.js';
import { decodeQrPng } from '../support/decode-qr.js';

let h: AppHarness;
afterEach(async () => {
  await h?.close();
});

const PHONE = '5511987654321';

const start = async (options: { pairingCodes?: boolean; lifetimeMs?: number; cooldownMs?: number } = {}) => {
  h = await startApp({
    sessions: [
      { id: 'demo', status: 'STOPPED' },
      { id: 'other', status: 'STOPPED' },
    ],
    ...(options.pairingCodes === false ? { pairingCodes: false } : {}),
    timings: { pairingLifetimeMs: options.lifetimeMs ?? 60_000, pairingCooldownMs: options.cooldownMs ?? 60_000 },
  });
  h.sim.addSession({ id: 'held', status: 'STOPPED' });
};

async function untilShowsPairingCode(message: FakeMessage, sessionId: string): Promise<string> {
  return h.until(() => {
    const code = h.sim.state(sessionId)?.pairingCode;
    return code && codeIn(message) === code ? code : undefined;
  }, `message ${message.messageId} to show the pairing code of ${sessionId}`);
}

describe('/pair', () => {
  it('shows the code large and copyable with the steps and how long it is good for, then says Connected once the phone types it', async () => {
    await start();
    const reply = await h.say(ADMIN, '/pair demo +55 11 98765-4321');
    expect(reply.photo).toBeDefined();
    expect(reply.protectContent).toBe(true);
    const code = await untilShowsPairingCode(reply, 'demo');
    expect(code).toMatch(/^[A-Z0-9]{4}-[A-Z0-9]{4}$/);
    expect(h.sim.state('demo')?.pairingPhone).toBe(PHONE);
    expect(reply.caption).toContain('Link with phone number instead');
    expect(reply.caption).toContain('+55 •• ••••-4321');
    expect(reply.caption).toMatch(/Good for (\d+ s|about \d+ min)/);
    expect(buttonData(reply)).toEqual(['qr:showqr', 'qr:cancel']);
    // The photo shows the code, not a QR a camera could read.
    expect(await decodeQrPng(reply.photo!)).toBeNull();

    expect(h.sim.enterCode('demo', code)).toBe(true);
    await h.until(() => reply.caption?.includes('Connected'), 'the caption to say Connected');
    expect(codeIn(reply)).toBeUndefined();
    expect(reply.caption).not.toContain(code);
    expect(h.photos(ADMIN)).toHaveLength(1);
    // Neither the code nor the full number is ever logged.
    expect(h.logs.join('\n')).not.toContain(code);
    expect(h.logs.join('\n')).not.toContain(PHONE);
  });

  it('answers a number that is not one with the format and an example, and asks Wasend nothing', async () => {
    await start();
    for (const bad of ['/pair demo 12345', '/pair demo +55 11 9876x-4321', '/pair demo 0055119876543210000']) {
      const reply = await h.say(ADMIN, bad);
      expect(reply.text).toContain('international format');
      expect(reply.text).toContain('+55 11 98765-4321');
    }
    expect((await h.say(ADMIN, '/pair demo')).text).toContain('Usage: /pair <session> <phone number>');
    expect(h.sim.requests.filter((r) => r.path.includes('request-code'))).toHaveLength(0);
  });

  it('asks for at most one code per session a minute and says when the next is possible', async () => {
    await start();
    const first = await h.say(ADMIN, '/pair demo +5511987654321');
    await untilShowsPairingCode(first, 'demo');
    const second = await h.say(ADMIN, '/pair demo +5511987654321');
    expect(second.text).toMatch(/next one in \d+ s/);
    expect(h.sim.state('demo')?.pairingRequests).toBe(1);
    // Another session has its own minute.
    const other = await h.say(ADMIN, '/pair other +5511987654321');
    await untilShowsPairingCode(other, 'other');
    // A restart does not reset the minute.
    await h.restart();
    expect((await h.say(ADMIN, '/pair demo +5511987654321')).text).toMatch(/next one in \d+ s/);
    expect(h.sim.state('demo')?.pairingRequests).toBe(1);
  });

  it('on a server without pairing codes says so, and the QR stays', async () => {
    await start({ pairingCodes: false });
    const qr = await h.say(ADMIN, '/qr demo');
    await untilShowsCurrentCode(h, qr, 'demo');
    h.tg.pressButton({ userId: ADMIN, chatId: ADMIN, messageId: qr.messageId, data: 'qr:phone' });
    const ask = await h.until(() => h.tg.messages(ADMIN).find((m) => m.forceReply), 'the question for a number');
    h.tg.sendText({ userId: ADMIN, text: '+55 11 98765-4321', replyTo: ask.messageId });
    const said = await h.until(() => h.tg.messages(ADMIN).find((m) => m.text?.includes('does not offer pairing codes')), 'the refusal');
    expect(said.text).toBe('This Wasend server does not offer pairing codes: scan the QR instead.');
    await untilShowsCurrentCode(h, qr, 'demo');
    expect(buttonData(qr)).toContain('qr:phone');
  });

  it('refuses a session the person may not use, and only in a private chat', async () => {
    await start();
    await h.store().grants.grant(USER, 'other', ADMIN);
    expect((await h.say(USER, '/pair demo +5511987654321')).text).toBe("You don't have access to that session.");
    const group = await h.say(USER, '/pair other +5511987654321', { chatId: -500, chatType: 'group' });
    expect(group.text).toContain('private chat');
    expect(h.sim.state('demo')?.pairingRequests).toBe(0);
    expect(h.sim.state('other')?.pairingRequests).toBe(0);
  });

  it('says expired with New code and Show QR when the code lapses; New code puts a fresh code in the same message', async () => {
    await start({ lifetimeMs: 1_500, cooldownMs: 300 });
    const reply = await h.say(ADMIN, '/pair demo +5511987654321');
    const first = await untilShowsPairingCode(reply, 'demo');
    await h.until(() => reply.caption?.includes('This pairing code for demo expired'), 'the caption to say the code expired');
    expect(buttonData(reply)).toEqual(['qr:newcode', 'qr:new']);
    expect(reply.caption).not.toContain(first);

    h.tg.pressButton({ userId: ADMIN, chatId: ADMIN, messageId: reply.messageId, data: 'qr:newcode' });
    const second = await untilShowsPairingCode(reply, 'demo');
    expect(second).not.toBe(first);
    expect(h.sim.state('demo')?.pairingRequests).toBe(2);
    expect(h.photos(ADMIN)).toHaveLength(1);

    // Show QR on a live pairing message: the same message turns back into the QR.
    h.tg.pressButton({ userId: ADMIN, chatId: ADMIN, messageId: reply.messageId, data: 'qr:showqr' });
    await untilShowsCurrentCode(h, reply, 'demo');
    expect(buttonData(reply)).toContain('qr:phone');
  });
});

describe('the Phone number instead button', () => {
  it('with a number Wasend holds: shows it masked, and the confirm button turns the QR into a code in the same message', async () => {
    await start();
    h.sim.addSession({ id: 'with-phone', status: 'STOPPED' });
    // The simulator keeps the number a session was created with.
    const created = await fetch(`${h.sim.url}/sessions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${h.config.wasend.apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ sessionName: 'shop', phoneNumber: PHONE }),
    });
    const { uniqueSessionId } = (await created.json()) as { uniqueSessionId: string };
    const qr = await h.say(ADMIN, `/qr ${uniqueSessionId}`);
    await untilShowsCurrentCode(h, qr, uniqueSessionId);

    h.tg.pressButton({ userId: ADMIN, chatId: ADMIN, messageId: qr.messageId, data: 'qr:phone' });
    const offer = await h.until(() => h.tg.messages(ADMIN).find((m) => m.text?.startsWith('Send a pairing code')), 'the offer');
    expect(offer.text).toContain('+55 •• ••••-4321');
    expect(offer.text).not.toContain(PHONE);
    expect(buttonData(offer)).toEqual([`pn:ok:${qr.messageId}`, `pn:ask:${qr.messageId}`]);

    h.tg.pressButton({ userId: ADMIN, chatId: ADMIN, messageId: offer.messageId, data: `pn:ok:${qr.messageId}` });
    const code = await untilShowsPairingCode(qr, uniqueSessionId);
    expect(await scanPhoto(qr)).toBeNull();
    expect(h.sim.state(uniqueSessionId)?.pairingPhone).toBe(PHONE);
    expect(h.photos(ADMIN)).toHaveLength(1);
    expect(h.sim.enterCode(uniqueSessionId, code)).toBe(true);
    await h.until(() => qr.caption?.includes('Connected'), 'Connected');
  });

  it('without a number: asks with a forced reply, takes the answer, and lets a bad answer be corrected', async () => {
    await start();
    const qr = await h.say(ADMIN, '/qr demo');
    await untilShowsCurrentCode(h, qr, 'demo');
    h.tg.pressButton({ userId: ADMIN, chatId: ADMIN, messageId: qr.messageId, data: 'qr:phone' });
    const ask = await h.until(() => h.tg.messages(ADMIN).find((m) => m.forceReply), 'the question for a number');
    expect(ask.text).toContain('international format');

    const bad = await h.say(ADMIN, 'my number is 42'); // not a reply: not taken as the answer
    expect(bad.text).toBe('I only understand commands. Send /help to see what I can do.');
    h.tg.sendText({ userId: ADMIN, text: '12', replyTo: ask.messageId });
    await h.until(() => h.tg.messages(ADMIN).find((m) => m.text?.includes('Reply to my question above')), 'the format hint');
    h.tg.sendText({ userId: ADMIN, text: '+55 11 98765-4321', replyTo: ask.messageId });
    await untilShowsPairingCode(qr, 'demo');
    expect(h.photos(ADMIN)).toHaveLength(1);
  });

  it('refuses a stranger, and a user whose access was revoked after the QR was sent (checked on the press)', async () => {
    await start();
    await h.store().grants.grant(USER, 'demo', ADMIN);
    await h.store().grants.grant(USER, 'other', ADMIN);
    const qr = await h.say(USER, '/qr demo');
    await untilShowsCurrentCode(h, qr, 'demo');
    const stranger = h.tg.pressButton({ userId: STRANGER, chatId: USER, messageId: qr.messageId, data: 'qr:phone' });
    await h.until(() => h.tg.answerOf(stranger.callbackQueryId), 'the answer to the stranger');
    await h.store().grants.revoke(USER, 'demo');
    const press = h.tg.pressButton({ userId: USER, chatId: USER, messageId: qr.messageId, data: 'qr:phone' });
    const answer = await h.until(() => h.tg.answerOf(press.callbackQueryId), 'the answer to the press');
    expect(answer.text).toBe("You don't have access to that session.");
    expect(h.tg.messages(USER).some((m) => m.forceReply || m.text?.startsWith('Send a pairing code'))).toBe(false);
    expect(h.sim.state('demo')?.pairingRequests).toBe(0);
  });
});

describe('the audit of a pairing code', () => {
  it('is on record before the code shows: while Telegram still holds the photo, /audit already lists it', async () => {
    const { createDroppingProxy } = await import('../faults/telegram-proxy.js');
    let proxy: Awaited<ReturnType<typeof createDroppingProxy>> | undefined;
    h = await startApp({
      sessions: [{ id: 'demo', status: 'STOPPED' }],
      telegramVia: async (apiRoot) => (proxy = await createDroppingProxy(apiRoot)),
    });
    proxy!.holdAnswer('sendPhoto');
    h.tg.sendText({ userId: ADMIN, text: `/pair demo +${PHONE}` });
    // The photo reached Telegram; its answer has not reached the bot.
    await h.until(() => h.photos(ADMIN).length === 1, 'the pairing photo to reach Telegram');
    const entries = await h.store().audit.latest(10, { sessionId: 'demo' });
    expect(entries.filter((e) => e.action === 'pair').map((e) => e.outcome)).toEqual(['sent']);
    // Let go of the held answer (the bot hears of a lost connection), so that the app can stop.
    await proxy!.close();
  });
});
