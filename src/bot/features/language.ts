import { Composer, InlineKeyboard } from 'grammy';
import { isLocale, LOCALE_NAMES, LOCALES, type Locale } from '../../i18n/catalogue.js';
import { audit } from '../access.js';
import { splitArgs } from '../args.js';
import { ADMIN_ONLY_COMMANDS, commandMenu, USER_COMMANDS } from '../commands.js';
import type { BotContext } from '../context.js';

const PREFIX = 'lang:';

/** A locale from what a person types: `pt-BR`, `pt-br`, `pt`, `es`, `id`, `en`. */
function localeFrom(text: string): Locale | undefined {
  const wanted = text.trim().toLowerCase();
  return LOCALES.find((locale) => locale.toLowerCase() === wanted || locale.split('-')[0]?.toLowerCase() === wanted);
}

/** `/language [code]` and its buttons: the language the bot writes to this person in, remembered. Private chats only. */
export const languageFeature = new Composer<BotContext>();
const dm = languageFeature.chatType('private');

dm.command('language', async (ctx) => {
  const args = splitArgs(ctx.match);
  if (args === undefined || args.length > 1) return void (await ctx.reply(ctx.t('usage-language')));
  if (args.length === 1) {
    const locale = localeFrom(args[0] ?? '');
    if (locale === undefined)
      return void (await ctx.reply(ctx.t('language-unknown', { value: (args[0] ?? '').slice(0, 20), usage: ctx.t('usage-language') })));
    return choose(ctx, locale);
  }
  const keyboard = new InlineKeyboard();
  LOCALES.forEach((locale, index) => {
    if (index > 0 && index % 2 === 0) keyboard.row();
    keyboard.text(`${locale === ctx.locale ? '✓ ' : ''}${LOCALE_NAMES[locale]}`, `${PREFIX}${locale}`);
  });
  await ctx.reply(ctx.t('language-pick'), { reply_markup: keyboard });
});

dm.callbackQuery(new RegExp(`^${PREFIX}(.+)$`), async (ctx) => {
  const locale = ctx.match[1];
  if (!isLocale(locale)) return void (await ctx.answerCallbackQuery());
  await ctx.answerCallbackQuery();
  await ctx.editMessageReplyMarkup({ reply_markup: undefined }).catch(() => undefined);
  await choose(ctx, locale);
});

async function choose(ctx: BotContext, locale: Locale): Promise<void> {
  await ctx.deps.store.users.setLanguage(ctx.access.userId, locale);
  await audit(ctx, 'language', 'ok', { detail: locale });
  ctx.locale = locale;
  ctx.t = ctx.deps.i18n.in(locale);
  await ctx.reply(ctx.t('language-set'));
  if (ctx.access.isAdmin) {
    // An admin's menu is their own (per chat): it follows the new language.
    const menu = commandMenu(ctx.deps.i18n, locale, [...USER_COMMANDS, ...ADMIN_ONLY_COMMANDS]);
    await ctx.api.setMyCommands(menu, { scope: { type: 'chat', chat_id: ctx.access.userId } }).catch(() => undefined);
  }
}
