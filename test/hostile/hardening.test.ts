import { statSync } from 'node:fs';
import { dirname } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createStore } from '../../src/store/sqlite.js';
import { isValidSessionId } from '../../src/wasend/session-id.js';
import { ADMIN, STRANGER, startApp, type AppHarness } from '../support/app-harness.js';

let h: AppHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const GROUP = -100777;

function joinUpdate(addedBy: number) {
  return {
    my_chat_member: {
      chat: { id: GROUP, type: 'supergroup', title: 'Shop staff' },
      from: { id: addedBy, is_bot: false, first_name: 'Someone' },
      date: Math.floor(Date.now() / 1000),
      old_chat_member: { user: { id: 1, is_bot: true, first_name: 'bot' }, status: 'left' },
      new_chat_member: { user: { id: 1, is_bot: true, first_name: 'bot' }, status: 'member' },
    },
  };
}

describe('small things that matter', () => {
  it.each([
    ['a zero-width space', 's\u200Ba'],
    ['a right-to-left override', 'shop\u202Eevil'],
    ['a soft hyphen', 'sho\u00ADp'],
    ['a bidi isolate', '\u2066shop\u2069'],
    ['a byte order mark', '\uFEFFshop'],
  ])('refuses a session id with %s, which would read as another id', (_label, id) => {
    expect(isValidSessionId(id)).toBe(false);
    expect(isValidSessionId(id.replace(/[\u200B\u202E\u00AD\u2066\u2069\uFEFF]/g, ''))).toBe(true);
  });

  it('/grant of a session id with an invisible character is refused and grants nothing', async () => {
    h = await startApp({ sessions: [{ id: 'sa', status: 'STOPPED' }] });
    const reply = await h.say(ADMIN, `/grant ${STRANGER} s\u200Ba`);
    expect(reply.text).toMatch(/^Usage|session/i);
    expect(await h.store().grants.list()).toEqual([]);
  });

  it('keeps the database to its owner: directory 0700, files 0600', async () => {
    h = await startApp({ sessions: [] });
    await h.say(ADMIN, `/grant ${STRANGER} demo`);
    const path = h.config.databasePath;
    expect(statSync(dirname(path)).mode & 0o777).toBe(0o700);
    for (const file of [path, `${path}-wal`]) expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('leaves a group it was added to by someone who is not an admin, and stays when an admin added it', async () => {
    h = await startApp({ sessions: [] });
    h.tg.pushUpdate(joinUpdate(STRANGER));
    await h.until(() => h!.tg.callsTo('leaveChat').length === 1, 'the bot to leave the group');
    expect(h.tg.callsTo('leaveChat')[0]!.params.chat_id).toBe(GROUP);
    expect(h.tg.messages(GROUP)).toEqual([]);

    h.tg.pushUpdate(joinUpdate(ADMIN));
    const audited = async () => (await h!.store().audit.latest(10)).filter((e) => e.action === 'group.join');
    await h.until(async () => (await audited()).length === 2, 'both joins audited');
    expect((await audited()).map((e) => e.outcome).sort()).toEqual(['left', 'ok']);
    expect(h.tg.callsTo('leaveChat')).toHaveLength(1);
  });

  it('a stranger flooding the bot gets one reply (with their id), one audit row, and nothing else', async () => {
    h = await startApp({ sessions: [{ id: 'demo', status: 'STOPPED' }] });
    const first = await h.say(STRANGER, '/qr demo');
    expect(first.text).toContain(`Your Telegram id is ${STRANGER}`);
    const presses = Array.from({ length: 200 }, () =>
      h!.tg.pressButton({ userId: STRANGER, chatId: STRANGER, messageId: first.messageId, data: 'qr:new' }),
    );
    const ids = new Set(presses.map((p) => p.callbackQueryId));
    await h.until(
      () => h!.tg.callsTo('answerCallbackQuery').filter((c) => ids.has(String(c.params.callback_query_id))).length === 200,
      'every press answered',
    );
    expect(h.tg.callsTo('answerCallbackQuery').filter((c) => ids.has(String(c.params.callback_query_id)) && c.params.text !== undefined)).toEqual([]);
    expect(h.tg.messages(STRANGER)).toHaveLength(1);
    expect((await h.store().audit.latest(500)).filter((e) => e.userId === STRANGER)).toHaveLength(1);
    expect(h.sim.requests.filter((r) => r.path.includes('demo'))).toEqual([]);
  });

  it('refusals never push grants, revokes and QR entries out of the audit log', async () => {
    const store = await createStore(':memory:', { auditMaxRows: 100 });
    try {
      await store.audit.record({ userId: ADMIN, chatId: ADMIN, action: 'grant', sessionId: 'demo', outcome: 'ok', detail: 'user 5' });
      await store.audit.record({ userId: 5, chatId: 5, action: 'qr', sessionId: 'demo', outcome: 'sent', detail: null });
      for (let i = 0; i < 1_100; i += 1)
        await store.audit.record({ userId: 9_000 + i, chatId: 9_000 + i, action: 'denied', sessionId: null, outcome: 'denied', detail: '/qr' });
      const kept = await store.audit.latest(10_000);
      // Pruned every tenth of the cap: at most the cap and that tenth.
      expect(kept.filter((e) => e.action === 'denied').length).toBeLessThanOrEqual(110);
      expect(
        kept
          .filter((e) => e.action !== 'denied')
          .map((e) => e.action)
          .sort(),
      ).toEqual(['grant', 'qr']);
    } finally {
      await store.close();
    }
  });

  it('/watch looks at the session at once and says where it stands', async () => {
    h = await startApp({
      sessions: [
        { id: 'linked', status: 'WORKING' },
        { id: 'idle', status: 'STOPPED' },
      ],
    });
    expect((await h.say(ADMIN, '/watch linked')).text).toMatch(/Watching linked: .* Its phone is linked now\./);
    expect((await h.say(ADMIN, '/watch idle')).text).toMatch(
      /Its phone is not linked now \(STOPPED\): I will tell you once it is linked and if it drops after that\./,
    );
    expect(h.sim.requests.filter((r) => r.path === '/sessions/linked' || r.path === '/sessions/idle').length).toBeGreaterThanOrEqual(2);
  });
});
