import type { Update } from 'grammy/types';
import { LRUCache } from 'lru-cache';
import { negotiateLocale, type Catalogue } from '../i18n/catalogue.js';
import type { AccessUnknownTeller } from './context.js';

const TELL_EVERY_MS = 60_000;

export function createAccessUnknownTeller(i18n: Catalogue): AccessUnknownTeller {
  const told = new LRUCache<number, number>({ max: 10_000 });
  /** Whether `userId` is due to be told again (and counts this as telling them). */
  const dueToTell = (userId: number | undefined, now = Date.now()): boolean => {
    if (userId === undefined) return true;
    if (now - (told.get(userId) ?? 0) < TELL_EVERY_MS) return false;
    told.set(userId, now);
    return true;
  };
  return {
    async tell(ctx) {
      if (!dueToTell(ctx.from?.id)) {
        if (ctx.callbackQuery) await ctx.answerCallbackQuery().catch(() => undefined);
        return;
      }
      const text = ctx.t('access-unknown');
      if (ctx.callbackQuery) await ctx.answerCallbackQuery({ text, show_alert: true });
      else if (ctx.chat) await ctx.reply(text);
    },
    async unrecorded(raw, api) {
      const update = raw as Update;
      const press = update.callback_query;
      const message = update.message;
      const from = press?.from ?? message?.from;
      if (from === undefined || from.is_bot) return;
      const text = i18n.t(negotiateLocale(from.language_code), 'access-unknown');
      if (press !== undefined) {
        await api.answerCallbackQuery(press.id, dueToTell(from.id) ? { text, show_alert: true } : {});
      } else if (message?.chat.type === 'private' && dueToTell(from.id)) {
        await api.sendMessage(message.chat.id, text);
      }
    },
  };
}
