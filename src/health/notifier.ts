import { classifyTelegramError } from '../telegram/errors.js';
import type { InlineKeyboardMarkup } from 'grammy/types';
import type { Watch } from '../store/types.js';
import type { LogSink } from '../shared/logger.js';
import { fitsCallbackData } from '../shared/callback-data.js';
import { DEFAULT_LOCALE, type Catalogue, type Locale } from '../i18n/catalogue.js';
import type { HealthAlertInfo, HealthNotifier } from './types.js';

/** The part of grammY's `Api` the notifier uses. */
export interface HealthMessageApi {
  sendMessage(chatId: number, text: string, other?: { reply_markup?: InlineKeyboardMarkup }): Promise<unknown>;
}

/** Callback data of the "Send new QR" button; the bot's `qr:pick:` handler checks access and opens the QR. */
export const NEW_QR_PREFIX = 'qr:pick:';
const MAX_RAW_CHARS = 40;

/** How alerts speak: the catalogue, the reader's language, and how a session is named. */
export interface AlertTexts {
  readonly i18n: Catalogue;
  readonly localeOf?: (chatId: number) => Locale | Promise<Locale>;
  readonly label?: (sessionId: string) => string;
}

/**
 * Health alerts as Telegram messages in the chat the watch was made in. A drop alert carries a "Send new QR" button
 * (`qr:pick:<session>`) when the id fits Telegram's callback data limit, and names `/qr <session>` otherwise.
 * A chat that blocked the bot (403) is logged and skipped; other failures reject.
 */
export function createTelegramHealthNotifier(api: HealthMessageApi, logger: LogSink, texts: AlertTexts): HealthNotifier {
  const tFor = async (watch: Watch) => texts.i18n.in((await texts.localeOf?.(watch.chatId)) ?? DEFAULT_LOCALE);
  const session = (info: HealthAlertInfo) => texts.label?.(info.sessionId) ?? info.sessionId;
  const send = async (watch: Watch, text: string, replyMarkup?: InlineKeyboardMarkup) => {
    try {
      await api.sendMessage(watch.chatId, text, replyMarkup ? { reply_markup: replyMarkup } : {});
    } catch (error) {
      if (!isForbidden(error)) throw error;
      logger.info(
        { userId: watch.userId, chatId: watch.chatId, sessionId: watch.sessionId },
        'health alert not sent: the bot is blocked in that chat',
      );
    }
  };
  return {
    async alertDown(watch, info) {
      const t = await tFor(watch);
      const text = t('alert-down', { session: session(info), raw: info.status.raw.slice(0, MAX_RAW_CHARS) });
      const data = NEW_QR_PREFIX + info.sessionId;
      if (!fitsCallbackData(data)) return send(watch, `${text}\n${t('alert-down-no-button', { id: info.sessionId })}`);
      await send(watch, text, { inline_keyboard: [[{ text: t('alert-button-new-qr'), callback_data: data }]] });
    },
    alertUp: async (watch, info) => send(watch, (await tFor(watch))('alert-up', { session: session(info) })),
  };
}

/** The chat cannot be written to any more (blocked, kicked, deactivated user, chat gone). */
function isForbidden(error: unknown): boolean {
  return classifyTelegramError(error) === 'gone';
}

/**
 * Sends an alert only while `mayAlert()` (this instance holds the `health` lease): an instance that was paused and
 * lost the role meanwhile must not alert a second time, before it notices.
 */
export function fencedNotifier(notifier: HealthNotifier, mayAlert: () => boolean): HealthNotifier {
  return {
    alertDown: async (watch, info) => (mayAlert() ? notifier.alertDown(watch, info) : undefined),
    alertUp: async (watch, info) => (mayAlert() ? notifier.alertUp(watch, info) : undefined),
  };
}
