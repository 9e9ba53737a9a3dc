import { LRUCache } from 'lru-cache';
import { InlineKeyboard, InputFile, type Api, type GrammyError } from 'grammy';
import { describeError } from '../shared/describe-error.js';
import { classifyTelegramError } from '../telegram/errors.js';
import type { InlineKeyboardMarkup, InputMediaPhoto, Message, MessageEntity } from 'grammy/types';
import { DeliveryUnknownError, PhotoRefusedError, type CodeFace, type QrMessenger, type QrView } from '../live/types.js';
import { displayName } from '../shared/display-name.js';
import type { Logger } from '../shared/logger.js';
import { DEFAULT_LOCALE, formatTime, loadCatalogue, type Catalogue, type Locale, type Translate } from '../i18n/catalogue.js';
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
}

/** What a caption needs besides its view: the reader's language and the session's name. */
export interface CaptionTexts {
  readonly t: Translate;
  readonly locale: Locale;
  readonly label: (sessionId: string) => string;
  /** Now, epoch ms (the time left is counted from it). */
  readonly now: number;
  /** Codes in one series ("code N of M"); default WhatsApp's six as WAHA serves them. */
  readonly seriesLength?: number;
}

let defaultCatalogue: Catalogue | undefined;
/** English, ids as names, the clock now: for callers (and tests) that bring nothing. */
export function englishTexts(now = Date.now()): CaptionTexts {
  defaultCatalogue ??= loadCatalogue();
  return { t: defaultCatalogue.in(DEFAULT_LOCALE), locale: DEFAULT_LOCALE, label: (id) => id, now };
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
    return { t: i18n.in(locale), locale, label: options.label ?? ((id) => id), now: Date.now(), seriesLength: options.seriesLength ?? SERIES_LENGTH };
  };
  const fileIds = new Map<PlaceholderKind, string>();
  const shownImage = new LRUCache<string, string>({ max: REMEMBERED_MESSAGES });

  const remember = (chatId: number, messageId: number, image: string) => {
    shownImage.set(`${chatId}:${messageId}`, image);
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
    const texts = await textsFor(chatId);
    const { caption, entities } = captionOf(view, texts);
    const captionEntities = entities.length > 0 ? { caption_entities: entities } : {};
    const reply_markup = keyboardFor(view, texts.t);
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
      learnFileId(
        kind,
        await api.editMessageMedia(chatId, messageId, { type: 'photo', media: upload, caption, ...captionEntities }, { reply_markup }),
      );
    }
  };

  return {
    async send(chatId, view) {
      const { file, kind } = await media(view);
      const texts = await textsFor(chatId);
      const { caption, entities } = captionOf(view, texts);
      let message: Message.PhotoMessage;
      try {
        message = await api.sendPhoto(chatId, file, {
          caption,
          ...(entities.length > 0 ? { caption_entities: entities } : {}),
          reply_markup: keyboardFor(view, texts.t),
          protect_content: protectContent,
        });
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
      const image = imageKey(view);
      try {
        await editOnce(chatId, messageId, view, image);
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
    },
  };
}

function isBadFileId(error: unknown): boolean {
  return classifyTelegramError(error) === 'bad_file';
}

function placeholderKind(view: QrView): PlaceholderKind {
  switch (view.kind) {
    case 'code':
      return 'passkey';
    case 'waiting':
    case 'paused':
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

/** WAHA's series: a QR code is one of six (a gateway may say otherwise: `seriesLength`). */
const SERIES_LENGTH = 6;

const EXPIRED_REASONS: Record<Extract<QrView, { kind: 'expired' }>['reason'], string> = {
  codes_ran_out: 'expired-codes-ran-out',
  failed: 'expired-failed',
  timed_out: 'expired-timed-out',
  stopped: 'expired-stopped',
};

/** How long until `at` as a person says it (`45 s`, `about 3 min`), counted once per edit: no ticking countdown. */
function timeLeft(texts: CaptionTexts, at: number, estimated: boolean): string {
  const seconds = Math.max(0, Math.round((at - texts.now) / 1000));
  if (seconds >= 90) return texts.t('time-minutes', { minutes: Math.round(seconds / 60) });
  return texts.t(estimated ? 'time-about-seconds' : 'time-seconds', { seconds });
}

/** Builds a caption from parts, keeping the UTF-16 offsets of the entities it marks. */
class CaptionBuilder {
  private text = '';
  readonly entities: MessageEntity[] = [];

  add(part: string): this {
    this.text += part;
    return this;
  }

  /** `part` as monospace (`code`): a tap copies it. */
  code(part: string): this {
    this.entities.push({ type: 'code', offset: this.text.length, length: part.length });
    return this.add(part);
  }

  /** `part` as a `date_time` entity: clients that know it show `at` in the reader's own time zone instead. */
  time(part: string, at: number): this {
    this.entities.push({ type: 'date_time', offset: this.text.length, length: part.length, unix_time: Math.floor(at / 1000), date_time_format: 'T' });
    return this.add(part);
  }

  build(): { caption: string; entities: MessageEntity[] } {
    return { caption: this.text, entities: this.entities };
  }
}

/** "Good for 45 s, until 12:34:56 UTC." with the clock time marked for the reader's time zone; "" without expiry. */
function validity(builder: CaptionBuilder, texts: CaptionTexts, expiresAt: number | null, estimated: boolean): void {
  if (expiresAt === null) return;
  const until = `${formatTime(texts.locale, expiresAt)} UTC`;
  const sentence = texts.t('caption-valid-for', { left: timeLeft(texts, expiresAt, estimated), until: '\u0000' });
  const [before = '', after = ''] = sentence.split('\u0000');
  builder.add('\n').add(before).time(until, expiresAt).add(after);
}

/**
 * The caption of a view with its entities: plain text (no parse mode, so session names need no escaping), the
 * session named, a pairing or passkey code marked as `code` (monospace, copied with a tap), an expiry as a
 * `date_time` the reader's client shows in their own zone.
 */
export function captionOf(view: QrView, texts: CaptionTexts = englishTexts()): { caption: string; entities: MessageEntity[] } {
  const { t } = texts;
  const session = texts.label(view.sessionId);
  const builder = new CaptionBuilder();
  if (view.kind !== 'code') return { caption: captionFor(view, texts), entities: [] };
  const { face } = view;
  if (face === undefined) {
    const series =
      view.seriesIndex !== undefined ? `: ${t('caption-qr-series', { index: view.seriesIndex, total: texts.seriesLength ?? SERIES_LENGTH })}` : '';
    builder.add(`${t('caption-qr-head', { session })}${series}\n${t('caption-qr-steps')}`);
    validity(builder, texts, view.expiresAt, view.estimated === true);
    return builder.add(`\n${t('caption-updates')}`).build();
  }
  if (face.kind === 'passkey_required') return builder.add(t('caption-passkey-required', { session })).build();
  if (face.kind === 'passkey_confirm') {
    return builder
      .add(`${t('caption-passkey-confirm-head', { session })}\n`)
      .code(face.code)
      .add(`\n${t('caption-passkey-confirm-tail')}`)
      .build();
  }
  builder
    .add(`${t('caption-pairing-head', { session, phone: face.phone })}\n`)
    .code(face.code)
    .add(`\n${t('caption-pairing-steps')}`);
  validity(builder, texts, view.expiresAt, false);
  return builder.add(`\n${t('caption-updates')}`).build();
}

/** The photo caption of a view as plain text. */
export function captionFor(view: QrView, texts: CaptionTexts = englishTexts()): string {
  const { t } = texts;
  const session = texts.label(view.sessionId);
  switch (view.kind) {
    case 'code':
      return captionOf(view, texts).caption;
    case 'waiting':
      return t('caption-waiting', { session });
    case 'paused':
      return t('caption-paused', { session });
    case 'connected':
      return t('caption-connected', { session });
    case 'expired': {
      // A pairing code is typed, not scanned: its own words when nobody used it in time.
      const reason = view.pairing && view.reason === 'timed_out' ? 'expired-pairing-timed-out' : EXPIRED_REASONS[view.reason];
      return t(view.pairing ? 'caption-expired-pairing' : 'caption-expired', { session, reason: t(reason) });
    }
    case 'cancelled':
      return t('caption-cancelled', { session, id: view.sessionId });
    case 'retired':
      return t('caption-retired', { session });
  }
}

/** Buttons of a view; an empty keyboard removes the previous buttons on edit. */
export function keyboardFor(view: QrView, t: Translate = englishTexts().t): InlineKeyboardMarkup {
  switch (view.kind) {
    case 'code':
      switch (view.face?.kind) {
        case undefined:
          return new InlineKeyboard()
            .text(t('button-refresh'), 'qr:refresh')
            .text(t('button-cancel'), 'qr:cancel')
            .row()
            .text(t('button-phone-instead'), 'qr:phone');
        case 'pairing':
          return new InlineKeyboard().text(t('button-show-qr'), 'qr:showqr').text(t('button-cancel'), 'qr:cancel');
        case 'passkey_required':
          return new InlineKeyboard().text(t('button-refresh'), 'qr:refresh').text(t('button-cancel'), 'qr:cancel');
        case 'passkey_confirm':
          return new InlineKeyboard().text(t('button-it-matches'), 'pk:yes').text(t('button-no-match'), 'pk:no');
      }
      break;
    case 'waiting':
      return new InlineKeyboard().text(t('button-cancel'), 'qr:cancel');
    case 'expired':
      return view.pairing
        ? new InlineKeyboard().text(t('button-new-code'), 'qr:newcode').text(t('button-show-qr'), 'qr:new')
        : new InlineKeyboard().text(t('button-new-qr'), 'qr:new');
    default:
      break;
  }
  return { inline_keyboard: [] };
}
