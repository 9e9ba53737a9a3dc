import { Composer } from 'grammy';
import { audit, deny } from '../access.js';
import { parseSessionId, splitArgs } from '../args.js';
import type { BotContext } from '../context.js';
import { describeError } from '../describe-error.js';
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
  if (!added) return void (await ctx.reply(`You already watch ${sessionId}.`));
  // Look now: a phone that drops before the next check cycle is reported too, and the person learns where it stands.
  let now: string;
  try {
    const { status } = await ctx.deps.wasend.getSession(sessionId, { lane: 'person', fairKey: String(ctx.access.userId) });
    ctx.deps.health?.baseline(sessionId, status);
    now = status.state === 'connected' ? 'Its phone is linked now.' : `Its phone is not linked now (${status.raw}): I will tell you once it is linked and if it drops after that.`;
  } catch (error) {
    ctx.log.warn({ sessionId, err: describeError(error) }, '/watch could not read the session');
    now = 'I could not read its status just now; the next check will.';
  }
  await ctx.reply(`🔔 Watching ${sessionId}: I will tell you here if its phone is no longer linked. ${now} /unwatch ${sessionId} stops it.`);
});

dm.command('unwatch', async (ctx) => {
  const args = splitArgs(ctx.match);
  const sessionId = args?.length === 1 ? parseSessionId(args[0]) : undefined;
  if (sessionId === undefined) return void (await ctx.reply(watchUsage.unwatch));
  const removed = ctx.deps.store.watches.remove(ctx.access.userId, sessionId);
  audit(ctx, 'unwatch', removed ? 'ok' : 'not_watching', { sessionId });
  await ctx.reply(removed ? `🔕 No more alerts for ${sessionId}.` : `You were not watching ${sessionId}.`);
});
