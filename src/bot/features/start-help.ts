import { Composer } from 'grammy';
import { audit } from '../access.js';
import { isPlausibleInviteToken } from '../args.js';
import type { BotContext } from '../context.js';
import { helpText } from '../texts.js';

/** `/start`, `/start <invite token>` and `/help`; private chats only (deep links always open one). */
export const startHelpFeature = new Composer<BotContext>();
const dm = startHelpFeature.chatType('private');

dm.command('start', async (ctx) => {
  const token = ctx.match.trim();
  if (token === '') {
    await ctx.reply(helpText(ctx.t, ctx.access, ctx.deps.names.label));
    return;
  }
  if (!isPlausibleInviteToken(token)) {
    await audit(ctx, 'invite.redeem', 'invalid');
    await ctx.reply(ctx.t('invite-invalid'));
    return;
  }
  const result = await ctx.deps.store.invites.redeem(token, ctx.access.userId);
  if (!result.ok) {
    await audit(ctx, 'invite.redeem', result.reason);
    await ctx.reply(ctx.t({ unknown: 'invite-invalid', used: 'invite-used', expired: 'invite-expired' }[result.reason]));
    return;
  }
  await audit(ctx, 'invite.redeem', result.alreadyGranted ? 'already_granted' : 'ok', { sessionId: result.sessionId });
  const session = ctx.deps.names.label(result.sessionId);
  await ctx.reply(ctx.t(result.alreadyGranted ? 'invite-already' : 'invite-welcome', { session, id: result.sessionId }));
});

dm.command('help', (ctx) => ctx.reply(helpText(ctx.t, ctx.access, ctx.deps.names.label)));

/**
 * Strangers only reach this with `/start <token>`, handled above; everyone else gets a hint: an unknown command is
 * named, and plain text is told that only commands are understood (it is not "a command").
 */
export const privateFallback = new Composer<BotContext>();
privateFallback.chatType('private').on('message', async (ctx) => {
  if (!ctx.access.isAdmin && ctx.access.granted.length === 0) return;
  const command = /^\/([A-Za-z0-9_]{1,32})/.exec(ctx.message.text ?? '')?.[1];
  await ctx.reply(command === undefined ? ctx.t('not-a-command') : ctx.t('unknown-command', { command: `/${command}` }));
});
