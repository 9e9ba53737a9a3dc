import { LRUCache } from 'lru-cache';
import type { Api, GrammyError, InputFile } from 'grammy';
import { describeError } from '../shared/describe-error.js';
import { classifyTelegramError } from '../telegram/errors.js';
import { canWait } from './outbox.js';
import { memoryFile } from '../telegram/uploads.js';
import type { InputMediaPhoto, Message } from 'grammy/types';
import { DeliveryUnknownError, PhotoRefusedError, type QrMessenger, type QrView } from '../live/types.js';
import { displayName } from '../shared/display-name.js';
import type { Logger } from '../shared/logger.js';
import { DEFAULT_LOCALE, loadCatalogue, type Catalogue, type Locale } from '../i18n/catalogue.js';
import { captionOf, imageKey, keyboardFor, mediaOf, type CaptionTexts } from './faces.js';
import { withLiveViewButton } from './live-view.js';
import { walkKeyboard, walkLead, type WalkStep } from './relink-face.js';
import { renderCodeTextPng } from '../qr/code-text.js';
import { renderPlaceholderPng, type PlaceholderKind } from '../qr/placeholder.js';

export interface TelegramMessengerOptions {
  readonly api: Api;
  /** Send photos with `protect_content` (no forwarding or saving). */
  readonly protectContent: boolean;
  readonly logger: Logger;
  /** Placeholder images; default {@link renderPlaceholderPng}. */
  readonly placeholder?: (kind: PlaceholderKind) => Promise<Buffer>;
  /** The texts; default the shipped catalogue. */
  readonly i18n?: Catalogue;
  /** The language of a chat's reader (a private chat's id is its user's); default English. */
  readonly localeOf?: (chatId: number) => Locale | Promise<Locale>;
  /** How a session is named in captions ("Shop (shop-1)"); default its id. */
  readonly label?: (sessionId: string) => string;
  /** Codes in one series, for "code N of M": the gateway's (WAHA 6, Evolution 30). Default 6. */
  readonly seriesLength?: number;
  /** Where the live view (Mini App) is served: live messages get a button to it. Off when unset. */
  readonly publicUrl?: string;
  /** The chat's `/relink` walk, if one runs: its session is shown in the walk's one message, under its lead line. */
  readonly walkOf?: (chatId: number) => Promise<WalkStep | undefined>;
}

/** How many messages' current image is remembered (to edit only the caption when the image stays). */
const REMEMBERED_MESSAGES = 2_000;

/**
 * Draws live QR views as one Telegram photo message: a code as its PNG, every other state as a placeholder
 * image without a code (uploaded once, then reused by `file_id`), with a caption and buttons.
 */
