import { Composer } from 'grammy';
import { audit } from '../access.js';
import { isPlausibleInviteToken } from '../args.js';
import type { BotContext } from '../context.js';
import { helpText, replies } from '../texts.js';

/** `/start`, `/start <invite token>` and `/help`; private chats only (deep links always open one). */
export const startHelpFeature = new Composer<BotContext>();
const dm = startHelpFeature.chatType('private');

dm.command('start', async (ctx) => {
  const token = ctx.match.trim();
  if (token === '') {
    await ctx.reply(helpText(ctx.access));
    return;
  }
  if (!isPlausibleInviteToken(token)) {
    audit(ctx, 'invite.redeem', 'invalid');
    await ctx.reply('This invite link is not valid. Ask an admin for a new one.');
    return;
  }
  const result = ctx.deps.store.invites.redeem(token, ctx.access.userId);
  if (!result.ok) {
    audit(ctx, 'invite.redeem', result.reason);
    const why = { unknown: 'is not valid', used: 'was already used', expired: 'has expired' }[result.reason];
    await ctx.reply(`This invite link ${why}. Ask an admin for a new one.`);
    return;
  }
  audit(ctx, 'invite.redeem', result.alreadyGranted ? 'already_granted' : 'ok', { sessionId: result.sessionId });
  const intro = result.alreadyGranted ? `You already had access to ${result.sessionId}.` : `You now have access to ${result.sessionId}.`;
  await ctx.reply(`${intro} Send /qr ${result.sessionId} to get its QR code.`);
});

dm.command('help', (ctx) => ctx.reply(helpText(ctx.access)));

/** Strangers only reach this with `/start <token>`, handled above; everyone else gets the hint. */
export const privateFallback = new Composer<BotContext>();
privateFallback.chatType('private').on('message', async (ctx) => {
  if (ctx.access.isAdmin || ctx.access.granted.length > 0) await ctx.reply(replies.unknownCommand);
});
