import { Composer } from 'grammy';
import type { SessionInfo } from '../../wasend/types.js';
import { audit, deny } from '../access.js';
import type { BotContext } from '../context.js';
import { describeWasendFailure } from '../wasend-failure.js';

/**
 * `/relink`: every session the person may use that is not linked (an admin: every one), one after another in one
 * live message (see `src/bot/relink.ts`), and its Skip, Stop and Try again buttons.
 */
export const relinkFeature = new Composer<BotContext>();
relinkFeature.chatType(['group', 'supergroup']).command('relink', (ctx) => deny(ctx, '/relink in a group', ctx.t('qr-only-private')));

relinkFeature.chatType('private').command('relink', async (ctx) => {
  if (!(await ctx.allowRequest())) return;
  const { userId, isAdmin, granted } = ctx.access;
  let listed: SessionInfo[];
  try {
    listed = await ctx.deps.wasend.listSessions({ lane: 'person', fairKey: String(userId) });
  } catch (error) {
    return void (await ctx.reply(ctx.t('list-failed', { reason: describeWasendFailure(error, ctx.t) })));
  }
  const unlinked = listed.filter((session) => session.status.state !== 'connected' && (isAdmin || granted.includes(session.id))).map((s) => s.id);
  await audit(ctx, 'relink', unlinked.length === 0 ? 'nothing' : 'ok', { detail: `${unlinked.length} sessions` });
  if (unlinked.length === 0) return void (await ctx.reply(ctx.t('relink-nothing')));
  await ctx.deps.relink.start(ctx.chat.id, userId, unlinked);
});

relinkFeature.callbackQuery(/^rl:(skip|stop|retry)$/, async (ctx) => {
  const action = ctx.match[1] as 'skip' | 'stop' | 'retry';
  const chatId = ctx.chat?.id;
  const taken = chatId !== undefined && (await ctx.deps.relink.press(chatId, ctx.from.id, ctx.callbackQuery.message?.message_id, action));
  const answer = { skip: 'press-skipped', stop: 'press-stopped', retry: 'press-getting-new' }[action];
  await ctx.answerCallbackQuery({ text: ctx.t(taken ? answer : 'press-inactive') });
});
