import type { Api } from 'grammy';
import type { BotCommand } from 'grammy/types';
import type { Logger } from '../logger.js';
import { describeError } from './describe-error.js';

/** The menu every user sees. */
export const USER_COMMANDS: readonly BotCommand[] = [
  { command: 'qr', description: 'Live WhatsApp QR code for a session' },
  { command: 'pair', description: 'Pairing code instead of a QR: /pair <session> <phone>' },
  { command: 'status', description: 'State of your sessions' },
  { command: 'sessions', description: 'Sessions you can use' },
  { command: 'cancel', description: 'Stop the live QR codes in this chat' },
  { command: 'watch', description: 'Alert me when a linked phone drops' },
  { command: 'unwatch', description: 'Stop alerts for a session' },
  { command: 'help', description: 'What I can do' },
];

/** Added to the menu in each admin's private chat. */
export const ADMIN_ONLY_COMMANDS: readonly BotCommand[] = [
  { command: 'grant', description: 'Grant a session: /grant <user id> <session>' },
  { command: 'revoke', description: 'Revoke a session: /revoke <user id> <session>' },
  { command: 'users', description: 'Who has which session' },
  { command: 'invite', description: 'Single-use invite link for a session' },
  { command: 'invites', description: 'Open invite links' },
  { command: 'uninvite', description: 'Void an invite link' },
  { command: 'audit', description: 'Latest audit entries' },
  { command: 'new', description: 'Create a session: /new <name> <phone>' },
  { command: 'restart', description: 'Restart a session' },
  { command: 'stop', description: 'Stop a session' },
  { command: 'delete', description: 'Delete a session (asks to confirm)' },
];

/**
 * Registers the command menus: the user commands by default, user and admin commands in each admin's chat.
 * An admin who never opened a chat with the bot makes Telegram answer "chat not found": that is logged and
 * skipped, not fatal.
 */
export async function registerCommands(api: Api, adminIds: ReadonlySet<number>, logger: Logger): Promise<void> {
  await api.setMyCommands([...USER_COMMANDS]);
  for (const adminId of adminIds) {
    try {
      await api.setMyCommands([...USER_COMMANDS, ...ADMIN_ONLY_COMMANDS], { scope: { type: 'chat', chat_id: adminId } });
    } catch (error) {
      logger.warn({ adminId, error: describeError(error) }, 'could not set the admin command menu (has this admin started the bot?)');
    }
  }
}
