import type { MiddlewareFn } from 'grammy';
import type { Store } from '../store/types.js';
import type { Access, BotContext } from './context.js';
import { replies } from './texts.js';

/** What `userId` may do: admins everything, everyone else the sessions granted in the store. */
export function createAccess(userId: number, adminIds: ReadonlySet<number>, store: Store): Access {
  const isAdmin = adminIds.has(userId);
  return {
    userId,
    isAdmin,
    granted: store.grants.sessionsOf(userId),
    canUse: (sessionId) => isAdmin || store.grants.has(userId, sessionId),
  };
}

/** Writes one audit row; a failing audit write is logged, never shown to the user. */
export function audit(
  ctx: BotContext,
  action: string,
  outcome: string,
  extra: { sessionId?: string; detail?: string } = {},
): void {
  try {
    ctx.deps.store.audit.record({
      userId: ctx.from?.id ?? null,
      chatId: ctx.chat?.id ?? null,
      action,
      sessionId: extra.sessionId ?? null,
      outcome,
      detail: extra.detail ?? null,
    });
  } catch (error) {
    ctx.log.error({ err: error, action }, 'audit write failed');
  }
}

/** Refuses the sender (plain text, no details) and audits it. */
export async function deny(ctx: BotContext, what: string, text: string, sessionId?: string): Promise<void> {
  audit(ctx, 'denied', 'denied', { detail: what, ...(sessionId !== undefined ? { sessionId } : {}) });
  ctx.log.info({ userId: ctx.from?.id, what }, 'access denied');
  if (ctx.callbackQuery) await ctx.answerCallbackQuery({ text: text, show_alert: true });
  else await ctx.reply(text);
}

/** The command the message starts with, unless it is addressed to another bot (`/qr@other_bot` in a group). */
function commandOf(ctx: BotContext): string | undefined {
  const text = ctx.message?.text;
  const entity = ctx.message?.entities?.[0];
  if (text === undefined || entity?.type !== 'bot_command' || entity.offset !== 0) return undefined;
  const [command, addressee] = text.slice(1, entity.length).split('@');
  if (addressee !== undefined && addressee.toLowerCase() !== ctx.me.username.toLowerCase()) return undefined;
  return command?.toLowerCase();
}

function isInviteRedemption(ctx: BotContext): boolean {
  return ctx.chat?.type === 'private' && commandOf(ctx) === 'start' && /^\/start(@\w+)?\s+\S/.test(ctx.message?.text ?? '');
}

/**
 * Runs before every feature: sets `ctx.access`, lets admins and users with at least one grant through, and
 * refuses everyone else's commands and button presses (their other messages are ignored). The one exception is
 * `/start <token>` in a private chat, which redeems an invite.
 */
export const accessGate: MiddlewareFn<BotContext> = async (ctx, next) => {
  const from = ctx.from;
  if (!from || from.is_bot) return;
  const access = createAccess(from.id, ctx.deps.config.adminIds, ctx.deps.store);
  ctx.access = access;
  if (access.isAdmin || access.granted.length > 0 || isInviteRedemption(ctx)) return next();
  if (ctx.callbackQuery) return deny(ctx, `button ${ctx.callbackQuery.data ?? ''}`.slice(0, 80), replies.refused);
  const command = commandOf(ctx);
  if (command !== undefined) return deny(ctx, `/${command}`.slice(0, 40), replies.refused);
};
