import { randomBytes } from 'node:crypto';
import { createServer, request as httpRequest } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { BotCommand, Chat, InlineKeyboardMarkup, Message, PhotoSize, Update, User, UserFromGetMe } from 'grammy/types';
import { EntityParseError, visibleText } from './fake-telegram-format.js';
import { multipartBoundary, parseMultipart } from './fake-telegram-multipart.js';

/** Options for {@link createFakeTelegram}. */
export interface FakeTelegramOptions {
  /** Bot token the fake accepts; other tokens get 401 Unauthorized. Default `123456789:AAFakeTokenForTests`. */
  token?: string;
  /** Username the fake bot reports from getMe (without `@`). Default `fake_qr_bot`. */
  botUsername?: string;
  /**
   * Behaves like some Bot API emulators written by others: `getUpdates` answers at once whatever its `timeout`
   * (an empty list when nothing waits).
   */
  ignorePollTimeout?: boolean;
}

/** One Bot API call as the fake received it. Files are summarised as `{ file: <byte length> }`. */
export interface FakeCall {
  method: string;
  params: Record<string, unknown>;
  /** Epoch ms when the request arrived. */
  at: number;
  ok: boolean;
}

/** A message in a fake chat, live: it changes as the bot edits or deletes it. */
export interface FakeMessage {
  chatId: number;
  messageId: number;
  from: 'bot' | 'user';
  /** Visible text (parse_mode markup removed). */
  text?: string;
  caption?: string;
  /** Current photo bytes. */
  photo?: Buffer;
  replyMarkup?: InlineKeyboardMarkup;
  /** The message asked for a reply (`reply_markup: { force_reply: true }`). */
  forceReply?: boolean;
  /** `caption_entities` as last sent (e.g. a `code` entity around a pairing code). */
  captionEntities?: Array<{ type: string; offset: number; length: number }>;
  /** For a user's message: the message it replies to. */
  replyTo?: number;
  protectContent?: boolean;
  /** Number of successful edits. */
  edits: number;
  deleted: boolean;
  /** Every change: the sending method, each edit method, `deleteMessage` or `deleteByUser`. */
  history: Array<{ method: string; at: number }>;
}

/** A scripted failure for {@link FakeTelegram.failNext}; `retryAfter` (seconds) becomes `parameters.retry_after`. */
/** `description` may be left out, as some Bot API servers written by others do. */
export type FakeFailure = { errorCode: number; description?: string; retryAfter?: number } | 'reset';

/** A fake Telegram Bot API server on 127.0.0.1 for tests and benchmarks. */
export interface FakeTelegram {
  /** Pass as `new Bot(token, { client: { apiRoot } })`. */
  apiRoot: string;
  token: string;
  botInfo: UserFromGetMe;
  /** Queues (or, in webhook mode, delivers) a text message from a user; `/cmd` texts carry bot_command entities. */
  sendText(input: {
    userId: number;
    chatId?: number;
    chatType?: 'private' | 'group' | 'supergroup';
    text: string;
    firstName?: string;
    /** The sender's @username and Telegram client language (`language_code`, default `en`), kept for later messages. */
    username?: string;
    languageCode?: string;
    replyTo?: number;
  }): { updateId: number; messageId: number };
  /** Queues a callback_query update for an inline button on a bot message. */
  pressButton(input: { userId: number; chatId: number; messageId: number; data: string }): { updateId: number; callbackQueryId: string };
  /** Queues any update; `update_id` is assigned when missing. Returns the update id. */
  pushUpdate(update: object): number;
  /** Updates queued and not yet confirmed by a later `getUpdates` offset (Telegram's `pending_update_count`). */
  pendingUpdates(): number;
  /** How the bot answered a button press (`text`, `showAlert`), once it did. */
  answerOf(callbackQueryId: string): { text?: string; showAlert?: boolean } | undefined;
  calls: FakeCall[];
  callsTo(method: string): FakeCall[];
  /** Bot-sent messages of a chat in order, deleted ones included (flagged). */
  messages(chatId: number): FakeMessage[];
  message(chatId: number, messageId: number): FakeMessage | undefined;
  /**
   * Resolves with the first result of `check` that is not undefined, null or false. Re-evaluated after every
   * API call, update and webhook delivery (and every 20 ms). A throwing check counts as not yet. Rejects after
   * `timeoutMs` (default 5000) with `description`, the last thrown error and the recent calls.
   */
  waitFor<T>(check: () => T | undefined | false, options?: { timeoutMs?: number; description?: string }): Promise<T>;
  /** The next `count` (default 1) calls of `method` fail with this error, or `'reset'`: the socket is destroyed unanswered. */
  failNext(method: string, failure: FakeFailure, count?: number): void;
  /** The user deletes a message (the bot is not told, like in Telegram). */
  deleteByUser(chatId: number, messageId: number): void;
  /** Every later call to that chat answers 403 `Forbidden: bot was blocked by the user`. */
  blockBy(chatId: number): void;
  /** Ends pending long polls and webhook deliveries, closes the server and all its connections. */
  close(): Promise<void>;
}

interface PhotoFile {
  fileId: string;
  fileUniqueId: string;
  bytes: Buffer;
  width: number;
  height: number;
}

interface StoredMessage {
  fake: FakeMessage;
  chat: Chat;
  date: number;
  editDate?: number;
  sender: User;
  entities?: Array<{ type: 'bot_command'; offset: number; length: number }>;
  photoFile?: PhotoFile;
  otherMarkup?: unknown;
}

interface ChatState {
  chat: Chat;
  lastMessageId: number;
  messages: Map<number, StoredMessage>;
}

interface Poll {
  wake: () => void;
  terminate: (description: string) => void;
}

