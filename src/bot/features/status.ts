import { Composer } from 'grammy';
import type { SessionInfo } from '../../wasend/types.js';
import { deny } from '../access.js';
import { parseSessionId, splitArgs } from '../args.js';
import { keepChatAction } from '../chat-action.js';
import type { BotContext } from '../context.js';
import { joinLimited, replies, statusText, usage } from '../texts.js';
import { describeWasendFailure } from '../wasend-failure.js';

/** A user's own sessions are looked up one by one; beyond this many, /status names a session instead. */
const MAX_LOOKUPS = 20;

/** `/status [session]`: private chats only. */
export const statusFeature = new Composer<BotContext>();
const dm = statusFeature.chatType('private');

dm.command('status', async (ctx) => {
  const args = splitArgs(ctx.match);
  if (args === undefined || args.length > 1) return void (await ctx.reply(usage.status));
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
  const { wasend, liveQr } = ctx.deps;
  const live = new Set(liveQr.liveSessions());
  const line = (info: SessionInfo) => `${info.id}: ${statusText(info.status)}${live.has(info.id) ? ' (live QR open)' : ''}`;
  const lookUp = async (sessionId: string) => {
    try {
      return line(await wasend.getSession(sessionId, { lane: 'person', fairKey: String(ctx.access.userId) }));
    } catch (error) {
      return `${sessionId}: ${describeWasendFailure(error)}`;
    }
  };
  if (arg !== undefined) {
    const sessionId = parseSessionId(arg);
    if (sessionId === undefined) return usage.status;
    if (!ctx.access.canUse(sessionId)) {
      await deny(ctx, '/status', replies.refusedSession, sessionId);
      return undefined;
    }
    return lookUp(sessionId);
  }
  if (ctx.access.isAdmin) {
    try {
      const sessions = await wasend.listSessions({ lane: 'person', fairKey: String(ctx.access.userId) });
      return sessions.length === 0 ? 'There are no sessions on Wasend.' : joinLimited(sessions.map(line));
    } catch (error) {
      return `Could not list the sessions: ${describeWasendFailure(error)}.`;
    }
  }
  const granted = ctx.access.granted;
  if (granted.length === 0) return replies.noSessions;
  const lines = await Promise.all(granted.slice(0, MAX_LOOKUPS).map(lookUp));
  if (granted.length > MAX_LOOKUPS) lines.push(`... and ${granted.length - MAX_LOOKUPS} more: send /status <session>`);
  return joinLimited(lines);
}

