import { Composer } from 'grammy';
import { audit, deny } from '../access.js';
import { parseSessionId, splitArgs } from '../args.js';
import type { BotContext } from '../context.js';
import { joinLimited, replies } from '../texts.js';

export const watchUsage = {
  watch: 'Usage: /watch <session> (or just /watch to see what you watch)',
  unwatch: 'Usage: /unwatch <session>',
} as const;

/**
 * `/watch [session]` and `/unwatch <session>`: alerts in this private chat when a linked session drops. Admins may
 * watch any session, everyone else their granted ones; anyone may stop watching. Groups get a pointer to the
 * private chat.
 */
export const watchFeature = new Composer<BotContext>();
watchFeature.chatType(['group', 'supergroup']).command(['watch', 'unwatch'], (ctx) => ctx.reply(replies.privateOnly));
const dm = watchFeature.chatType('private');

dm.command('watch', async (ctx) => {
  const args = splitArgs(ctx.match);
  if (args === undefined || args.length > 1) return void (await ctx.reply(watchUsage.watch));
  const { watches } = ctx.deps.store;
  if (args.length === 0) {
    const mine = watches.listByUser(ctx.access.userId).map((watch) => watch.sessionId);
    if (mine.length === 0) return void (await ctx.reply(`You watch no sessions.\n${watchUsage.watch}`));
    return void (await ctx.reply(joinLimited(['You get an alert here when one of these sessions drops:', ...mine])));
  }
  const sessionId = parseSessionId(args[0]);
  if (sessionId === undefined) return void (await ctx.reply(watchUsage.watch));
  if (!ctx.access.canUse(sessionId)) return deny(ctx, '/watch', replies.refusedSession, sessionId);
  const added = watches.add({ userId: ctx.access.userId, chatId: ctx.chat.id, sessionId });
  audit(ctx, 'watch', added ? 'ok' : 'already', { sessionId });
  await ctx.reply(
    added
      ? `🔔 Watching ${sessionId}: I will tell you here if its phone is no longer linked. /unwatch ${sessionId} stops it.`
      : `You already watch ${sessionId}.`,
  );
});

dm.command('unwatch', async (ctx) => {
  const args = splitArgs(ctx.match);
  const sessionId = args?.length === 1 ? parseSessionId(args[0]) : undefined;
  if (sessionId === undefined) return void (await ctx.reply(watchUsage.unwatch));
  const removed = ctx.deps.store.watches.remove(ctx.access.userId, sessionId);
  audit(ctx, 'unwatch', removed ? 'ok' : 'not_watching', { sessionId });
  await ctx.reply(removed ? `🔕 No more alerts for ${sessionId}.` : `You were not watching ${sessionId}.`);
});
