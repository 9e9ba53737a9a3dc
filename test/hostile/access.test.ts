import { afterEach, expect, it } from 'vitest';
import type { AuditEntry } from '../../src/store/types.js';
import { ADMIN, FAULT_WAIT_MS, STRANGER, USER, startApp, untilShowsCurrentCode, type AppHarness } from '../support/app-harness.js';

const GROUP = -777;
let h: AppHarness | undefined;
afterEach(async () => {
  const harness = h;
  h = undefined;
  if (!harness) return;
  await harness.close();
  expect(harness.crashes).toEqual([]);
});

const start = async () => {
  h = await startApp({
    waitMs: FAULT_WAIT_MS,
    sessions: [
      { id: 'demo', status: 'SCAN_QR_CODE' },
      { id: 'other', status: 'SCAN_QR_CODE' },
    ],
    chats: [ADMIN, USER, STRANGER, GROUP],
  });
  return h;
};

const auditOf = async (h: AppHarness, userId: number): Promise<AuditEntry[]> =>
  (await h.store().audit.latest(500)).filter((e) => e.userId === userId);
const answerTo = (h: AppHarness, callbackQueryId: string) =>
  h.until(() => h.tg.callsTo('answerCallbackQuery').find((c) => c.params.callback_query_id === callbackQueryId), `the answer to ${callbackQueryId}`);

it("forged button data for another user's session is refused and audited, without a photo or a Wasend call", async () => {
  const h = await start();
  await h.store().grants.grant(USER, 'demo', ADMIN);
  const question = await h.say(ADMIN, '/qr');
  expect(question.text).toMatch(/^Which session\?/);
  const adminPhoto = await h.say(ADMIN, '/qr other');
  await untilShowsCurrentCode(h, adminPhoto, 'other');
  const userMessage = await h.say(USER, '/help');
  h.sim.resetRequests();

  // A client can put anything in callback data; the session of a QR message comes from the store, not from it.
  const pick = h.tg.pressButton({ userId: USER, chatId: USER, messageId: userMessage.messageId, data: 'qr:pick:other' });
  const answer = await answerTo(h, pick.callbackQueryId);
  expect(answer.params.text).toBe("You don't have access to that session.");
  const stranger = h.tg.pressButton({ userId: STRANGER, chatId: ADMIN, messageId: adminPhoto.messageId, data: 'qr:new' });
  expect((await answerTo(h, stranger.callbackQueryId)).params.text).toMatch(/don't have access to this bot/);
  const foreign = h.tg.pressButton({ userId: USER, chatId: ADMIN, messageId: adminPhoto.messageId, data: 'qr:cancel' });
  expect((await answerTo(h, foreign.callbackQueryId)).params.text).toBe("You don't have access to that session.");

  await untilShowsCurrentCode(h, adminPhoto, 'other');
  expect(h.photos(USER)).toHaveLength(0);
  expect(h.photos(STRANGER)).toHaveLength(0);
  expect(h.sim.requests.filter((r) => r.method === 'POST')).toEqual([]);
  expect((await auditOf(h, USER)).filter((e) => e.action === 'denied').map((e) => e.sessionId)).toEqual(['other', 'other']);
  expect((await auditOf(h, STRANGER)).filter((e) => e.action === 'denied')).toHaveLength(1);
});

it('a replayed or expired invite is refused and audited, and grants nothing', async () => {
  const h = await start();
  const invite = await h.say(ADMIN, '/invite demo');
  const token = /start=([A-Za-z0-9_-]+)/.exec(invite.text ?? '')?.[1] ?? '';
  expect(token).not.toBe('');
  expect((await h.say(USER, `/start ${token}`)).text).toMatch(/^You now have access to demo/);
  expect((await h.say(STRANGER, `/start ${token}`)).text).toBe('This invite link was already used. Ask an admin for a new one.');

  const expired = await h.store().invites.create({ sessionId: 'other', createdBy: ADMIN, ttlMs: 1, now: Date.now() - 1_000 });
  expect((await h.say(STRANGER, `/start ${expired.token}`)).text).toBe('This invite link has expired. Ask an admin for a new one.');
  expect((await h.say(STRANGER, `/start ${token.slice(0, -2)}xx`)).text).toBe('This invite link is not valid. Ask an admin for a new one.');

  expect(await h.store().grants.sessionsOf(STRANGER)).toEqual([]);
  expect((await h.say(STRANGER, '/qr demo')).text).toMatch(/don't have access to this bot/);
  const outcomes = (await auditOf(h, STRANGER)).map((e) => `${e.action}:${e.outcome}`);
  expect(outcomes).toEqual(expect.arrayContaining(['invite.redeem:used', 'invite.redeem:expired', 'invite.redeem:unknown', 'denied:denied']));
  expect(h.photos(STRANGER)).toHaveLength(0);
});

it('a revoked user pressing the buttons of their old QR message is refused and audited', async () => {
  const h = await start();
  await h.store().grants.grant(USER, 'demo', ADMIN);
  const photo = await h.say(USER, '/qr demo');
  await untilShowsCurrentCode(h, photo, 'demo');
  expect((await h.say(ADMIN, `/revoke ${USER} demo`)).text).toMatch(/can no longer use demo\. Stopped 1 live QR code\./);
  await h.until(() => photo.caption?.startsWith('✖ Cancelled'), 'the old message to say cancelled');
  h.sim.resetRequests();

  // The first press is answered with the refusal (and audited); the ones after it within 10 minutes are
  // answered silently: a flood of presses costs no message, no audit row and no log line.
  const texts: unknown[] = [];
  for (const data of ['qr:refresh', 'qr:new', 'qr:cancel', 'qr:pick:demo']) {
    const press = h.tg.pressButton({ userId: USER, chatId: USER, messageId: photo.messageId, data });
    texts.push((await answerTo(h, press.callbackQueryId)).params.text);
  }
  expect(String(texts[0])).toMatch(/don't have access/);
  expect(texts.slice(1)).toEqual([undefined, undefined, undefined]);
  expect(h.photos(USER)).toHaveLength(1);
  expect(h.sim.requests).toEqual([]);
  expect((await auditOf(h, USER)).filter((e) => e.action === 'denied')).toHaveLength(1);
});

it('a granted user asking in a group gets no photo, only a pointer to the private chat, and it is audited', async () => {
  const h = await start();
  await h.store().grants.grant(USER, 'demo', ADMIN);
  h.sim.resetRequests();
  const reply = await h.say(USER, '/qr demo', { chatId: GROUP, chatType: 'group' });
  expect(reply.text).toMatch(/only sent in a private chat/);
  const admin = await h.say(ADMIN, '/qr demo', { chatId: GROUP, chatType: 'supergroup' });
  expect(admin.text).toMatch(/only sent in a private chat/);
  const press = h.tg.pressButton({ userId: USER, chatId: GROUP, messageId: reply.messageId, data: 'qr:pick:demo' });
  expect((await answerTo(h, press.callbackQueryId)).params.text).toMatch(/only sent in a private chat/);

  expect(h.photos(GROUP)).toHaveLength(0);
  expect(h.tg.callsTo('sendPhoto')).toHaveLength(0);
  expect(h.sim.requests).toEqual([]);
  const denied = (await h.store().audit.latest(50)).filter((e) => e.action === 'denied' && e.chatId === GROUP);
  expect(denied.map((e) => e.userId).sort()).toEqual([ADMIN, USER, USER].sort());
});
