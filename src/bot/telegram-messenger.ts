import { GrammyError, HttpError, InlineKeyboard, InputFile, type Api } from 'grammy';
import type { InlineKeyboardMarkup, InputMediaPhoto, Message } from 'grammy/types';
import { DeliveryUnknownError, type QrMessenger, type QrView } from '../live/types.js';
import type { Logger } from '../logger.js';
import { renderPlaceholderPng, type PlaceholderKind } from '../qr/placeholder.js';

export interface TelegramMessengerOptions {
  readonly api: Api;
  /** Send photos with `protect_content` (no forwarding or saving). */
  readonly protectContent: boolean;
  readonly logger: Logger;
  /** Placeholder images; default {@link renderPlaceholderPng}. */
  readonly placeholder?: (kind: PlaceholderKind) => Promise<Buffer>;
}

/** How many messages' current image is remembered (to edit only the caption when the image stays). */
const REMEMBERED_MESSAGES = 2_000;

/** Descriptions Telegram sends when the message or chat cannot be edited any more. */
const GONE = [
  'message to edit not found',
  "message can't be edited",
  'message_id_invalid',
  'chat not found',
  'bot was blocked',
  'bot was kicked',
  'user is deactivated',
  'have no rights to send',
];

/**
 * Draws live QR views as one Telegram photo message: a code as its PNG, every other state as a placeholder
 * image without a code (uploaded once, then reused by `file_id`), with a caption and buttons.
 */
export function createTelegramMessenger(options: TelegramMessengerOptions): QrMessenger {
  const { api, protectContent, logger } = options;
  const placeholder = options.placeholder ?? renderPlaceholderPng;
  const fileIds = new Map<PlaceholderKind, string>();
  const shownImage = new Map<string, string>();

  const remember = (chatId: number, messageId: number, image: string) => {
    const key = `${chatId}:${messageId}`;
    shownImage.delete(key);
    shownImage.set(key, image);
    if (shownImage.size > REMEMBERED_MESSAGES) {
      const oldest = shownImage.keys().next().value;
      if (oldest !== undefined) shownImage.delete(oldest);
    }
  };

  const media = async (view: QrView): Promise<{ file: InputFile | string; kind?: PlaceholderKind }> => {
    if (view.kind === 'code') return { file: new InputFile(view.png, 'qr.png') };
    const kind = placeholderKind(view);
    return { file: fileIds.get(kind) ?? new InputFile(await placeholder(kind), `${kind}.png`), kind };
  };

  const learnFileId = (kind: PlaceholderKind | undefined, message: Message | true) => {
    const fileId = message === true ? undefined : message.photo?.at(-1)?.file_id;
    if (kind !== undefined && fileId !== undefined && !fileIds.has(kind)) fileIds.set(kind, fileId);
  };

  const editOnce = async (chatId: number, messageId: number, view: QrView, image: string) => {
    const caption = captionFor(view);
    const reply_markup = keyboardFor(view);
    if (shownImage.get(`${chatId}:${messageId}`) === image) {
      await api.editMessageCaption(chatId, messageId, { caption, reply_markup });
      return;
    }
    const { file, kind } = await media(view);
    const photo: InputMediaPhoto = { type: 'photo', media: file, caption };
    try {
      learnFileId(kind, await api.editMessageMedia(chatId, messageId, photo, { reply_markup }));
    } catch (error) {
      // A remembered file_id can stop working (another bot token, Telegram housekeeping): upload once more.
      if (kind === undefined || typeof file !== 'string' || !isBadFileId(error)) throw error;
      fileIds.delete(kind);
      const upload = new InputFile(await placeholder(kind), `${kind}.png`);
      learnFileId(kind, await api.editMessageMedia(chatId, messageId, { type: 'photo', media: upload, caption }, { reply_markup }));
    }
  };

  return {
    async send(chatId, view) {
      const { file, kind } = await media(view);
      let message: Message.PhotoMessage;
      try {
        message = await api.sendPhoto(chatId, file, {
          caption: captionFor(view),
          reply_markup: keyboardFor(view),
          protect_content: protectContent,
        });
      } catch (error) {
        // The request went out and no clear answer came back: Telegram may have delivered the photo.
        if (error instanceof HttpError || (error instanceof GrammyError && error.error_code >= 500)) {
          throw new DeliveryUnknownError('sendPhoto: the answer was lost', { cause: error });
        }
        throw error;
      }
      learnFileId(kind, message);
      remember(chatId, message.message_id, imageKey(view));
      return { messageId: message.message_id };
    },

    async notify(chatId, text) {
      await api.sendMessage(chatId, text);
    },

    async edit(chatId, messageId, view) {
      const image = imageKey(view);
      try {
        await editOnce(chatId, messageId, view, image);
        remember(chatId, messageId, image);
        return 'ok';
      } catch (error) {
        if (!(error instanceof GrammyError)) throw error;
        const description = error.description.toLowerCase();
        if (description.includes('message is not modified')) {
          remember(chatId, messageId, image);
          return 'not_modified';
        }
        if (error.error_code === 403 || GONE.some((text) => description.includes(text))) {
          shownImage.delete(`${chatId}:${messageId}`);
          logger.info({ chatId, messageId, code: error.error_code, description: error.description }, 'live QR message is gone');
          return 'gone';
        }
        throw error;
      }
    },
  };
}

