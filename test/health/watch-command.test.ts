import { Bot } from 'grammy';
import type { UserFromGetMe } from 'grammy/types';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { createAccessRule } from '../../src/access/access-rule.js';
import { createAccessGate } from '../../src/bot/access.js';
import type { BotContext, BotDeps } from '../../src/bot/context.js';
import { watchFeature } from '../../src/bot/features/watch.js';
import { localeMiddleware } from '../../src/bot/locale.js';
import { loadCatalogue } from '../../src/i18n/catalogue.js';
import type { Config } from '../../src/config/config.js';
import { createStore } from '../../src/store/sqlite.js';
import type { Store } from '../../src/store/types.js';

const ADMIN = 1001;
const USER = 2002;
const STRANGER = 3003;
const botInfo: UserFromGetMe = {
  id: 42,
  is_bot: true,
  first_name: 'QR bot',
  username: 'qr_test_bot',
  can_join_groups: true,
  can_read_all_group_messages: false,
  supports_inline_queries: false,
  can_connect_to_business: false,
  has_main_web_app: false,
  has_topics_enabled: false,
  allows_users_to_create_topics: false,
} as UserFromGetMe;

const i18n = loadCatalogue();
const stores: Store[] = [];
afterEach(async () => {
  for (const store of stores.splice(0)) await store.close();
});

/** The watch feature behind the real access gate, with Telegram replaced by a recorder of outgoing calls. */
async function createTestBot() {
  const store = await createStore(':memory:');
  stores.push(store);
  await store.grants.grant(USER, 'shop', ADMIN);
  const logger = pino({ level: 'silent' });
  const names = { label: (id: string) => id, nameOf: () => undefined, known: () => [] };
  const adminIds = new Set([ADMIN]);
  const accessRule = createAccessRule(adminIds, store.grants);
  const deps = { config: { adminIds } as unknown as Config, logger, store, i18n, names, accessRule } as unknown as BotDeps;
  const bot = new Bot<BotContext>('123456:test-token-for-watch-tests-only', { botInfo });
  const replies: Array<{ chatId: number; text: string }> = [];
  bot.api.config.use(async (_prev, method, payload) => {
    const p = payload as { chat_id?: number; text?: string };
    if (method === 'sendMessage') replies.push({ chatId: p.chat_id ?? 0, text: p.text ?? '' });
    return { ok: true, result: { message_id: replies.length, date: 0, chat: { id: p.chat_id, type: 'private' } } } as never;
  });
  bot.use((ctx, next) => {
    ctx.deps = deps;
    ctx.log = logger;
    return next();
  });
  bot.use(localeMiddleware, createAccessGate(), watchFeature);
  let updateId = 1;
  const say = async (userId: number, text: string, chatType: 'private' | 'group' = 'private') => {
    const before = replies.length;
    const command = text.split(' ')[0] ?? '';
    const chat = chatType === 'private' ? { id: userId, type: 'private' as const, first_name: 'U' } : { id: -5, type: 'group' as const, title: 'G' };
    await bot.handleUpdate({
      update_id: updateId++,
      message: {
        message_id: updateId,
        date: 0,
        chat,
        from: { id: userId, is_bot: false, first_name: 'U' },
        text,
        entities: [{ type: 'bot_command', offset: 0, length: command.length }],
      },
    });
    return replies.slice(before).map((r) => r.text);
  };
  return { bot, store, say };
}

describe('/watch and /unwatch', () => {
  it('lets a user watch a granted session, lists it, and unwatch it', async () => {
    const { store, say } = await createTestBot();
    expect(await say(USER, '/watch')).toEqual([expect.stringContaining('You watch no sessions')]);
    expect(await say(USER, '/watch shop')).toEqual([expect.stringContaining('Watching shop')]);
    expect(await store.watches.listByUser(USER)).toMatchObject([{ userId: USER, chatId: USER, sessionId: 'shop' }]);
    expect(await say(USER, '/watch shop')).toEqual(['You already watch shop.']);
    expect((await say(USER, '/watch'))[0]).toMatch(/drops:\nshop$/);

    expect(await say(USER, '/unwatch shop')).toEqual(['🔕 No more alerts for shop.']);
    expect(await store.watches.listByUser(USER)).toEqual([]);
    expect(await say(USER, '/unwatch shop')).toEqual(['You were not watching shop.']);
  });

  it('refuses sessions the user was not granted, but lets an admin watch any', async () => {
    const { store, say } = await createTestBot();
    expect(await say(USER, '/watch warehouse')).toEqual(["You don't have access to that session."]);
    expect(await store.watches.sessions()).toEqual([]);
    expect(await say(ADMIN, '/watch warehouse')).toEqual([expect.stringContaining('Watching warehouse')]);
    expect((await store.watches.listBySession('warehouse')).map((w) => w.userId)).toEqual([ADMIN]);
    expect(await say(STRANGER, '/watch shop')).toEqual([expect.stringContaining("don't have access to this bot")]);
  });

  it('answers bad arguments with the usage and groups with a pointer to the private chat', async () => {
    const { store, say } = await createTestBot();
    expect(await say(USER, '/watch a/b')).toEqual([expect.stringContaining('Usage: /watch <session>')]);
    expect(await say(USER, '/watch shop extra')).toEqual([expect.stringContaining('Usage: /watch <session>')]);
    expect(await say(USER, '/unwatch')).toEqual(['Usage: /unwatch <session>']);
    expect(await say(USER, '/watch shop', 'group')).toEqual([expect.stringContaining('private chat')]);
    expect(await store.watches.sessions()).toEqual([]);
  });
});