export function createTelegramMessenger(options: TelegramMessengerOptions): QrMessenger {
  const { api, protectContent, logger } = options;
  const placeholder = options.placeholder ?? renderPlaceholderPng;
  const i18n = options.i18n ?? loadCatalogue();
  const textsFor = async (chatId: number): Promise<CaptionTexts> => {
    const locale = (await options.localeOf?.(chatId)) ?? DEFAULT_LOCALE;
    return {
      t: i18n.in(locale),
      locale,
      label: options.label ?? ((id) => id),
      now: Date.now(),
      ...(options.seriesLength !== undefined ? { seriesLength: options.seriesLength } : {}),
    };
  };
  /** Caption and buttons of a view; in a walk's message, under the walk's lead line and with its buttons. */
  const dress = (view: QrView, texts: CaptionTexts, walk: WalkStep | undefined) => {
    const { caption, entities } = captionOf(view, texts, walk === undefined ? '' : walkLead(walk, texts.t, texts.label));
    const own = keyboardFor(view, texts.t);
    const keyboard = withLiveViewButton(walk === undefined ? own : walkKeyboard(own, view, texts.t), view, texts.t, options.publicUrl);
    return { caption, ...(entities.length > 0 ? { caption_entities: entities } : {}), reply_markup: keyboard };
  };
  /** The chat's walk when it shows this view's session (a store failure reads as none: the plain face). */
  const walkFor = async (chatId: number, view: QrView): Promise<WalkStep | undefined> => {
    const step = await options.walkOf?.(chatId).catch(() => undefined);
    return step?.sessionId === view.sessionId ? step : undefined;
  };
  const fileIds = new Map<PlaceholderKind, string>();
  const shownImage = new LRUCache<string, string>({ max: REMEMBERED_MESSAGES });

  const remember = (chatId: number, messageId: number, image: string) => {
    shownImage.set(`${chatId}:${messageId}`, image);
  };

  const media = async (view: QrView): Promise<{ file: InputFile | string; kind?: PlaceholderKind }> => {
    const shown = mediaOf(view);
    // Only a code view has the QR face (the registry's types say so).
    if (shown.kind === 'qr') return { file: memoryFile(view.kind === 'code' ? view.png : Buffer.alloc(0), 'qr.png') };
    // A pairing or passkey code, large: the caption carries it as copyable text too.
    if (shown.kind === 'code_text') return { file: memoryFile(await renderCodeTextPng(shown.code), 'code.png') };
    const kind = shown.placeholder;
    return { file: fileIds.get(kind) ?? memoryFile(await placeholder(kind), `${kind}.png`), kind };
  };

  const learnFileId = (kind: PlaceholderKind | undefined, message: Message | true) => {
    const fileId = message === true ? undefined : message.photo?.at(-1)?.file_id;
    if (kind !== undefined && fileId !== undefined && !fileIds.has(kind)) fileIds.set(kind, fileId);
  };

  const editOnce = async (chatId: number, messageId: number, view: QrView, image: string, walk: WalkStep | undefined) => {
    const { caption, reply_markup, ...captionEntities } = dress(view, await textsFor(chatId), walk);
    // A message a newer one replaced: nobody scans it, so it waits behind every photo and reply a person waits for.
    const mark = view.kind === 'retired' ? canWait : <T>(other: T) => other;
    if (shownImage.get(`${chatId}:${messageId}`) === image) {
      await api.editMessageCaption(chatId, messageId, mark({ caption, ...captionEntities, reply_markup }));
      return;
    }
    const { file, kind } = await media(view);
    const photo: InputMediaPhoto = { type: 'photo', media: file, caption, ...captionEntities };
    try {
      learnFileId(kind, await api.editMessageMedia(chatId, messageId, photo, mark({ reply_markup })));
    } catch (error) {
      // A remembered file_id can stop working (another bot token, Telegram housekeeping): upload once more.
      if (kind === undefined || typeof file !== 'string' || !isBadFileId(error)) throw error;
      fileIds.delete(kind);
      const upload = memoryFile(await placeholder(kind), `${kind}.png`);
      learnFileId(
        kind,
        await api.editMessageMedia(chatId, messageId, { type: 'photo', media: upload, caption, ...captionEntities }, mark({ reply_markup })),
      );
    }
  };

  /** Puts the view in the message; `'gone'` when the message, the chat or the bot's access is gone for good. */
  async function edit(chatId: number, messageId: number, view: QrView, walk: WalkStep | undefined): Promise<'ok' | 'not_modified' | 'gone'> {
    const image = imageKey(view);
    try {
      await editOnce(chatId, messageId, view, image, walk);
      remember(chatId, messageId, image);
      return 'ok';
    } catch (error) {
      const failure = classifyTelegramError(error);
      if (failure === 'not_modified') {
        remember(chatId, messageId, image);
        return 'not_modified';
      }
      if (failure === 'gone') {
        shownImage.delete(`${chatId}:${messageId}`);
        logger.info({ chatId, messageId, err: describeError(error) }, 'live QR message is gone');
        return 'gone';
      }
      throw error;
    }
  }

  return {
    async send(chatId, view) {
      const walk = await walkFor(chatId, view);
      // A walk shows each of its sessions in its one message: the next session's code goes there, not in a new photo.
      if (walk?.messageId != null) {
        const outcome = await edit(chatId, walk.messageId, view, walk);
        if (outcome !== 'gone') return { messageId: walk.messageId };
      }
      const { file, kind } = await media(view);
      let message: Message.PhotoMessage;
      try {
        message = await api.sendPhoto(chatId, file, { ...dress(view, await textsFor(chatId), walk), protect_content: protectContent });
      } catch (error) {
        // The request went out and no clear answer came back: Telegram may have delivered the photo.
        const failure = classifyTelegramError(error);
        if (failure === 'lost') throw new DeliveryUnknownError('sendPhoto: the answer was lost', { cause: error });
        // A definite refusal (400 bad request, 403 blocked, a 429 past its retries): nothing was sent.
        if (failure === 'not_telegram') throw error;
        throw new PhotoRefusedError(displayName((error as GrammyError).description ?? '', 200), { cause: error });
      }
      learnFileId(kind, message);
      remember(chatId, message.message_id, imageKey(view));
      return { messageId: message.message_id };
    },

    async notify(chatId, note) {
      const texts = await textsFor(chatId);
      await api.sendMessage(chatId, texts.t('qr-restarted', { session: texts.label(note.sessionId), id: note.sessionId }));
    },

    async edit(chatId, messageId, view) {
      const step = await options.walkOf?.(chatId).catch(() => undefined);
      if (step?.messageId !== messageId) return edit(chatId, messageId, view, undefined);
      // The walk's message has moved on to another session: a late view of the one before must not pull it back.
      if (step.sessionId !== view.sessionId) return 'ok';
      return edit(chatId, messageId, view, step);
    },
  };
}

function isBadFileId(error: unknown): boolean {
  return classifyTelegramError(error) === 'bad_file';
}
