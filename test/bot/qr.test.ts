import { afterEach, describe, expect, it } from 'vitest';
import { eventually } from '../support/wait.js';
import { ADMIN, buttonData, scanPhoto, startApp, untilShowsCurrentCode, type AppHarness } from '../support/app-harness.js';

let h: AppHarness;
afterEach(async () => {
  await h?.close();
});

const start = async () => {
  h = await startApp({
    sessions: [
      { id: 'demo', status: 'STOPPED' },
      { id: 'linked', status: 'WORKING' },
      { id: 'second', status: 'STOPPED' },
    ],
  });
};

describe('/qr for an admin', () => {
  it('sends exactly one protected photo that scans as the current code, and edits it in place when the code rotates', async () => {
    await start();
    const reply = await h.say(ADMIN, '/qr demo');
    expect(reply.photo).toBeDefined();
    expect(reply.protectContent).toBe(true);
    const first = await untilShowsCurrentCode(h, reply, 'demo');
    expect(reply.caption).toContain('demo');
    expect(reply.caption).toContain('Linked devices');
    expect(buttonData(reply)).toEqual(['qr:refresh', 'qr:cancel', 'qr:phone']);

    h.rotate('demo');
    const second = await untilShowsCurrentCode(h, reply, 'demo');
    expect(second).not.toBe(first);
    expect(h.photos(ADMIN)).toHaveLength(1);
    expect(reply.edits).toBeGreaterThan(0);
  });

  it('shows "sending photo" in the chat while Wasend is slow to answer, before the photo arrives', async () => {
    await start();
    h.sim.injectFaults({ kind: 'slow', delayMs: 1_500, path: '/qr' });
    const reply = await h.say(ADMIN, '/qr demo');
    expect(reply.photo).toBeDefined();
    const action = h.tg.callsTo('sendChatAction').find((c) => c.params.action === 'upload_photo' && c.params.chat_id === ADMIN);
    expect(action).toBeDefined();
    expect(action!.at).toBeLessThanOrEqual(h.tg.callsTo('sendPhoto')[0]!.at);
  });

  it('says Connected and stops showing a code once the phone scanned it', async () => {
    await start();
    const reply = await h.say(ADMIN, '/qr demo');
    await untilShowsCurrentCode(h, reply, 'demo');
    h.sim.scan('demo');
    await h.until(() => reply.caption?.includes('Connected'), 'the caption to say Connected');
    expect(reply.caption).toContain('demo is linked');
    expect(await scanPhoto(reply)).toBeNull();
    expect(buttonData(reply)).toEqual([]);
    expect(h.photos(ADMIN)).toHaveLength(1);
  });

  it('says expired with a New QR button when the codes run out, and New QR puts a fresh code in the same message', async () => {
    await start();
    const reply = await h.say(ADMIN, '/qr demo');
    await untilShowsCurrentCode(h, reply, 'demo');
    for (let i = 0; i < 6; i++) h.rotate('demo');
    expect(h.sim.state('demo')?.code).toBeNull();
    await h.until(() => reply.caption?.includes('expired'), 'the caption to say expired');
    expect(await scanPhoto(reply)).toBeNull();
    expect(buttonData(reply)).toEqual(['qr:new']);

    const press = h.tg.pressButton({ userId: ADMIN, chatId: ADMIN, messageId: reply.messageId, data: 'qr:new' });
    await untilShowsCurrentCode(h, reply, 'demo');
    expect(h.sim.state('demo')?.series).toBe(2);
    expect(h.photos(ADMIN)).toHaveLength(1);
    expect(h.tg.callsTo('answerCallbackQuery').some((c) => c.params.callback_query_id === press.callbackQueryId)).toBe(true);
  });

  it('stops the live code with the Cancel button and with /cancel', async () => {
    await start();
    const first = await h.say(ADMIN, '/qr demo');
    await untilShowsCurrentCode(h, first, 'demo');
    h.tg.pressButton({ userId: ADMIN, chatId: ADMIN, messageId: first.messageId, data: 'qr:cancel' });
    await h.until(() => first.caption?.includes('Cancelled'), 'the first message to say Cancelled');
    expect(await scanPhoto(first)).toBeNull();
    expect(buttonData(first)).toEqual([]);

    const second = await h.say(ADMIN, '/qr demo');
    await untilShowsCurrentCode(h, second, 'demo');
    const answer = await h.say(ADMIN, '/cancel');
    expect(answer.text).toBe('Stopped 1 live QR code.');
    await h.until(() => second.caption?.includes('Cancelled'), 'the second message to say Cancelled');
    expect(await scanPhoto(second)).toBeNull();
    expect((await h.say(ADMIN, '/cancel')).text).toMatch(/no live QR/);
  });

  it('retires the first message when a second /qr for the same session arrives', async () => {
    await start();
    const first = await h.say(ADMIN, '/qr demo');
    await untilShowsCurrentCode(h, first, 'demo');
    const second = await h.say(ADMIN, '/qr demo');
    expect(second.messageId).not.toBe(first.messageId);
    await untilShowsCurrentCode(h, second, 'demo');
    await h.until(() => first.caption?.includes('replaced by a newer QR message'), 'the first message to be retired');
    expect(await scanPhoto(first)).toBeNull();
    h.rotate('demo');
    await untilShowsCurrentCode(h, second, 'demo');
    expect(await scanPhoto(first)).toBeNull();
  });

  it('answers in words, without a photo, for a connected or unknown session', async () => {
    await start();
    expect((await h.say(ADMIN, '/qr linked')).text).toMatch(/linked is already connected/);
    expect((await h.say(ADMIN, '/qr ghost')).text).toMatch(/ghost was not found/);
    expect(h.photos(ADMIN)).toHaveLength(0);
  });

  it('says Wasend is unreachable when it is down, and keeps answering', async () => {
    await start();
    h.sim.injectFaults({ kind: 'status', status: 503 }, 1_000);
    const reply = await h.say(ADMIN, '/qr demo');
    expect(reply.text).toMatch(/unreachable.*try again in a minute/i);
    expect(h.photos(ADMIN)).toHaveLength(0);
    expect((await h.say(ADMIN, '/help')).text).toContain('/qr <session>');
    await eventually(async () => h.sim.requests.some((r) => r.status === 503), 'a 503 from the simulator');
  });

  it('uploads a placeholder image once and reuses it by file_id', async () => {
    await start();
    for (const sessionId of ['demo', 'second']) {
      const reply = await h.say(ADMIN, `/qr ${sessionId}`);
      await untilShowsCurrentCode(h, reply, sessionId);
      h.sim.scan(sessionId);
      await h.until(() => reply.caption?.includes('Connected'), `${sessionId} to say Connected`);
      expect(await scanPhoto(reply)).toBeNull();
    }
    const connectedMedia = h.tg
      .callsTo('editMessageMedia')
      .filter((c) => c.ok && String((c.params.media as { caption?: string }).caption).includes('Connected'))
      .map((c) => (c.params.media as { media: unknown }).media);
    expect(connectedMedia).toHaveLength(2);
    expect(connectedMedia[0]).toEqual({ file: expect.any(Number) });
    expect(typeof connectedMedia[1]).toBe('string');
  });

  it('gives up quietly on a message the user deleted and keeps answering', async () => {
    await start();
    const reply = await h.say(ADMIN, '/qr demo');
    await untilShowsCurrentCode(h, reply, 'demo');
    h.tg.deleteByUser(ADMIN, reply.messageId);
    h.rotate('demo');
    await h.until(
      () => h.tg.callsTo('editMessageMedia').some((c) => !c.ok && c.params.message_id === reply.messageId),
      'an edit of the deleted message to fail',
    );
    await h.until(async () => (await h.store().liveMessages.get(ADMIN, reply.messageId))?.state === 'gone', 'the message to be given up');
    const status = await h.say(ADMIN, '/status');
    expect(status.text).toMatch(/demo: 📷 waiting for a QR scan/);
    expect(status.text).not.toMatch(/demo: .*live QR open/);
    expect(h.photos(ADMIN).filter((m) => !m.deleted)).toHaveLength(0);
  });
});
