import { Composer } from 'grammy';
import type { BotContext } from '../context.js';

/** `/cancel`: stops this user's live QR messages in this chat. */
export const cancelFeature = new Composer<BotContext>();

cancelFeature.command('cancel', async (ctx) => {
  const cancelled = await ctx.deps.liveQr.cancelChat(ctx.chat.id, ctx.access.userId);
  await ctx.reply(cancelled === 0 ? ctx.t('cancel-none') : ctx.t('cancel-done', { count: cancelled }));
});
