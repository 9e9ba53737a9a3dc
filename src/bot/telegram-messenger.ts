import { GrammyError, HttpError, InlineKeyboard, InputFile, type Api } from 'grammy';
import type { InlineKeyboardMarkup, InputMediaPhoto, Message, MessageEntity } from 'grammy/types';
import { DeliveryUnknownError, type CodeFace, type QrMessenger, type QrView } from '../live/types.js';
import type { Logger } from '../logger.js';
import { renderCodeTextPng } from '../qr/code-text.js';
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
    if (view.kind === 'code' && view.face === undefined) return { file: new InputFile(view.png, 'qr.png') };
    if (view.kind === 'code' && view.face?.kind !== 'passkey_required') {
      // A pairing or passkey code, large: the caption carries it as copyable text too.
      const face = view.face as Extract<CodeFace, { code: string }>;
      return { file: new InputFile(await renderCodeTextPng(face.code), 'code.png') };
    }
    const kind = placeholderKind(view);
    return { file: fileIds.get(kind) ?? new InputFile(await placeholder(kind), `${kind}.png`), kind };
  };

  const learnFileId = (kind: PlaceholderKind | undefined, message: Message | true) => {
    const fileId = message === true ? undefined : message.photo?.at(-1)?.file_id;
    if (kind !== undefined && fileId !== undefined && !fileIds.has(kind)) fileIds.set(kind, fileId);
  };

  const editOnce = async (chatId: number, messageId: number, view: QrView, image: string) => {
    const { caption, entities } = captionOf(view);
    const captionEntities = entities.length > 0 ? { caption_entities: entities } : {};
    const reply_markup = keyboardFor(view);
    if (shownImage.get(`${chatId}:${messageId}`) === image) {
      await api.editMessageCaption(chatId, messageId, { caption, ...captionEntities, reply_markup });
      return;
    }
    const { file, kind } = await media(view);
    const photo: InputMediaPhoto = { type: 'photo', media: file, caption, ...captionEntities };
    try {
      learnFileId(kind, await api.editMessageMedia(chatId, messageId, photo, { reply_markup }));
    } catch (error) {
      // A remembered file_id can stop working (another bot token, Telegram housekeeping): upload once more.
      if (kind === undefined || typeof file !== 'string' || !isBadFileId(error)) throw error;
      fileIds.delete(kind);
      const upload = new InputFile(await placeholder(kind), `${kind}.png`);
      learnFileId(kind, await api.editMessageMedia(chatId, messageId, { type: 'photo', media: upload, caption, ...captionEntities }, { reply_markup }));
    }
  };

  return {
    async send(chatId, view) {
      const { file, kind } = await media(view);
      const { caption, entities } = captionOf(view);
      let message: Message.PhotoMessage;
      try {
        message = await api.sendPhoto(chatId, file, {
          caption,
          ...(entities.length > 0 ? { caption_entities: entities } : {}),
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

function placeholderKind(view: QrView): PlaceholderKind {
  switch (view.kind) {
    case 'code':
      return 'passkey';
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
  if (view.kind === 'code') return view.face?.kind === 'passkey_required' ? 'placeholder:passkey' : `code:${view.fingerprint}`;
  return `placeholder:${placeholderKind(view)}`;
}

const EXPIRED_REASONS: Record<Extract<QrView, { kind: 'expired' }>['reason'], string> = {
  codes_ran_out: 'WhatsApp stopped issuing codes for this attempt.',
  failed: 'The session failed on Wasend.',
  timed_out: 'Nobody scanned it in time.',
  stopped: 'The session was stopped.',
};

/** How long until `at`, as a person says it: `45 s`, `about 3 min`. */
function timeLeft(at: number, now = Date.now()): string {
  const seconds = Math.max(0, Math.round((at - now) / 1000));
  return seconds < 90 ? `${seconds} s` : `about ${Math.round(seconds / 60)} min`;
}

/**
 * The caption of a view with its entities: plain text (no parse mode, so session ids need no escaping), with a
 * pairing or passkey code marked as `code` (monospace, copied with a tap).
 */
export function captionOf(view: QrView): { caption: string; entities: MessageEntity[] } {
  if (view.kind !== 'code' || view.face === undefined) return { caption: captionFor(view), entities: [] };
  const { face } = view;
  if (face.kind === 'passkey_required') {
    return {
      caption: [
        `🔑 ${view.sessionId}: WhatsApp asks this account for a passkey to link.`,
        "It must be signed in a browser with WAHA's passkey extension; the bot cannot do that step.",
        'This message follows the session: it changes once the session moves on.',
      ].join('\n'),
      entities: [],
    };
  }
  if (face.kind === 'passkey_confirm') {
    const head = `🔑 ${view.sessionId}: does the phone show this code?\n`;
    return {
      caption: `${head}${face.code}\nPress "It matches" only if WhatsApp on the phone shows exactly this code.`,
      entities: [{ type: 'code', offset: head.length, length: face.code.length }],
    };
  }
  const head = `🔢 ${view.sessionId}: pairing code for ${face.phone}\n`;
  const validity = view.expiresAt === null ? '' : `\nGood for ${timeLeft(view.expiresAt)}, until ${new Date(view.expiresAt).toISOString().slice(11, 19)} (UTC).`;
  return {
    caption: [
      `${head}${face.code}`,
      'On the phone: WhatsApp > Linked devices > Link a device > Link with phone number instead, then type this code.',
    ].join('\n') + `${validity} This message updates itself.`,
    entities: [{ type: 'code', offset: head.length, length: face.code.length }],
  };
}

/** The photo caption of a view, plain text (no parse mode, so session ids need no escaping). */
export function captionFor(view: QrView): string {
  switch (view.kind) {
    case 'code': {
      if (view.face !== undefined) return captionOf(view).caption;
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
      return view.pairing
        ? `⌛ This pairing code expired (${view.sessionId}). ${EXPIRED_REASONS[view.reason]}\nPress New code for another one, or Show QR to scan instead.`
        : `⌛ This code expired (${view.sessionId}). ${EXPIRED_REASONS[view.reason]}\nPress New QR for a fresh code.`;
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
      switch (view.face?.kind) {
        case undefined:
          return new InlineKeyboard().text('🔄 Refresh', 'qr:refresh').text('✖ Cancel', 'qr:cancel').row().text('📱 Phone number instead', 'qr:phone');
        case 'pairing':
          return new InlineKeyboard().text('📷 Show QR', 'qr:showqr').text('✖ Cancel', 'qr:cancel');
        case 'passkey_required':
          return new InlineKeyboard().text('🔄 Refresh', 'qr:refresh').text('✖ Cancel', 'qr:cancel');
        case 'passkey_confirm':
          return new InlineKeyboard().text('✅ It matches', 'pk:yes').text("❌ It doesn't match", 'pk:no');
      }
      break;
    case 'waiting':
      return new InlineKeyboard().text('✖ Cancel', 'qr:cancel');
    case 'expired':
      return view.pairing ? new InlineKeyboard().text('🔢 New code', 'qr:newcode').text('📷 Show QR', 'qr:new') : new InlineKeyboard().text('🆕 New QR', 'qr:new');
    default:
      break;
  }
  return { inline_keyboard: [] };
}
