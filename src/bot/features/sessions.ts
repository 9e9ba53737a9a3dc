import { Composer } from 'grammy';
import { splitArgs } from '../args.js';
import { keepChatAction } from '../chat-action.js';
import type { BotContext } from '../context.js';
import { joinLimited, replies, statusText } from '../texts.js';
import { describeWasendFailure } from '../wasend-failure.js';

/** `/sessions`: admins see Wasend's list with statuses, everyone else their granted sessions. Private chats only. */
export const sessionsFeature = new Composer<BotContext>();
const dm = sessionsFeature.chatType('private');

dm.command('sessions', async (ctx) => {
  if (splitArgs(ctx.match)?.length !== 0) return void (await ctx.reply('Usage: /sessions'));
  if (!ctx.access.isAdmin) {
    const granted = ctx.access.granted;
    if (granted.length === 0) return void (await ctx.reply(replies.noSessions));
    return void (await ctx.reply(joinLimited(['Your sessions (send /qr <session> for a QR code):', ...granted])));
  }
  const stopAction = keepChatAction(ctx, 'typing');
  try {
    const sessions = await ctx.deps.wasend.listSessions({ lane: 'person', fairKey: String(ctx.access.userId) });
    if (sessions.length === 0) return void (await ctx.reply('There are no sessions on Wasend.'));
    const lines = sessions.map((s) => `${s.id}${s.name && s.name !== s.id ? ` (${s.name.slice(0, 60)})` : ''}: ${statusText(s.status)}`);
    await ctx.reply(joinLimited([`Sessions on Wasend (${sessions.length}):`, ...lines]));
  } catch (error) {
    await ctx.reply(`Could not list the sessions: ${describeWasendFailure(error)}.`);
  } finally {
    stopAction();
  }
});
