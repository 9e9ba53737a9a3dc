import { Composer, InlineKeyboard } from 'grammy';
import type { OpenOutcome, PairingRequest } from '../../live/types.js';
import { maskPhone, parsePhone } from '../../shared/phone.js';
import { audit, deny } from '../access.js';
import { MAX_ARGS_LENGTH, parseSessionId } from '../args.js';
import { fitsCallbackData } from '../../shared/callback-data.js';
import { keepChatAction } from '../chat-action.js';
import type { BotContext } from '../context.js';
import { liveMessageOfPress } from '../press.js';
import { describeWasendFailure } from '../wasend-failure.js';
import { outcomeName, outcomeReply } from './qr.js';
import { refusedSessionText } from '../suggest.js';

/** How long a "reply with the phone number" prompt waits for its answer. */
const PROMPT_TTL_MS = 10 * 60_000;

/**
 * A forced-reply question waiting for a phone number, one per person and chat (the latest): for a live message
 * (`messageId`) or a new one. `questionId` is the question's message, once Telegram said which it is.
 */
interface PhonePrompt {
  readonly sessionId: string;
  readonly messageId?: number;
  readonly questionId?: number;
}

/** The key of a person's phone prompt in a chat, in the store's pending actions (any instance reads the answer). */
const promptKey = (chatId: number, userId: number) => `phone:${chatId}:${userId}`;

function readPrompt(payload: string): PhonePrompt | undefined {
  const value = JSON.parse(payload) as Partial<PhonePrompt>;
  const sessionId = parseSessionId(value.sessionId);
  if (sessionId === undefined) return undefined;
  const number = (n: unknown) => (typeof n === 'number' && Number.isSafeInteger(n) ? n : undefined);
  const messageId = number(value.messageId);
  const questionId = number(value.questionId);
  return { sessionId, ...(messageId !== undefined ? { messageId } : {}), ...(questionId !== undefined ? { questionId } : {}) };
}

/**
 * Linking with a phone number instead of the QR: `/pair <session> <phone>`, the "Phone number instead" button of a
 * live QR message (the number Wasend holds, masked, with a confirm button; otherwise a forced reply asking for it),
 * "New code" and "Show QR" on a pairing message, and "Phone number instead" after `/new`. Private chats only: a
 * pairing code is a key to the WhatsApp account, like the QR. Access is checked again on every press.
 */