function isBadFileId(error: unknown): boolean {
  return error instanceof GrammyError && error.error_code === 400 && /file|wrong remote|media/i.test(error.description);
}

function placeholderKind(view: Exclude<QrView, { kind: 'code' }>): PlaceholderKind {
  switch (view.kind) {
    case 'waiting':
      return 'waiting';
    case 'connected':
      return 'connected';
    case 'expired':
      return 'expired';
    case 'cancelled':
    case 'retired':
      return 'cancelled';
  }
}

/** What the photo shows: equal keys mean only the caption or buttons need to change. */
function imageKey(view: QrView): string {
  return view.kind === 'code' ? `code:${view.fingerprint}` : `placeholder:${placeholderKind(view)}`;
}

const EXPIRED_REASONS: Record<Extract<QrView, { kind: 'expired' }>['reason'], string> = {
  codes_ran_out: 'WhatsApp stopped issuing codes for this attempt.',
  failed: 'The session failed on Wasend.',
  timed_out: 'Nobody scanned it in time.',
  stopped: 'The session was stopped.',
};

/** The photo caption of a view, plain text (no parse mode, so session ids need no escaping). */
export function captionFor(view: QrView): string {
  switch (view.kind) {
    case 'code': {
      // No expiry and no estimate: say nothing rather than guess (codeNumber restarts after a restart).
      const validity =
        view.expiresAt === null
          ? ''
          : `, valid until ${view.estimated ? '~' : ''}${new Date(view.expiresAt).toISOString().slice(11, 19)} (UTC)`;
      return [
        `📱 ${view.sessionId}`,
        'Scan in WhatsApp: Settings -> Linked devices -> Link a device',
        `Code ${view.codeNumber}${validity}. This message updates itself.`,
      ].join('\n');
    }
    case 'waiting':
      return `⏳ ${view.sessionId}: waiting for a code from WhatsApp…`;
    case 'connected':
      return `✅ Connected: ${view.sessionId} is linked.`;
    case 'expired':
      return `⌛ This code expired (${view.sessionId}). ${EXPIRED_REASONS[view.reason]}\nPress New QR for a fresh code.`;
    case 'cancelled':
      return `✖ Cancelled (${view.sessionId}). Send /qr ${view.sessionId} for a new code.`;
    case 'retired':
      return `This QR code (${view.sessionId}) was replaced by a newer QR message.`;
  }
}

/** Buttons of a view; an empty keyboard removes the previous buttons on edit. */
export function keyboardFor(view: QrView): InlineKeyboardMarkup {
  switch (view.kind) {
    case 'code':
      return new InlineKeyboard().text('🔄 Refresh', 'qr:refresh').text('✖ Cancel', 'qr:cancel');
    case 'waiting':
      return new InlineKeyboard().text('✖ Cancel', 'qr:cancel');
    case 'expired':
      return new InlineKeyboard().text('🆕 New QR', 'qr:new');
    default:
      return { inline_keyboard: [] };
  }
}
