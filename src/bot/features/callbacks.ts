import { Composer } from 'grammy';
import { audit, deny } from '../access.js';
import { parseSessionId } from '../args.js';
import type { BotContext } from '../context.js';
import { liveMessageOfPress } from '../press.js';
import { WasendNotReadyError } from '../../wasend/errors.js';
import type { RequestOptions } from '../../wasend/types.js';
import { outcomeReply } from './qr.js';
import { describeWasendFailure } from '../wasend-failure.js';
import { openQr, outcomeName, PICK_PREFIX } from './qr.js';
import { refusedSessionText } from '../suggest.js';

/**
 * Buttons. The session a QR message belongs to is read from the store, never from the callback data, and the
 * presser's access to it is checked on every press. Every press is answered.
 */
export const callbacksFeature = new Composer<BotContext>();

callbacksFeature.callbackQuery(/^qr:(refresh|cancel|new)$/, async (ctx) => {
  const action = ctx.match[1];
  const chatId = ctx.chat?.id;
  const messageId = ctx.callbackQuery.message?.message_id;
  const live = await liveMessageOfPress(ctx);
  if (chatId === undefined || messageId === undefined || live === undefined) {
    return void (await ctx.answerCallbackQuery({ text: ctx.t('press-inactive') }));
  }
  if (!(await ctx.access.canUse(live.sessionId))) return deny(ctx, `button qr:${action ?? ''}`, ctx.t('refused-session'), live.sessionId);
  const { liveQr } = ctx.deps;
  if (action !== 'cancel' && !(await ctx.allowRequest())) return;
  switch (action) {
    case 'refresh': {
      const changed = await liveQr.refresh(chatId, messageId);
      await ctx.answerCallbackQuery({ text: ctx.t(changed ? 'press-refresh-new' : 'press-refresh-same') });
      return;
    }
    case 'cancel': {
      const cancelled = await liveQr.cancel(chatId, messageId);
      await audit(ctx, 'qr.cancel', cancelled ? 'ok' : 'not_live', { sessionId: live.sessionId });
      await ctx.answerCallbackQuery({ text: ctx.t(cancelled ? 'press-cancelled' : 'press-not-live') });
      return;
    }
    case 'new': {
      await ctx.answerCallbackQuery({ text: ctx.t('press-getting-new') });
      const outcome = await liveQr.renew(chatId, messageId, ctx.access.userId);
      await audit(ctx, 'qr', outcomeName(outcome), { sessionId: live.sessionId, detail: 'renew' });
      const text = await outcomeReply(ctx, outcome, live.sessionId);
      if (text !== undefined) await ctx.reply(text);
      return;
    }
  }
});

// WhatsApp's passkey confirmation: the person compares the code on the phone with the one in the message.
callbacksFeature.callbackQuery(/^pk:(yes|no)$/, async (ctx) => {
  const chatId = ctx.chat?.id;
  const messageId = ctx.callbackQuery.message?.message_id;
  const live = await liveMessageOfPress(ctx);
  if (chatId === undefined || messageId === undefined || live === undefined || live.state !== 'showing') {
    return void (await ctx.answerCallbackQuery({ text: ctx.t('press-inactive') }));
  }
  const { sessionId } = live;
  if (!(await ctx.access.canUse(sessionId))) return deny(ctx, `button pk:${ctx.match[1] ?? ''}`, ctx.t('refused-session'), sessionId);
  if (!(await ctx.allowRequest())) return;
  const { wasend, liveQr } = ctx.deps;
  const options = { lane: 'person' as const, fairKey: String(ctx.access.userId) };
  // The buttons act only while WhatsApp asks for this confirmation now (asked of the gateway at the press): a
  // forged or old pk:no on a plain QR message must not stop the session, nor pk:yes confirm anything.
  const step = await passkeyStepNow(ctx, sessionId, options);
  if (step !== 'asking') {
    await audit(ctx, ctx.match[1] === 'yes' ? 'passkey.confirm' : 'passkey.reject', step === 'unknown' ? 'error' : 'not_asked', { sessionId });
    const text = step === 'unknown' ? ctx.t('passkey-step-unknown') : ctx.t('passkey-gone');
    return void (await ctx.answerCallbackQuery({ text, show_alert: true }));
  }
  if (ctx.match[1] === 'yes') {
    try {
      await wasend.confirmPasskey(sessionId, options);
    } catch (error) {
      await audit(ctx, 'passkey.confirm', 'error', { sessionId });
      const stale = error instanceof WasendNotReadyError;
      const text = stale ? ctx.t('passkey-gone') : ctx.t('passkey-confirm-failed', { reason: describeWasendFailure(error, ctx.t) });
      return void (await ctx.answerCallbackQuery({ text, show_alert: true }));
    }
    await audit(ctx, 'passkey.confirm', 'ok', { sessionId });
    await ctx.answerCallbackQuery({ text: ctx.t('passkey-confirmed') });
    liveQr.poke(sessionId);
    return;
  }
  // A code that does not match means someone else's device is asking to link: stop the session.
  try {
    await wasend.stopSession(sessionId, options);
  } catch (error) {
    await audit(ctx, 'passkey.reject', 'error', { sessionId });
    return void (await ctx.answerCallbackQuery({
      text: ctx.t('passkey-stop-failed', { id: sessionId, reason: describeWasendFailure(error, ctx.t) }),
      show_alert: true,
    }));
  }
  await audit(ctx, 'passkey.reject', 'ok', { sessionId });
  await ctx.answerCallbackQuery({ text: ctx.t('passkey-stopped-short', { id: sessionId }) });
  await liveQr.cancel(chatId, messageId);
  liveQr.poke(sessionId, 'stopped');
  await ctx.reply(ctx.t('passkey-rejected', { id: sessionId }));
});

/** Whether the gateway is asking for a passkey confirmation for the session now ('unknown' when it cannot say). */
async function passkeyStepNow(ctx: BotContext, sessionId: string, options: RequestOptions): Promise<'asking' | 'not_asking' | 'unknown'> {
  try {
    const session = await ctx.deps.wasend.getSession(sessionId, options);
    return session.status.state === 'passkey_confirmation' ? 'asking' : 'not_asking';
  } catch (error) {
    ctx.log.warn({ err: error, sessionId }, 'could not ask the gateway about a passkey step');
    return 'unknown';
  }
}

callbacksFeature.callbackQuery(/^qr:pick:/, async (ctx) => {
  const sessionId = parseSessionId(ctx.callbackQuery.data.slice(PICK_PREFIX.length));
  if (sessionId === undefined) return void (await ctx.answerCallbackQuery());
  if (ctx.chat?.type !== 'private') return deny(ctx, 'button qr:pick in a group', ctx.t('qr-only-private'), sessionId);
  if (!(await ctx.access.canUse(sessionId))) return deny(ctx, 'button qr:pick', await refusedSessionText(ctx, sessionId), sessionId);
  if (!(await ctx.allowRequest())) return;
  await ctx.answerCallbackQuery({ text: ctx.t('press-getting-qr', { session: ctx.deps.names.label(sessionId) }) });
  await ctx.editMessageReplyMarkup({ reply_markup: undefined }).catch(() => undefined);
  await openQr(ctx, sessionId);
});

callbacksFeature.on('callback_query', (ctx) => ctx.answerCallbackQuery());