export function createPairingFeature(): Composer<BotContext> {
  const feature = new Composer<BotContext>();
  feature.chatType(['group', 'supergroup']).command('pair', (ctx) => deny(ctx, '/pair in a group', ctx.t('qr-only-private')));
  const dm = feature.chatType('private');

  dm.command('pair', async (ctx) => {
    const text = ctx.match.trim();
    const [first, ...rest] = text.split(/\s+/);
    if (text.length > MAX_ARGS_LENGTH || first === undefined || first === '' || rest.length === 0) return void (await ctx.reply(ctx.t('usage-pair')));
    const sessionId = parseSessionId(first);
    if (sessionId === undefined) return void (await ctx.reply(ctx.t('usage-pair')));
    const phone = parsePhone(rest.join(' '));
    if (phone === undefined) return void (await ctx.reply(ctx.t('phone-format')));
    if (!(await ctx.access.canUse(sessionId))) return deny(ctx, '/pair', await refusedSessionText(ctx, sessionId), sessionId);
    if (!(await ctx.allowRequest())) return;
    await pair(ctx, sessionId, { phone });
  });

  // "Phone number instead" on a live QR message.
  dm.callbackQuery('qr:phone', async (ctx) => {
    const live = await liveMessageOfPress(ctx);
    if (live === undefined) return void (await ctx.answerCallbackQuery({ text: ctx.t('press-inactive') }));
    if (!(await ctx.access.canUse(live.sessionId))) return deny(ctx, 'button qr:phone', ctx.t('refused-session'), live.sessionId);
    if (!(await ctx.allowRequest())) return;
    await ctx.answerCallbackQuery();
    await offerNumber(ctx, live.sessionId, live.messageId);
  });

  // After /new: "Phone number instead" for a session that has no live message yet.
  dm.callbackQuery(/^pn:s:(.+)$/, async (ctx) => {
    const sessionId = parseSessionId(ctx.match[1]);
    if (sessionId === undefined) return void (await ctx.answerCallbackQuery());
    if (!(await ctx.access.canUse(sessionId))) return deny(ctx, 'button pn:s', ctx.t('refused-session'), sessionId);
    if (!(await ctx.allowRequest())) return;
    await ctx.answerCallbackQuery();
    await offerNumber(ctx, sessionId);
  });

  // The confirm buttons under "Send a pairing code to +55 •• ••••-4321?".
  dm.callbackQuery(/^pn:(ok|ask):(\d{1,12})$/, async (ctx) => {
    const messageId = Number(ctx.match[2]);
    const live = await liveMessageOfPress(ctx, messageId);
    if (live === undefined) return void (await ctx.answerCallbackQuery({ text: ctx.t('pair-message-gone') }));
    if (!(await ctx.access.canUse(live.sessionId))) return deny(ctx, `button pn:${ctx.match[1] ?? ''}`, ctx.t('refused-session'), live.sessionId);
    await ctx.answerCallbackQuery();
    const session = ctx.deps.names.label(live.sessionId);
    // The question turns into what was done (its buttons go with it).
    const settle = (text: string) =>
      ctx.editMessageText(text).catch(() => ctx.editMessageReplyMarkup({ reply_markup: undefined }).catch(() => undefined));
    if (ctx.match[1] === 'ask') {
      await settle(ctx.t('pair-offer-other', { session }));
      return askForNumber(ctx, live.sessionId, messageId);
    }
    if (!(await ctx.allowRequest())) return;
    // The number is read again now: it may have changed since the question was asked.
    const phone = await storedNumber(ctx, live.sessionId);
    if (phone === undefined) {
      await settle(ctx.t('pair-offer-other', { session }));
      return askForNumber(ctx, live.sessionId, messageId);
    }
    await settle(ctx.t('pair-offer-sent', { session, phone: maskPhone(phone) }));
    await pair(ctx, live.sessionId, { phone }, messageId);
  });

  // "New code" on a pairing message that lapsed, and "Show QR" on one that is live.
  dm.callbackQuery(/^qr:(newcode|showqr)$/, async (ctx) => {
    const live = await liveMessageOfPress(ctx);
    if (live === undefined) return void (await ctx.answerCallbackQuery({ text: ctx.t('press-inactive') }));
    if (!(await ctx.access.canUse(live.sessionId))) return deny(ctx, `button qr:${ctx.match[1] ?? ''}`, ctx.t('refused-session'), live.sessionId);
    if (!(await ctx.allowRequest())) return;
    if (ctx.match[1] === 'showqr') {
      await ctx.answerCallbackQuery({ text: ctx.t('press-showing-qr') });
      const outcome = await ctx.deps.liveQr.renew(live.chatId, live.messageId, ctx.access.userId);
      await audit(ctx, 'qr', outcomeName(outcome), { sessionId: live.sessionId, detail: 'from pairing code' });
      const text = await outcomeReply(ctx, outcome, live.sessionId);
      if (text !== undefined) await ctx.reply(text);
      return;
    }
    const phone = live.pairing?.phone;
    if (phone === undefined) {
      await ctx.answerCallbackQuery();
      return askForNumber(ctx, live.sessionId, live.messageId);
    }
    await ctx.answerCallbackQuery({ text: ctx.t('press-asking-code') });
    await pair(ctx, live.sessionId, { phone }, live.messageId);
  });

  // The answer to a "reply with the phone number" prompt.
  dm.on('message:text', async (ctx, next) => {
    const repliedTo = ctx.message.reply_to_message?.message_id;
    if (repliedTo === undefined) return next();
    const key = promptKey(ctx.chat.id, ctx.access.userId);
    const { pendingActions } = ctx.deps.store;
    const asked = await pendingActions.get(key);
    const prompt = asked === undefined ? undefined : readPrompt(asked.payload);
    // A quick answer may arrive before the question's id is known: any reply to the bot then counts.
    if (prompt === undefined || (prompt.questionId !== undefined && prompt.questionId !== repliedTo)) return next();
    const phone = parsePhone(ctx.message.text);
    if (phone === undefined) return void (await ctx.reply(`${ctx.t('phone-format')}\n${ctx.t('pair-reply-hint')}`));
    // One answer wins, whichever instance it reached.
    if ((await pendingActions.take(key)) === undefined) return next();
    if (!(await ctx.access.canUse(prompt.sessionId))) return deny(ctx, 'phone number reply', ctx.t('refused-session'), prompt.sessionId);
    if (!(await ctx.allowRequest())) return;
    await pair(ctx, prompt.sessionId, { phone }, prompt.messageId);
  });

  /** Offers the number Wasend holds for the session (masked, to confirm), or asks for one. */
  async function offerNumber(ctx: BotContext, sessionId: string, messageId?: number): Promise<void> {
    const phone = await storedNumber(ctx, sessionId);
    if (phone === undefined || messageId === undefined) {
      // After /new the admin typed the number a moment ago: no need to confirm it.
      if (phone !== undefined) return pair(ctx, sessionId, { phone });
      return askForNumber(ctx, sessionId, messageId);
    }
    const keyboard = new InlineKeyboard()
      .text(ctx.t('pair-button-send'), `pn:ok:${messageId}`)
      .text(ctx.t('pair-button-other'), `pn:ask:${messageId}`);
    await ctx.reply(ctx.t('pair-offer', { session: ctx.deps.names.label(sessionId), phone: maskPhone(phone) }), { reply_markup: keyboard });
  }

  /** The number Wasend holds for the session, when it is a usable one; failures read as none. */
  async function storedNumber(ctx: BotContext, sessionId: string): Promise<string | undefined> {
    try {
      const info = await ctx.deps.wasend.getSession(sessionId, { lane: 'person', fairKey: String(ctx.access.userId) });
      return info.phone === undefined ? undefined : parsePhone(info.phone);
    } catch (error) {
      ctx.log.info({ sessionId, reason: describeWasendFailure(error, ctx.t) }, 'could not read the number of a session');
      return undefined;
    }
  }

  async function askForNumber(ctx: BotContext, sessionId: string, messageId?: number): Promise<void> {
    const chatId = ctx.chat?.id;
    if (chatId === undefined) return;
    const userId = ctx.access.userId;
    const prompt: PhonePrompt = { sessionId, ...(messageId !== undefined ? { messageId } : {}) };
    const keep = (value: PhonePrompt) =>
      ctx.deps.store.pendingActions.put({
        key: promptKey(chatId, userId),
        userId,
        payload: JSON.stringify(value),
        expiresAt: Date.now() + PROMPT_TTL_MS,
      });
    await keep(prompt);
    const question = await ctx.reply(ctx.t('pair-ask', { session: ctx.deps.names.label(sessionId) }), {
      reply_markup: { force_reply: true, input_field_placeholder: '+55 11 98765-4321' },
    });
    await keep({ ...prompt, questionId: question.message_id });
  }

  return feature;
}

