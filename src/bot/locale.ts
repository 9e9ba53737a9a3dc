import type { MiddlewareFn } from 'grammy';
import { isLocale, negotiateLocale, type Locale } from '../i18n/catalogue.js';
import type { UserStore } from '../store/types.js';
import type { BotContext } from './context.js';

/**
 * The language of a person: the one they chose with /language, else their Telegram client's (`language_code`,
 * as last seen), else English. A store failure reads as English.
 */
export async function localeOfUser(users: Pick<UserStore, 'get'>, userId: number, languageCode?: string): Promise<Locale> {
  try {
    const known = await users.get(userId);
    if (isLocale(known?.language)) return known.language;
    return negotiateLocale(languageCode ?? known?.languageCode);
  } catch {
    return negotiateLocale(languageCode);
  }
}

/** Sets `ctx.locale` and `ctx.t` for every update, before any reply can be sent. */
export const localeMiddleware: MiddlewareFn<BotContext> = async (ctx, next) => {
  const from = ctx.from;
  ctx.locale = from === undefined ? negotiateLocale(undefined) : await localeOfUser(ctx.deps.store.users, from.id, from.language_code);
  ctx.t = ctx.deps.i18n.in(ctx.locale);
  return next();
};