interface Webhook {
  url: string;
  secretToken?: string;
  maxConnections: number;
  allowedUpdates?: string[];
  lastErrorDate?: number;
  lastErrorMessage?: string;
}

interface RequestBody {
  params: Record<string, unknown>;
  files: Map<string, Buffer>;
}

type Handler = (params: Record<string, unknown>, files: Map<string, Buffer>, response?: ServerResponse) => unknown;

class ApiRefusal extends Error {
  override readonly name = 'ApiRefusal';
  constructor(
    readonly errorCode: number,
    readonly description: string,
    readonly parameters?: { retry_after?: number },
  ) {
    super(description);
  }
}

const DEFAULT_TOKEN = '123456789:AAFakeTokenForTests';
const BLOCKED = 'Forbidden: bot was blocked by the user';
const NOT_MODIFIED =
  'Bad Request: message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message';
const EDIT_NOT_FOUND = 'Bad Request: message to edit not found';
const WEBHOOK_CONFLICT = "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first";
const POLL_CONFLICT = 'Conflict: terminated by other getUpdates request; make sure that only one bot instance is running';
const QUERY_INVALID = 'Bad Request: query is too old and response timeout expired or query ID is invalid';
const CHAT_ACTIONS = new Set([
  'typing',
  'upload_photo',
  'record_video',
  'upload_video',
  'record_voice',
  'upload_voice',
  'upload_document',
  'choose_sticker',
  'find_location',
  'record_video_note',
  'upload_video_note',
]);
const JSON_FIELDS = new Set([
  'reply_markup',
  'media',
  'entities',
  'caption_entities',
  'allowed_updates',
  'commands',
  'scope',
  'link_preview_options',
  'reply_parameters',
]);
const NUMBER_FIELDS = new Set([
  'chat_id',
  'message_id',
  'offset',
  'limit',
  'timeout',
  'max_connections',
  'user_id',
  'cache_time',
  'message_thread_id',
]);
const BOOLEAN_FIELDS = new Set([
  'disable_notification',
  'protect_content',
  'drop_pending_updates',
  'show_alert',
  'has_spoiler',
  'show_caption_above_media',
]);
const DEFAULT_UPDATE_KINDS_EXCLUDED = new Set(['chat_member', 'message_reaction', 'message_reaction_count']);
const WEBHOOK_TIMEOUT_MS = 10_000;
const WEBHOOK_RETRY_MAX_MS = 1_000;
const MAX_BODY_BYTES = 60 * 1024 * 1024;

