import type { Api } from 'grammy';
import type { BotCommand } from 'grammy/types';
import { DEFAULT_LOCALE, LOCALES, type Catalogue, type Locale } from '../i18n/catalogue.js';
import type { Logger } from '../shared/logger.js';
import { describeError } from '../shared/describe-error.js';

/** The menu every user sees, in order. */
export const USER_COMMANDS = ['qr', 'pair', 'relink', 'status', 'sessions', 'cancel', 'watch', 'unwatch', 'language', 'help'] as const;

/** Added to the menu in each admin's private chat. */
export const ADMIN_ONLY_COMMANDS = [
  'grant',
  'revoke',
  'users',
  'invite',
  'invites',
  'uninvite',
  'audit',
  'new',
  'restart',
  'stop',
  'delete',
] as const;

/** A menu in one language. */
export function commandMenu(i18n: Catalogue, locale: Locale, names: readonly string[]): BotCommand[] {
  return names.map((command) => ({ command, description: i18n.t(locale, `command-${command}`) }));
}

/** Telegram's `language_code` for a locale's menu (two letters: `pt`, `es`, `id`). */
const menuLanguage = (locale: Locale) => (locale.split('-')[0] ?? locale) as NonNullable<Parameters<Api['setMyCommands']>[1]>['language_code'];

/**
 * Registers the command menus in every shipped language (English is the default for everyone else): the user
 * commands for all, user and admin commands in each admin's chat, in that admin's language. An admin who never
 * opened a chat with the bot makes Telegram answer "chat not found": that is logged and skipped, not fatal.
 */
export async function registerCommands(
  api: Api,
  adminIds: ReadonlySet<number>,
  logger: Logger,
  i18n: Catalogue,
  localeOf: (userId: number) => Locale | Promise<Locale>,
): Promise<void> {
  await api.setMyCommands(commandMenu(i18n, DEFAULT_LOCALE, USER_COMMANDS));
  for (const locale of LOCALES) {
    if (locale === DEFAULT_LOCALE) continue;
    await api.setMyCommands(commandMenu(i18n, locale, USER_COMMANDS), { language_code: menuLanguage(locale) });
  }
  for (const adminId of adminIds) {
    try {
      const all = [...USER_COMMANDS, ...ADMIN_ONLY_COMMANDS];
      await api.setMyCommands(commandMenu(i18n, await localeOf(adminId), all), { scope: { type: 'chat', chat_id: adminId } });
    } catch (error) {
      logger.warn({ adminId, err: describeError(error) }, 'could not set the admin command menu (has this admin started the bot?)');
    }
  }
}

/** Tries of {@link keepCommandMenus} after the first, and the pause before the first of them (it grows each time). */
const MENU_RETRIES = 5;
const MENU_RETRY_MS = 30_000;

/**
 * Sets the command menus at start, never stopping the bot for them: menus are nice to have, and a Bot API server
 * written by others may refuse `setMyCommands`. A failure is logged and tried again later, a few times.
 */
export async function keepCommandMenus(
  set: () => Promise<void>,
  logger: Pick<Logger, 'warn' | 'info'>,
  retryMs = MENU_RETRY_MS,
): Promise<{ stop(): void }> {
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const attempt = async (tries: number): Promise<void> => {
    try {
      await set();
      if (tries > 0) logger.info({ tries }, 'command menus set');
    } catch (error) {
      const again = tries < MENU_RETRIES && !stopped;
      logger.warn(
        { err: describeError(error), tries },
        again ? 'could not set the command menus; the bot runs without them and tries again' : 'could not set the command menus; giving up',
      );
      if (!again) return;
      timer = setTimeout(() => void attempt(tries + 1), retryMs * (tries + 1));
      timer.unref();
    }
  };
  await attempt(0);
  return {
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
