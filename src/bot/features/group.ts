import { Composer } from 'grammy';
import type { BotContext } from '../context.js';
import { replies } from '../texts.js';
import { ADMIN_COMMANDS } from './admin.js';

/** In groups the bot shows nothing about sessions: its commands point to the private chat. */
export const groupFeature = new Composer<BotContext>();
groupFeature
  .chatType(['group', 'supergroup'])
  .command(['start', 'help', 'status', 'sessions', ...ADMIN_COMMANDS], (ctx) => ctx.reply(replies.privateOnly));