/** Starts a fake Telegram Bot API server on 127.0.0.1 (random port) speaking the real wire format. */
export async function createFakeTelegram(options: FakeTelegramOptions = {}): Promise<FakeTelegram> {
  const token = options.token ?? DEFAULT_TOKEN;
  const botId = Number(/^(\d+):/.exec(token)?.[1] ?? 123456789);
  const botInfo: UserFromGetMe = {
    id: botId,
    is_bot: true,
    first_name: 'Fake QR Bot',
    username: options.botUsername ?? 'fake_qr_bot',
    can_join_groups: true,
    can_read_all_group_messages: false,
    supports_inline_queries: false,
    can_connect_to_business: false,
    has_main_web_app: false,
    has_topics_enabled: false,
    allows_users_to_create_topics: false,
    can_manage_bots: false,
    supports_join_request_queries: false,
  };
  const botUser: User = { id: botId, is_bot: true, first_name: botInfo.first_name, username: botInfo.username };
  const startedAt = Date.now();

  const calls: FakeCall[] = [];
  const chats = new Map<number, ChatState>();
  const users = new Map<number, User>();
  const files = new Map<string, PhotoFile>();
  const blocked = new Set<number>();
  const failures = new Map<string, FakeFailure[]>();
  const commands = new Map<string, BotCommand[]>();
  const callbackQueries = new Map<string, { answered: boolean; text?: string; showAlert?: boolean }>();
  const checks = new Set<() => void>();
  let queue: Update[] = [];
  let nextUpdateId = 1;
  let nextFileNumber = 1;
  let nextCallbackNumber = 1;
  let allowedUpdates: string[] | undefined;
  let poll: Poll | undefined;
  let webhook: Webhook | undefined;
  let delivery: { abort: () => void; done: Promise<void> } | undefined;
  let retryTimer: NodeJS.Timeout | undefined;
  let retryDelayMs = 0;
  let closed = false;
  const inFlight = new Set<Promise<unknown>>();

  const notify = (): void => {
    for (const check of [...checks]) check();
  };

  // ---- chats and messages

  const chatState = (chatId: number): ChatState => {
    let state = chats.get(chatId);
    if (state === undefined) {
      state = { chat: inferChat(chatId), lastMessageId: 0, messages: new Map() };
      chats.set(chatId, state);
    }
    return state;
  };

  const userFor = (userId: number, firstName?: string, extra: { username?: string; languageCode?: string } = {}): User => {
    const known = users.get(userId);
    if (known !== undefined && firstName === undefined && extra.username === undefined && extra.languageCode === undefined) return known;
    const username = extra.username ?? known?.username;
    const user: User = {
      id: userId,
      is_bot: false,
      first_name: firstName ?? known?.first_name ?? `User ${userId}`,
      ...(username !== undefined ? { username } : {}),
      language_code: extra.languageCode ?? known?.language_code ?? 'en',
    };
    users.set(userId, user);
    return user;
  };

  const storeMessage = (state: ChatState, stored: Omit<StoredMessage, 'chat'>): StoredMessage => {
    const full = { ...stored, chat: state.chat };
    state.messages.set(stored.fake.messageId, full);
    return full;
  };

  const toMessage = (stored: StoredMessage): Message => {
    const { fake } = stored;
    const message: Record<string, unknown> = { message_id: fake.messageId, from: stored.sender, chat: stored.chat, date: stored.date };
    if (stored.editDate !== undefined) message.edit_date = stored.editDate;
    if (fake.text !== undefined) message.text = fake.text;
    if (stored.entities !== undefined) message.entities = stored.entities;
    if (stored.photoFile !== undefined) message.photo = [photoSize(stored.photoFile)];
    if (fake.caption !== undefined) message.caption = fake.caption;
    if (fake.protectContent === true) message.has_protected_content = true;
    if (fake.replyMarkup !== undefined) message.reply_markup = fake.replyMarkup;
    if (fake.captionEntities !== undefined) message.caption_entities = fake.captionEntities;
    if (fake.replyTo !== undefined) {
      const replied = chats.get(stored.chat.id)?.messages.get(fake.replyTo);
      if (replied !== undefined) message.reply_to_message = toMessage(replied);
    }
    return message as unknown as Message;
  };

  const chatIdOf = (params: Record<string, unknown>): number => {
    const raw = params.chat_id;
    if (raw === undefined || raw === null || raw === '') throw badRequest('chat_id is empty');
    const chatId = typeof raw === 'number' ? raw : typeof raw === 'string' && /^-?\d+$/.test(raw) ? Number(raw) : Number.NaN;
    if (!Number.isSafeInteger(chatId)) throw badRequest('chat not found');
    if (blocked.has(chatId)) throw new ApiRefusal(403, BLOCKED);
    return chatId;
  };

  const editTarget = (params: Record<string, unknown>): StoredMessage => {
    if (params.inline_message_id !== undefined) throw badRequest('MESSAGE_ID_INVALID');
    const chatId = chatIdOf(params);
    const messageId = Number(params.message_id);
    if (params.message_id === undefined || !Number.isSafeInteger(messageId)) throw badRequest('message identifier is not specified');
    const stored = chats.get(chatId)?.messages.get(messageId);
    if (stored === undefined || stored.fake.deleted) throw new ApiRefusal(400, EDIT_NOT_FOUND);
    if (stored.fake.from !== 'bot') throw badRequest("message can't be edited");
    return stored;
  };

  const applyEdit = (
    stored: StoredMessage,
    method: string,
    next: { text?: string; caption?: string; photoFile?: PhotoFile; markup: unknown },
  ): Message => {
    const { fake } = stored;
    const inline = inlineKeyboard(next.markup);
    const unchanged =
      next.text === fake.text &&
      next.caption === fake.caption &&
      samePhoto(next.photoFile, stored.photoFile) &&
      canonicalJson(inline) === canonicalJson(fake.replyMarkup);
    if (unchanged) throw new ApiRefusal(400, NOT_MODIFIED);
    const now = Date.now();
    setOptional(fake, 'text', next.text);
    setOptional(fake, 'caption', next.caption);
    setOptional(fake, 'replyMarkup', inline);
    if (next.photoFile !== undefined) {
      stored.photoFile = next.photoFile;
      fake.photo = next.photoFile.bytes;
    }
    stored.editDate = Math.floor(now / 1000);
    fake.edits += 1;
    fake.history.push({ method, at: now });
    return toMessage(stored);
  };

  const sendNew = (
    chatId: number,
    method: string,
    params: Record<string, unknown>,
    content: { text?: string; caption?: string; photoFile?: PhotoFile },
  ): Message => {
    const state = chatState(chatId);
    const now = Date.now();
    state.lastMessageId += 1;
    const inline = inlineKeyboard(params.reply_markup);
    const fake: FakeMessage = { chatId, messageId: state.lastMessageId, from: 'bot', edits: 0, deleted: false, history: [{ method, at: now }] };
    setOptional(fake, 'text', content.text);
    setOptional(fake, 'caption', content.caption);
    if (content.photoFile !== undefined) fake.photo = content.photoFile.bytes;
    setOptional(fake, 'replyMarkup', inline);
    if (isRecord(params.reply_markup) && params.reply_markup.force_reply === true) fake.forceReply = true;
    if (Array.isArray(params.caption_entities)) fake.captionEntities = params.caption_entities as FakeMessage['captionEntities'];
    if (params.protect_content === true) fake.protectContent = true;
    const stored = storeMessage(state, { fake, date: Math.floor(now / 1000), sender: botUser });
    if (content.photoFile !== undefined) stored.photoFile = content.photoFile;
    return toMessage(stored);
  };

  const resolvePhoto = (value: unknown, uploads: Map<string, Buffer>): PhotoFile => {
    if (typeof value !== 'string' || value === '') throw badRequest('there is no photo in the request');
    if (value.startsWith('attach://')) {
      const bytes = uploads.get(value.slice('attach://'.length));
      if (bytes === undefined) throw badRequest('wrong file identifier/HTTP URL specified');
      if (bytes.length === 0) throw badRequest('file must be non-empty');
      const size = imageSize(bytes);
      if (size === undefined) throw badRequest('IMAGE_PROCESS_FAILED');
      if (size.width + size.height > 10_000 || Math.max(size.width, size.height) > 20 * Math.min(size.width, size.height)) {
        throw badRequest('PHOTO_INVALID_DIMENSIONS');
      }
      const number = nextFileNumber++;
      const file: PhotoFile = {
        fileId: `AgACAgFake${number}_${randomBytes(9).toString('base64url')}`,
        fileUniqueId: `AQADFake${number}`,
        bytes,
        ...fitInto(size, 1280),
      };
      files.set(file.fileId, file);
      return file;
    }
    const known = files.get(value);
    if (known === undefined) throw badRequest('wrong file identifier/HTTP URL specified');
    return known;
  };

  const captionOf = (params: Record<string, unknown>): string | undefined => {
    if (params.caption === undefined || params.caption === null) return undefined;
    const caption = parseText(typeof params.caption === 'string' ? params.caption : JSON.stringify(params.caption), params.parse_mode);
    if (caption.length > 1024) throw badRequest('message caption is too long');
    return caption === '' ? undefined : caption;
  };

  const messageTextOf = (params: Record<string, unknown>): string => {
    const text = typeof params.text === 'string' ? parseText(params.text, params.parse_mode) : '';
    if (text.trim() === '') throw badRequest('message text is empty');
    if (text.length > 4096) throw badRequest('message is too long');
    return text;
  };

  // ---- updates, long polling, webhook

  const isAllowed = (update: Update): boolean => {
    const kind = Object.keys(update).find((key) => key !== 'update_id') ?? '';
    const allowed = webhook?.allowedUpdates ?? allowedUpdates;
    return allowed === undefined || allowed.length === 0 ? !DEFAULT_UPDATE_KINDS_EXCLUDED.has(kind) : allowed.includes(kind);
  };

  const enqueue = (update: Update): number => {
    if (closed) throw new Error('fake Telegram is closed');
    if (!isAllowed(update)) return update.update_id;
    queue.push(update);
    poll?.wake();
    pumpWebhook();
    notify();
    return update.update_id;
  };

  const pumpWebhook = (): void => {
    const target = webhook;
    const update = queue[0];
    if (closed || target === undefined || delivery !== undefined || retryTimer !== undefined || update === undefined) return;
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (target.secretToken !== undefined) headers['x-telegram-bot-api-secret-token'] = target.secretToken;
    const exchange = postJson(target.url, JSON.stringify(update), headers);
    const done = exchange.result.then(async (outcome) => {
      delivery = undefined;
      if (outcome.error === undefined) {
        if (queue[0] === update) queue.shift();
        retryDelayMs = 0;
        await runWebhookReply(outcome.body);
        notify();
        pumpWebhook();
        return;
      }
      target.lastErrorDate = Math.floor(Date.now() / 1000);
      target.lastErrorMessage = outcome.error;
      if (closed || webhook !== target) return;
      retryDelayMs = Math.min(WEBHOOK_RETRY_MAX_MS, retryDelayMs === 0 ? 50 : retryDelayMs * 2);
      retryTimer = setTimeout(() => {
        retryTimer = undefined;
        pumpWebhook();
      }, retryDelayMs);
      notify();
    });
    delivery = { abort: () => exchange.abort(), done };
  };

  const runWebhookReply = async (body: string): Promise<void> => {
    let reply: unknown;
    try {
      reply = JSON.parse(body);
    } catch {
      return;
    }
    if (!isRecord(reply) || typeof reply.method !== 'string') return;
    const { method, ...params } = reply;
    await execute(method, params, new Map(), Date.now());
  };

  const stopWebhookDelivery = (): void => {
    clearTimeout(retryTimer);
    retryTimer = undefined;
    retryDelayMs = 0;
  };

  const pendingUpdates = (limit: number): Update[] => queue.slice(0, limit);

  // ---- methods

  const handlers: Record<string, Handler> = {
    getMe: () => botInfo,
    logOut: () => true,
    leaveChat: (params) => {
      if (Number(params.chat_id) > 0) throw new ApiRefusal(400, "Bad Request: chat member status can't be changed in private chats");
      return true;
    },
    close: () => true,

    getUpdates: (params, _files, response) => {
      if (webhook !== undefined) throw new ApiRefusal(409, WEBHOOK_CONFLICT);
      const offset = Number(params.offset ?? 0);
      if (offset > 0) queue = queue.filter((update) => update.update_id >= offset);
      else if (offset < 0) queue = queue.slice(offset);
      if (Array.isArray(params.allowed_updates)) {
        allowedUpdates = params.allowed_updates.map(String);
        queue = queue.filter(isAllowed);
      }
      const limit = Math.min(100, Math.max(1, Number(params.limit ?? 100) || 100));
      const timeoutS = options.ignorePollTimeout ? 0 : Math.max(0, Number(params.timeout ?? 0) || 0);
      poll?.terminate(POLL_CONFLICT);
      const ready = pendingUpdates(limit);
      if (ready.length > 0 || timeoutS === 0 || closed) return ready;
      return new Promise<Update[]>((resolve, reject) => {
        const finish = (): void => {
          clearTimeout(timer);
          response?.off('close', current.wake);
          if (poll === current) poll = undefined;
        };
        const current: Poll = {
          wake: () => {
            finish();
            resolve(pendingUpdates(limit));
          },
          terminate: (description) => {
            finish();
            reject(new ApiRefusal(409, description));
          },
        };
        const timer = setTimeout(current.wake, timeoutS * 1000);
        response?.on('close', current.wake);
        poll = current;
      });
    },

    setWebhook: (params) => {
      const url = typeof params.url === 'string' ? params.url : '';
      if (params.drop_pending_updates === true) queue = [];
      if (url === '') {
        webhook = undefined;
        stopWebhookDelivery();
        return true;
      }
      if (!/^https?:\/\//.test(url)) throw badRequest('bad webhook: An HTTPS URL must be provided for webhook');
      const secret = params.secret_token;
      if (secret !== undefined && (typeof secret !== 'string' || !/^[A-Za-z0-9_-]{1,256}$/.test(secret))) {
        throw badRequest('secret token contains unallowed characters');
      }
      webhook = {
        url,
        maxConnections: Number(params.max_connections ?? 40),
        ...(typeof secret === 'string' ? { secretToken: secret } : {}),
        ...(Array.isArray(params.allowed_updates) ? { allowedUpdates: params.allowed_updates.map(String) } : {}),
      };
      stopWebhookDelivery();
      poll?.terminate(WEBHOOK_CONFLICT);
      pumpWebhook();
      return true;
    },

    deleteWebhook: (params) => {
      if (params.drop_pending_updates === true) queue = [];
      webhook = undefined;
      stopWebhookDelivery();
      return true;
    },

    getWebhookInfo: () => ({
      url: webhook?.url ?? '',
      has_custom_certificate: false,
      pending_update_count: queue.length,
      ...(webhook === undefined ? {} : { max_connections: webhook.maxConnections, ip_address: '127.0.0.1' }),
      ...(webhook?.lastErrorDate === undefined ? {} : { last_error_date: webhook.lastErrorDate, last_error_message: webhook.lastErrorMessage }),
      ...(webhook?.allowedUpdates === undefined ? {} : { allowed_updates: webhook.allowedUpdates }),
    }),

    setMyCommands: (params) => {
      const list = params.commands;
      if (!Array.isArray(list) || list.length > 100) throw badRequest('commands must be an array of at most 100 BotCommand');
      for (const entry of list) {
        if (!isRecord(entry) || typeof entry.command !== 'string' || !/^[a-z0-9_]{1,32}$/.test(entry.command)) {
          throw badRequest('BOT_COMMAND_INVALID');
        }
        if (typeof entry.description !== 'string' || entry.description.length < 1 || entry.description.length > 256) {
          throw badRequest('command description is empty or too long');
        }
      }
      const key = commandsKey(params);
      if (list.length === 0) commands.delete(key);
      else
        commands.set(
          key,
          (list as { command: string; description: string }[]).map(({ command, description }) => ({ command, description })),
        );
      return true;
    },
    getMyCommands: (params) => commands.get(commandsKey(params)) ?? [],
    deleteMyCommands: (params) => {
      commands.delete(commandsKey(params));
      return true;
    },

    sendMessage: (params) => {
      const chatId = chatIdOf(params);
      return sendNew(chatId, 'sendMessage', params, { text: messageTextOf(params) });
    },

    sendPhoto: (params, uploads) => {
      const chatId = chatIdOf(params);
      const caption = captionOf(params);
      const photoFile = resolvePhoto(params.photo, uploads);
      return sendNew(chatId, 'sendPhoto', params, { photoFile, ...(caption === undefined ? {} : { caption }) });
    },

    sendChatAction: (params) => {
      chatIdOf(params);
      if (typeof params.action !== 'string' || !CHAT_ACTIONS.has(params.action)) throw badRequest('wrong parameter action in request');
      return true;
    },

    editMessageText: (params) => {
      const stored = editTarget(params);
      if (stored.fake.text === undefined) throw badRequest('there is no text in the message to edit');
      return applyEdit(stored, 'editMessageText', { text: messageTextOf(params), markup: params.reply_markup });
    },

    editMessageCaption: (params) => {
      const stored = editTarget(params);
      if (stored.photoFile === undefined) throw badRequest('there is no caption in the message to edit');
      const edited = applyEdit(stored, 'editMessageCaption', {
        caption: captionOf(params),
        photoFile: stored.photoFile,
        markup: params.reply_markup,
      });
      setEntities(stored.fake, params.caption_entities);
      return edited;
    },

    editMessageMedia: (params, uploads) => {
      const stored = editTarget(params);
      if (stored.photoFile === undefined) throw badRequest('there is no media in the message to edit');
      const media = params.media;
      if (!isRecord(media)) throw badRequest("can't parse InputMedia JSON object");
      if (media.type !== 'photo') throw badRequest(`the fake only supports InputMediaPhoto, got ${String(media.type)}`);
      const photoFile = resolvePhoto(media.media, uploads);
      const edited = applyEdit(stored, 'editMessageMedia', { caption: captionOf(media), photoFile, markup: params.reply_markup });
      setEntities(stored.fake, media.caption_entities);
      return edited;
    },

    editMessageReplyMarkup: (params) => {
      const stored = editTarget(params);
      const { text, caption } = stored.fake;
      return applyEdit(stored, 'editMessageReplyMarkup', {
        ...(text === undefined ? {} : { text }),
        ...(caption === undefined ? {} : { caption }),
        ...(stored.photoFile === undefined ? {} : { photoFile: stored.photoFile }),
        markup: params.reply_markup,
      });
    },

    deleteMessage: (params) => {
      const chatId = chatIdOf(params);
      const stored = chats.get(chatId)?.messages.get(Number(params.message_id));
      if (stored === undefined || stored.fake.deleted) throw badRequest('message to delete not found');
      if (stored.fake.from === 'user' && stored.chat.type !== 'private') throw badRequest("message can't be deleted");
      stored.fake.deleted = true;
      stored.fake.history.push({ method: 'deleteMessage', at: Date.now() });
      return true;
    },

    answerCallbackQuery: (params) => {
      const query = callbackQueries.get(String(params.callback_query_id));
      if (query === undefined || query.answered) throw badRequest(QUERY_INVALID.slice('Bad Request: '.length));
      query.answered = true;
      if (typeof params.text === 'string') query.text = params.text;
      if (params.show_alert === true) query.showAlert = true;
      return true;
    },
  };
  const canonicalMethod = new Map(Object.keys(handlers).map((name) => [name.toLowerCase(), name]));

  const execute = async (method: string, params: Record<string, unknown>, uploads: Map<string, Buffer>, at: number, response?: ServerResponse) => {
    const handler = handlers[method];
    let answer: { status: number; body: object };
    try {
      if (handler === undefined) throw new ApiRefusal(404, 'Not Found');
      answer = { status: 200, body: { ok: true, result: await handler(params, uploads, response) } };
    } catch (error) {
      if (!(error instanceof ApiRefusal)) throw error;
      answer = { status: error.errorCode, body: refusalBody(error) };
    }
    calls.push({ method, params: summarizeFiles(params, uploads), at, ok: answer.status === 200 });
    notify();
    return answer;
  };

  const takeFailure = (method: string): FakeFailure | undefined => {
    const scripted = failures.get(method);
    const failure = scripted?.shift();
    if (scripted !== undefined && scripted.length === 0) failures.delete(method);
    return failure;
  };

  const handleRequest = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const at = Date.now();
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const route = /^\/bot([^/]+)\/([A-Za-z]+)\/?$/.exec(url.pathname);
    let body: RequestBody;
    try {
      body = await readBody(request, url);
    } catch {
      return reply(response, 400, { ok: false, error_code: 400, description: "Bad Request: can't parse request body" });
    }
    if (route === null) return reply(response, 404, { ok: false, error_code: 404, description: 'Not Found' });
    const [, requestToken = '', rawMethod = ''] = route;
    const method = canonicalMethod.get(rawMethod.toLowerCase()) ?? rawMethod;
    if (requestToken !== token) {
      calls.push({ method, params: summarizeFiles(body.params, body.files), at, ok: false });
      notify();
      return reply(response, 401, { ok: false, error_code: 401, description: 'Unauthorized' });
    }
    const failure = takeFailure(method);
    if (failure !== undefined) {
      calls.push({ method, params: summarizeFiles(body.params, body.files), at, ok: false });
      notify();
      if (failure === 'reset') {
        request.socket.destroy();
        return;
      }
      if (failure.description === undefined) return reply(response, failure.errorCode, { ok: false, error_code: failure.errorCode });
      const refusal = new ApiRefusal(
        failure.errorCode,
        failure.description,
        failure.retryAfter === undefined ? undefined : { retry_after: failure.retryAfter },
      );
      return reply(response, failure.errorCode, refusalBody(refusal));
    }
    const execution = execute(method, body.params, body.files, at, response);
    inFlight.add(execution);
    try {
      const answer = await execution;
      reply(response, answer.status, answer.body);
    } finally {
      inFlight.delete(execution);
    }
  };

  const server = createServer((request, response) => {
    handleRequest(request, response).catch((error: unknown) => {
      reply(response, 500, { ok: false, error_code: 500, description: `Internal Server Error: fake Telegram failed: ${String(error)}` });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;

  const recentCalls = (): string => {
    const shown = calls.filter((call) => call.method !== 'getUpdates').slice(-8);
    if (shown.length === 0) return '  (no calls besides getUpdates)';
    return shown
      .map(
        (call) =>
          `  +${call.at - startedAt}ms ${call.method} ${call.ok ? 'ok' : 'FAILED'} ${truncate(JSON.stringify(call.params, hideSecrets), 200)}`,
      )
      .join('\n');
  };

  return {
    apiRoot: `http://127.0.0.1:${port}`,
    token,
    botInfo,
    calls,

    sendText(input) {
      const chatType = input.chatType ?? 'private';
      const chatId = input.chatId ?? defaultChatId(input.userId, chatType);
      if (chatType === 'private' && chatId !== input.userId) throw new Error('fake Telegram: a private chat id equals the user id');
      if (chatType !== 'private' && chatId >= 0) throw new Error('fake Telegram: group and supergroup chat ids are negative');
      const from = userFor(input.userId, input.firstName, {
        ...(input.username !== undefined ? { username: input.username } : {}),
        ...(input.languageCode !== undefined ? { languageCode: input.languageCode } : {}),
      });
      const state = chatState(chatId);
      state.chat =
        chatType === 'private'
          ? { id: chatId, type: 'private', first_name: from.first_name }
          : { id: chatId, type: chatType, title: chatType === 'group' ? 'Test group' : 'Test supergroup' };
      state.lastMessageId += 1;
      const now = Date.now();
      const fake: FakeMessage = {
        chatId,
        messageId: state.lastMessageId,
        from: 'user',
        text: input.text,
        edits: 0,
        deleted: false,
        history: [{ method: 'sendText', at: now }],
      };
      if (input.replyTo !== undefined) fake.replyTo = input.replyTo;
      const entities = commandEntities(input.text);
      const stored = storeMessage(state, { fake, date: Math.floor(now / 1000), sender: from, ...(entities.length > 0 ? { entities } : {}) });
      const updateId = enqueue({ update_id: nextUpdateId++, message: toMessage(stored) } as Update);
      return { updateId, messageId: fake.messageId };
    },

    answerOf(callbackQueryId) {
      const query = callbackQueries.get(callbackQueryId);
      if (query === undefined || !query.answered) return undefined;
      return { ...(query.text !== undefined ? { text: query.text } : {}), ...(query.showAlert ? { showAlert: true } : {}) };
    },

    pressButton(input) {
      const stored = chats.get(input.chatId)?.messages.get(input.messageId);
      if (stored === undefined) throw new Error(`fake Telegram: no message ${input.messageId} in chat ${input.chatId} to press a button on`);
      const callbackQueryId = String(4_000_000_000 + nextCallbackNumber++);
      callbackQueries.set(callbackQueryId, { answered: false });
      const message = stored.fake.deleted ? { chat: stored.chat, message_id: input.messageId, date: 0 } : toMessage(stored);
      const update = {
        update_id: nextUpdateId++,
        callback_query: { id: callbackQueryId, from: userFor(input.userId), message, chat_instance: String(-input.chatId), data: input.data },
      };
      return { updateId: enqueue(update), callbackQueryId };
    },

    pendingUpdates: () => queue.length,
    pushUpdate(update) {
      const record = update as Record<string, unknown>;
      if (typeof record.update_id === 'number') nextUpdateId = Math.max(nextUpdateId, record.update_id + 1);
      return enqueue((typeof record.update_id === 'number' ? update : { ...update, update_id: nextUpdateId++ }) as Update);
    },

    callsTo: (method) => calls.filter((call) => call.method === method),

    messages: (chatId) => [...(chats.get(chatId)?.messages.values() ?? [])].map((stored) => stored.fake).filter((fake) => fake.from === 'bot'),

    message: (chatId, messageId) => chats.get(chatId)?.messages.get(messageId)?.fake,

    waitFor<T>(check: () => T | undefined | false, waitOptions: { timeoutMs?: number; description?: string } = {}): Promise<T> {
      const timeoutMs = waitOptions.timeoutMs ?? 5000;
      const description = waitOptions.description ?? 'condition';
      return new Promise<T>((resolve, reject) => {
        let lastError: unknown;
        const settle = (): void => {
          clearTimeout(timer);
          clearInterval(interval);
          checks.delete(attempt);
          checks.delete(onClose);
        };
        const attempt = (): void => {
          try {
            const value = check();
            if (value !== undefined && value !== null && value !== false) {
              settle();
              resolve(value);
            }
          } catch (error) {
            lastError = error;
          }
        };
        const onClose = (): void => {
          if (!closed) return;
          settle();
          reject(new Error(`fake Telegram closed while waiting for: ${description}`));
        };
        const timer = setTimeout(() => {
          settle();
          const cause =
            lastError === undefined ? '' : `\nlast check error: ${lastError instanceof Error ? lastError.message : JSON.stringify(lastError)}`;
          reject(new Error(`timed out after ${timeoutMs} ms waiting for: ${description}${cause}\nrecent Bot API calls:\n${recentCalls()}`));
        }, timeoutMs);
        const interval = setInterval(attempt, 20);
        checks.add(attempt);
        checks.add(onClose);
        attempt();
        onClose();
      });
    },

    failNext(method, failure, count = 1) {
      const scripted = failures.get(method) ?? [];
      for (let index = 0; index < count; index += 1) scripted.push(failure);
      failures.set(method, scripted);
    },

    deleteByUser(chatId, messageId) {
      const stored = chats.get(chatId)?.messages.get(messageId);
      if (stored === undefined) throw new Error(`fake Telegram: no message ${messageId} in chat ${chatId} to delete`);
      stored.fake.deleted = true;
      stored.fake.history.push({ method: 'deleteByUser', at: Date.now() });
      notify();
    },

    blockBy(chatId) {
      blocked.add(chatId);
    },

    async close() {
      if (closed) return;
      closed = true;
      poll?.wake();
      stopWebhookDelivery();
      delivery?.abort();
      await delivery?.done;
      await Promise.allSettled([...inFlight]);
      notify();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

// ---- pure helpers

function badRequest(detail: string): ApiRefusal {
  return new ApiRefusal(400, `Bad Request: ${detail}`);
}

function refusalBody(refusal: ApiRefusal): object {
  return {
    ok: false,
    error_code: refusal.errorCode,
    description: refusal.description,
    ...(refusal.parameters === undefined ? {} : { parameters: refusal.parameters }),
  };
}

function reply(response: ServerResponse, status: number, body: object): void {
  if (response.writableEnded || response.destroyed) return;
  const text = JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  response.end(text);
}

function parseText(text: string, parseMode: unknown): string {
  try {
    return visibleText(text, parseMode);
  } catch (error) {
    if (error instanceof EntityParseError) throw badRequest(`can't parse entities: ${error.message}`);
    throw error;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function setOptional<K extends 'text' | 'caption' | 'replyMarkup'>(target: FakeMessage, key: K, value: FakeMessage[K] | undefined): void {
  if (value === undefined) delete target[key];
  else target[key] = value;
}

function setEntities(fake: FakeMessage, entities: unknown): void {
  if (Array.isArray(entities)) fake.captionEntities = entities as FakeMessage['captionEntities'];
  else delete fake.captionEntities;
}

function inlineKeyboard(markup: unknown): InlineKeyboardMarkup | undefined {
  if (!isRecord(markup) || !Array.isArray(markup.inline_keyboard)) return undefined;
  for (const row of markup.inline_keyboard) {
    if (!Array.isArray(row)) throw badRequest("can't parse inline keyboard button: InlineKeyboardButton row must be an array");
    for (const button of row) {
      if (!isRecord(button) || typeof button.text !== 'string') throw badRequest("can't parse inline keyboard button: Text must be a string");
      if (typeof button.callback_data === 'string' && Buffer.byteLength(button.callback_data) > 64) throw badRequest('BUTTON_DATA_INVALID');
    }
  }
  return markup as unknown as InlineKeyboardMarkup;
}

function samePhoto(next: PhotoFile | undefined, current: PhotoFile | undefined): boolean {
  if (next === undefined || current === undefined) return next === current;
  return next.fileId === current.fileId || next.bytes.equals(current.bytes);
}

function canonicalJson(value: unknown): string {
  return (
    JSON.stringify(value, (_key, inner: unknown) =>
      isRecord(inner) ? Object.fromEntries(Object.entries(inner).sort(([a], [b]) => (a < b ? -1 : 1))) : inner,
    ) ?? 'undefined'
  );
}

function photoSize(file: PhotoFile): PhotoSize {
  return { file_id: file.fileId, file_unique_id: file.fileUniqueId, width: file.width, height: file.height, file_size: file.bytes.length };
}

/** PNG size from its header; other formats Telegram accepts get a nominal 512x512; not an image -> undefined. */
function imageSize(bytes: Buffer): { width: number; height: number } | undefined {
  if (bytes.length >= 24 && bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) {
    return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
  }
  const isJpeg = bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff;
  const isWebp = bytes.subarray(0, 4).toString('latin1') === 'RIFF' && bytes.subarray(8, 12).toString('latin1') === 'WEBP';
  const isGif = bytes.subarray(0, 4).toString('latin1') === 'GIF8';
  return isJpeg || isWebp || isGif ? { width: 512, height: 512 } : undefined;
}

function fitInto(size: { width: number; height: number }, longest: number): { width: number; height: number } {
  const scale = Math.min(1, longest / Math.max(size.width, size.height, 1));
  return { width: Math.max(1, Math.round(size.width * scale)), height: Math.max(1, Math.round(size.height * scale)) };
}

function inferChat(chatId: number): Chat {
  if (chatId > 0) return { id: chatId, type: 'private', first_name: `User ${chatId}` };
  if (chatId <= -1_000_000_000_000) return { id: chatId, type: 'supergroup', title: 'Test supergroup' };
  return { id: chatId, type: 'group', title: 'Test group' };
}

function defaultChatId(userId: number, chatType: 'private' | 'group' | 'supergroup'): number {
  if (chatType === 'private') return userId;
  return chatType === 'group' ? -userId : -(1_000_000_000_000 + userId);
}

function commandEntities(text: string): Array<{ type: 'bot_command'; offset: number; length: number }> {
  const entities: Array<{ type: 'bot_command'; offset: number; length: number }> = [];
  for (const match of text.matchAll(/(^|\s)(\/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?)(?=$|\s)/g)) {
    entities.push({ type: 'bot_command', offset: (match.index ?? 0) + (match[1]?.length ?? 0), length: match[2]?.length ?? 0 });
  }
  return entities;
}

function commandsKey(params: Record<string, unknown>): string {
  const scope = isRecord(params.scope) ? params.scope : { type: 'default' };
  return JSON.stringify([scope.type, scope.chat_id ?? '', scope.user_id ?? '', params.language_code ?? '']);
}

function summarizeFiles(params: Record<string, unknown>, uploads: Map<string, Buffer>): Record<string, unknown> {
  const visit = (value: unknown): unknown => {
    if (typeof value === 'string' && value.startsWith('attach://')) {
      const bytes = uploads.get(value.slice('attach://'.length));
      return bytes === undefined ? value : { file: bytes.length };
    }
    if (Array.isArray(value)) return value.map(visit);
    if (isRecord(value)) return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, visit(inner)]));
    return value;
  };
  return visit(params) as Record<string, unknown>;
}

function hideSecrets(key: string, value: unknown): unknown {
  return key === 'secret_token' && typeof value === 'string' ? '***' : value;
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

async function readBody(request: IncomingMessage, url: URL): Promise<RequestBody> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > MAX_BODY_BYTES) throw new Error('request body too large');
    chunks.push(buffer);
  }
  const raw = Buffer.concat(chunks);
  const params: Record<string, unknown> = {};
  const uploads = new Map<string, Buffer>();
  for (const [key, value] of url.searchParams) params[key] = coerceField(key, value);
  const contentType = request.headers['content-type'] ?? '';
  const boundary = multipartBoundary(contentType);
  if (boundary !== undefined) {
    for (const part of parseMultipart(raw, boundary)) {
      if (part.filename === undefined) {
        params[part.name] = coerceField(part.name, part.data.toString('utf8'));
      } else {
        uploads.set(part.name, part.data);
        // A plain file field (not referenced through attach://) stands for itself.
        if (!(part.name in params)) params[part.name] = `attach://${part.name}`;
      }
    }
    for (const name of uploads.keys()) {
      if (params[name] === `attach://${name}` && isReferencedElsewhere(params, name)) delete params[name];
    }
  } else if (/application\/x-www-form-urlencoded/i.test(contentType)) {
    for (const [key, value] of new URLSearchParams(raw.toString('utf8'))) params[key] = coerceField(key, value);
  } else if (raw.length > 0) {
    const parsed: unknown = JSON.parse(raw.toString('utf8'));
    if (!isRecord(parsed)) throw new Error('JSON body is not an object');
    Object.assign(params, parsed);
  }
  return { params, files: uploads };
}

function isReferencedElsewhere(params: Record<string, unknown>, name: string): boolean {
  const reference = `attach://${name}`;
  return Object.entries(params).some(([key, value]) => key !== name && JSON.stringify(value)?.includes(reference) === true);
}

function coerceField(key: string, value: string): unknown {
  if (JSON_FIELDS.has(key)) {
    try {
      return JSON.parse(value);
    } catch {
      return value;
    }
  }
  if (NUMBER_FIELDS.has(key) && /^-?\d+$/.test(value)) return Number(value);
  if (BOOLEAN_FIELDS.has(key) && (value === 'true' || value === 'false')) return value === 'true';
  return value;
}

function postJson(
  target: string,
  body: string,
  headers: Record<string, string>,
): { result: Promise<{ error?: string; body: string }>; abort(): void } {
  const url = new URL(target);
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  let abort = (): void => {};
  const result = new Promise<{ error?: string; body: string }>((resolve) => {
    const request = send(
      url,
      { method: 'POST', agent: false, headers: { ...headers, 'content-length': Buffer.byteLength(body), connection: 'close' } },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('error', (error) => resolve({ error: error.message, body: '' }));
        response.on('end', () => {
          const status = response.statusCode ?? 0;
          const text = Buffer.concat(chunks).toString('utf8');
          resolve(
            status >= 200 && status < 300
              ? { body: text }
              : { error: `Wrong response from the webhook: ${status} ${response.statusMessage ?? ''}`.trim(), body: '' },
          );
        });
      },
    );
    request.setTimeout(WEBHOOK_TIMEOUT_MS, () => request.destroy(new Error('Read timeout expired')));
    request.on('error', (error: NodeJS.ErrnoException) =>
      resolve({ error: error.code === 'ECONNREFUSED' ? 'Connection refused' : error.message, body: '' }),
    );
    abort = () => request.destroy(new Error('fake Telegram closed'));
    request.end(body);
  });
  return { result, abort };
}