/** Whether `pn:s:<session id>` fits in Telegram's callback data. */
export function fitsPairButton(sessionId: string): boolean {
  return fitsCallbackData(`pn:s:${sessionId}`);
}

/**
 * Shows a pairing code: in the live message `messageId` when given (it turns from the QR into the code), else in a
 * new live message. Audited like a QR; the number appears in the audit only masked, the code nowhere.
 */
async function pair(ctx: BotContext, sessionId: string, pairing: PairingRequest, messageId?: number): Promise<void> {
  const chatId = ctx.chat?.id;
  if (chatId === undefined) return;
  const stopAction = keepChatAction(ctx, 'upload_photo');
  let outcome: OpenOutcome;
  // On record before the code shows: an /audit sent the moment it appears already lists it.
  let audited = false;
  const request: PairingRequest = {
    ...pairing,
    beforeShow: async () => {
      audited = true;
      await audit(ctx, 'pair', 'sent', { sessionId, detail: maskPhone(pairing.phone) });
    },
  };
  try {
    const { liveQr } = ctx.deps;
    const afterMessageId = ctx.msg?.message_id ?? ctx.callbackQuery?.message?.message_id;
    outcome =
      messageId !== undefined
        ? await liveQr.renew(chatId, messageId, ctx.access.userId, request)
        : await liveQr.open({
            chatId,
            userId: ctx.access.userId,
            sessionId,
            pairing: request,
            ...(afterMessageId !== undefined ? { afterMessageId } : {}),
          });
  } finally {
    stopAction();
  }
  if (!(audited && outcome.kind === 'sent')) await audit(ctx, 'pair', outcomeName(outcome), { sessionId, detail: maskPhone(pairing.phone) });
  ctx.log.info({ sessionId, outcome: outcomeName(outcome) }, 'pairing code requested');
  const text = await outcomeReply(ctx, outcome, sessionId);
  if (text !== undefined) await ctx.reply(text);
}
