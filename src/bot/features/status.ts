import { Composer } from 'grammy';
import type { SessionInfo } from '../../wasend/types.js';
import { deny } from '../access.js';
import { parseSessionId, splitArgs } from '../args.js';
import { keepChatAction } from '../chat-action.js';
import type { BotContext } from '../context.js';
import { didYouMean, refusedSessionText } from '../suggest.js';
import { joinLimited, statusText } from '../texts.js';
import { describeWasendFailure } from '../wasend-failure.js';
import { WasendNotFoundError } from '../../wasend/errors.js';

/** A user's own sessions are looked up one by one; beyond this many, /status names a session instead. */
const MAX_LOOKUPS = 20;

/** `/status [session]`: private chats only. Sessions are named ("Shop (shop-1)") and their state told in words. */
export const statusFeature = new Composer<BotContext>();
const dm = statusFeature.chatType('private');

dm.command('status', async (ctx) => {
  const args = splitArgs(ctx.match);
  if (args === undefined || args.length > 1) return void (await ctx.reply(ctx.t('usage-status')));
  if (!(await ctx.allowRequest())) return;
  const stopAction = keepChatAction(ctx, 'typing');
  try {
    const report = await statusReport(ctx, args[0]);
    if (report !== undefined) await ctx.reply(report);
  } finally {
    stopAction();
  }
});

/** The text to send; `undefined` when a refusal was already sent. */
async function statusReport(ctx: BotContext, arg: string | undefined): Promise<string | undefined> {
  const { wasend, liveQr, names } = ctx.deps;
  const live = new Set(liveQr.liveSessions());
  const line = (info: SessionInfo) => {
    const text = `${names.label(info.id)}: ${statusText(ctx.t, info.status)}`;
    return live.has(info.id) ? ctx.t('status-live', { line: text }) : text;
  };
  const lookUp = async (sessionId: string) => {
    try {
      return line(await wasend.getSession(sessionId, { lane: 'person', fairKey: String(ctx.access.userId) }));
    } catch (error) {
      const more = error instanceof WasendNotFoundError ? await didYouMean(ctx, sessionId) : '';
      return `${sessionId}: ${describeWasendFailure(error, ctx.t)}.${more}`;
    }
  };
  if (arg !== undefined) {
    const sessionId = parseSessionId(arg);
    if (sessionId === undefined) return ctx.t('usage-status');
    if (!(await ctx.access.canUse(sessionId))) {
      await deny(ctx, '/status', await refusedSessionText(ctx, sessionId), sessionId);
      return undefined;
    }
    return lookUp(sessionId);
  }
  if (ctx.access.isAdmin) {
    try {
      const sessions = await wasend.listSessions({ lane: 'person', fairKey: String(ctx.access.userId) });
      return sessions.length === 0 ? ctx.t('no-sessions-on-wasend') : joinLimited(sessions.map(line), ctx.t);
    } catch (error) {
      return ctx.t('list-failed', { reason: describeWasendFailure(error, ctx.t) });
    }
  }
  const granted = ctx.access.granted;
  if (granted.length === 0) return ctx.t('no-sessions');
  const lines = await Promise.all(granted.slice(0, MAX_LOOKUPS).map(lookUp));
  if (granted.length > MAX_LOOKUPS) lines.push(ctx.t('status-more', { count: granted.length - MAX_LOOKUPS }));
  return joinLimited(lines, ctx.t);
}
