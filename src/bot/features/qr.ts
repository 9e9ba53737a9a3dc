import { Composer, InlineKeyboard } from 'grammy';
import { clipLabel } from '../../shared/display-name.js';
import type { OpenOutcome } from '../../live/types.js';
import { audit, deny } from '../access.js';
import { parseSessionId, splitArgs } from '../args.js';
import { fitsCallbackData } from '../../shared/callback-data.js';
import { keepChatAction } from '../chat-action.js';
import type { BotContext } from '../context.js';
import { didYouMean, refusedSessionText } from '../suggest.js';
import { outcomeText } from '../texts.js';
import { describeWasendFailure } from '../wasend-failure.js';

export const PICK_PREFIX = 'qr:pick:';
const MAX_PICK_BUTTONS = 40;

/** `/qr [session]`: in private chats only; a group gets a pointer to the private chat and no photo. */
export const qrFeature = new Composer<BotContext>();
qrFeature.chatType(['group', 'supergroup']).command('qr', (ctx) => deny(ctx, '/qr in a group', ctx.t('qr-only-private')));
const dm = qrFeature.chatType('private');

dm.command('qr', async (ctx) => {
  const args = splitArgs(ctx.match);
  if (args === undefined || args.length > 1) return void (await ctx.reply(ctx.t('usage-qr')));
  if (!(await ctx.allowRequest())) return;
  if (args.length === 1) {
    const sessionId = parseSessionId(args[0]);
    if (sessionId === undefined) return void (await ctx.reply(ctx.t('usage-qr')));
    return openQr(ctx, sessionId);
  }
  let sessions: readonly string[];
  if (ctx.access.isAdmin) {
    try {
      sessions = (await ctx.deps.wasend.listSessions({ lane: 'person', fairKey: String(ctx.access.userId) })).map((s) => s.id);
    } catch (error) {
      return void (await ctx.reply(ctx.t('list-failed', { reason: describeWasendFailure(error, ctx.t) })));
    }
  } else {
    sessions = ctx.access.granted;
  }
  const only = sessions.length === 1 ? sessions[0] : undefined;
  if (only !== undefined) return openQr(ctx, only);
  if (sessions.length === 0) return void (await ctx.reply(ctx.t(ctx.access.isAdmin ? 'no-sessions-on-wasend' : 'no-sessions')));
  const keyboard = new InlineKeyboard();
  let shown = 0;
  for (const sessionId of sessions) {
    const data = PICK_PREFIX + sessionId;
    if (!fitsCallbackData(data) || shown >= MAX_PICK_BUTTONS) continue;
    keyboard.text(clipLabel(ctx.deps.names.nameOf(sessionId) ?? sessionId, 32), data);
    if (++shown % 2 === 0) keyboard.row();
  }
  const hidden = sessions.length - shown;
  const more = hidden > 0 ? `\n${ctx.t('pick-more', { count: hidden })}` : '';
  await ctx.reply(`${ctx.t('pick-session')}${more}`, { reply_markup: keyboard });
});

/** Checks access, opens a live QR message in this private chat and answers every outcome but `sent`. */
export async function openQr(ctx: BotContext, sessionId: string): Promise<void> {
  const chatId = ctx.chat?.id;
  if (chatId === undefined) return;
  if (!(await ctx.access.canUse(sessionId))) return deny(ctx, '/qr', await refusedSessionText(ctx, sessionId), sessionId);
  const stopAction = keepChatAction(ctx, 'upload_photo');
  let outcome: OpenOutcome;
  try {
    const afterMessageId = ctx.msg?.message_id ?? ctx.callbackQuery?.message?.message_id;
    outcome = await ctx.deps.liveQr.open({
      chatId,
      userId: ctx.access.userId,
      sessionId,
      ...(afterMessageId !== undefined ? { afterMessageId } : {}),
    });
  } catch (error) {
    await audit(ctx, 'qr', 'error', { sessionId });
    throw error;
  } finally {
    stopAction();
  }
  await audit(ctx, 'qr', outcomeName(outcome), { sessionId });
  ctx.log.info({ sessionId, outcome: outcomeName(outcome) }, 'qr requested');
  const text = await outcomeReply(ctx, outcome, sessionId);
  if (text !== undefined) await ctx.reply(text);
}

/** The reply to an outcome, naming the session, with a "did you mean" when it was not found. */
export async function outcomeReply(ctx: BotContext, outcome: OpenOutcome, sessionId: string): Promise<string | undefined> {
  const text = outcomeText(ctx.t, outcome, sessionId, ctx.deps.names.label(sessionId));
  if (text === undefined || outcome.kind !== 'not_found') return text;
  return text + (await didYouMean(ctx, sessionId));
}

export function outcomeName(outcome: OpenOutcome): string {
  return outcome.kind === 'unavailable' ? `unavailable:${outcome.reason}` : outcome.kind;
}
