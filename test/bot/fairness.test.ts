import { afterEach, describe, expect, it } from 'vitest';
import { ADMIN, USER, startApp, type AppHarness } from '../support/app-harness.js';

let h: AppHarness;
afterEach(async () => {
  await h?.close();
});

const ids = (n: number) => Array.from({ length: n }, (_, i) => `s${i}`);

describe('one user cannot take the bot for themselves', () => {
  it('caps the live QR codes of one user, admins aside; opening a session again replaces rather than counts', async () => {
    h = await startApp({ sessions: ids(5).map((id) => ({ id, status: 'SCAN_QR_CODE' as const })), limits: { livePerUser: 3 } });
    for (const id of ids(5)) await h.say(ADMIN, `/grant ${USER} ${id}`);
    for (const id of ids(3)) expect((await h.say(USER, `/qr ${id}`)).photo).toBeDefined();
    expect((await h.say(USER, '/qr s0')).photo).toBeDefined();
    const refused = await h.say(USER, '/qr s3');
    expect(refused.photo).toBeUndefined();
    expect(refused.text).toMatch(/already have 3 live QR codes open/);
    expect((await h.say(USER, '/cancel')).text).toMatch(/Stopped 3 live QR codes/);
    expect((await h.say(USER, '/qr s3')).photo).toBeDefined();
    for (const id of ids(5)) expect((await h.say(ADMIN, `/qr ${id}`)).photo).toBeDefined();
  });

  it('limits /qr and /status per user a minute, tells them once when to come back, and never limits an admin', async () => {
    h = await startApp({ sessions: [{ id: 'demo', status: 'SCAN_QR_CODE' }], limits: { requestsPerMinute: 3 } });
    await h.say(ADMIN, `/grant ${USER} demo`);
    for (let i = 0; i < 3; i += 1) expect((await h.say(USER, '/status demo')).text).toMatch(/^demo: /);
    const slow = await h.say(USER, '/qr demo');
    expect(slow.text).toMatch(/^Slow down: you can ask again in \d+ s\.$/);
    const requests = h.sim.requests.length;
    // Further requests in the window are answered silently; a press is still answered (without text).
    const press = h.tg.pressButton({ userId: USER, chatId: USER, messageId: slow.messageId, data: 'qr:pick:demo' });
    const answer = await h.until(
      () => h.tg.callsTo('answerCallbackQuery').find((c) => c.params.callback_query_id === press.callbackQueryId),
      'the press to be answered',
    );
    expect(answer.params.text).toBeUndefined();
    expect(h.sim.requests.length).toBe(requests);
    for (let i = 0; i < 5; i += 1) expect((await h.say(ADMIN, '/status demo')).text).toMatch(/^demo: /);
  });
});
