import { Composer } from 'grammy';
import type { BotContext } from '../context.js';
import { audit } from '../access.js';
import { describeError } from '../../shared/describe-error.js';
import { ADMIN_COMMANDS } from './admin.js';

/** In groups the bot shows nothing about sessions: its commands point to the private chat. */
export const groupFeature = new Composer<BotContext>();
groupFeature
  .chatType(['group', 'supergroup'])
  .command(['start', 'help', 'status', 'sessions', 'language', ...ADMIN_COMMANDS], (ctx) => ctx.reply(ctx.t('private-only')));

/**
 * A bot added to a group by someone who is not an admin leaves it at once: a stranger must not get the bot to
 * answer (and be refused, and audited) in a crowd. Runs before the access gate, which ignores strangers.
 */
export const groupMembershipFeature = new Composer<BotContext>();
groupMembershipFeature.on('my_chat_member', async (ctx) => {
  const { chat, from, new_chat_member: member } = ctx.myChatMember;
  if (chat.type === 'private' || (member.status !== 'member' && member.status !== 'administrator')) return;
  if (ctx.deps.accessRule.isAdmin(from.id)) return void (await audit(ctx, 'group.join', 'ok', { detail: `chat ${chat.id}` }));
  await audit(ctx, 'group.join', 'left', { detail: `chat ${chat.id}, added by ${from.id}` });
  ctx.log.info({ chatId: chat.id, addedBy: from.id }, 'added to a group by someone who is not an admin; leaving');
  try {
    await ctx.leaveChat();
  } catch (error) {
    ctx.log.warn({ chatId: chat.id, err: describeError(error) }, 'could not leave the group');
  }
});
