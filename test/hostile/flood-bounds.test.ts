import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { createStore } from '../../src/store/sqlite.js';
import { ADMIN, USER, startApp, type AppHarness } from '../support/app-harness.js';

/*
 * Every table written on behalf of someone without access has a bound (README: "What the database keeps"): a
 * flood of distinct strangers adds little to the database however many come, and every grant stays.
 */

let h: AppHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

async function databaseBytes(path: string): Promise<number> {
  const sizes = await Promise.all(
    [path, `${path}-wal`].map((file) =>
      stat(file).then(
        (s) => s.size,
        () => 0,
      ),
    ),
  );
  return sizes.reduce((a, b) => a + b, 0);
}

it('20,000 distinct strangers, each written as the bot writes one (the update, the person, the refusal), add under 4 MB', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'flood-'));
  const path = join(dir, 'bot.sqlite');
  const store = await createStore(path);
  try {
    for (let user = 0; user < 50; user++) await store.grants.grant(10_000_000 + user, 'demo', ADMIN);
    const before = await databaseBytes(path);
    for (let i = 0; i < 20_000; i++) {
      const userId = 50_000_000 + i;
      const update = {
        update_id: 1_000 + i,
        message: {
          message_id: i,
          text: '/qr demo',
          chat: { id: userId, type: 'private' },
          from: { id: userId, first_name: `Stranger number ${i} with a longish name` },
        },
      };
      await store.telegramUpdates.take({ updateId: update.update_id, payload: JSON.stringify(update), started: true }, 'instance-1', 24 * 3_600_000);
      await store.users.note({ userId, firstName: update.message.from.first_name, languageCode: 'en' });
      await store.audit.record({ userId, chatId: userId, action: 'denied', sessionId: 'demo', outcome: 'denied', detail: '/qr' });
      await store.telegramUpdates.done(update.update_id);
    }
    const added = (await databaseBytes(path)) - before;
    console.log(`flood: 20000 strangers added ${(added / 1e6).toFixed(2)} MB to the database`);
    expect(added).toBeLessThan(4 * 1024 * 1024);
    expect((await store.grants.list('demo')).length).toBe(50);
    // The bounds themselves, checked at a tenth of their size past them (they are applied every 100 writes).
    const refusals = (await store.audit.latest(100_000)).filter((e) => e.action === 'denied').length;
    expect(refusals).toBeLessThanOrEqual(2_200);
    expect(await store.users.get(50_000_000)).toBeUndefined();
    expect(await store.users.get(50_000_000 + 19_999)).toBeDefined();
  } finally {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  }
}, 120_000);

it('through the bot: strangers past the bound are forgotten oldest first, people with grants are kept, and all are answered', async () => {
  h = await startApp({ sessions: [{ id: 'demo', status: 'STOPPED' }], chats: [] });
  const harness = h;
  await harness.store().grants.grant(USER, 'demo', ADMIN);
  await harness.say(USER, '/help', { firstName: 'Granted Gina' });
  const strangers = 1_300;
  for (let i = 0; i < strangers; i++) harness.tg.sendText({ userId: 60_000_000 + i, text: '/qr demo', firstName: `Stranger ${i}` });
  const refused = () => harness.tg.callsTo('sendMessage').filter((c) => /Your Telegram id is/.test(String(c.params.text))).length;
  await harness.until(() => refused() >= strangers, `all ${strangers} strangers refused`, 60_000);
  expect(await harness.store().users.get(60_000_000)).toBeUndefined();
  expect((await harness.store().users.get(60_000_000 + strangers - 1))?.firstName).toBe(`Stranger ${strangers - 1}`);
  expect((await harness.store().users.get(USER))?.firstName).toBe('Granted Gina');
  expect((await harness.say(USER, '/status demo')).text).toMatch(/demo/);
}, 90_000);
