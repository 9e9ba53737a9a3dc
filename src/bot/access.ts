import type { MiddlewareFn } from 'grammy';
import { LRUCache } from 'lru-cache';
import { AccessUnknownError, type AccessRule } from '../access/access-rule.js';
import type { Access, BotContext } from './context.js';

/** What `userId` may do, by the one access rule; throws {@link AccessUnknownError} when the store cannot say. */
export async function createAccess(userId: number, rule: AccessRule): Promise<Access> {
  const isAdmin = rule.isAdmin(userId);
  // An admin's rights come from the config: a store that does not answer costs them only the list of grants.
  const granted = isAdmin ? await rule.grantedTo(userId).catch(() => []) : await rule.grantedTo(userId);
  return { userId, isAdmin, granted, canUse: (sessionId) => rule.mayUse(userId, sessionId) };
}

/** Writes one audit row; a failing audit write is logged, never shown to the user. */
export async function audit(ctx: BotContext, action: string, outcome: string, extra: { sessionId?: string; detail?: string } = {}): Promise<void> {
  try {
    await ctx.deps.store.audit.record({
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
  await audit(ctx, 'denied', 'denied', { detail: what, ...(sessionId !== undefined ? { sessionId } : {}) });
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
 * The access gate; runs before every feature: sets `ctx.access`, lets admins and users with at least one grant through, and
 * refuses everyone else's commands and button presses (their other messages are ignored). The one exception is
 * `/start <token>` in a private chat, which redeems an invite.
 */
export function createAccessGate(): MiddlewareFn<BotContext> {
  const strangers = new LRUCache<number, StrangerState>({ max: STRANGERS_KEPT });
  const noted = new LRUCache<number, string>({ max: STRANGERS_KEPT, ttl: 60 * 60_000 });
  return async (ctx, next) => {
    const from = ctx.from;
    if (!from || from.is_bot) return;
    let access: Access;
    try {
      access = await createAccess(from.id, ctx.deps.accessRule);
    } catch (error) {
      if (!(error instanceof AccessUnknownError)) throw error;
      ctx.log.warn({ err: error.cause, userId: from.id }, 'access unknown: the store does not answer');
      if (ctx.callbackQuery || commandOf(ctx) !== undefined || ctx.chat?.type === 'private') await ctx.deps.accessUnknown.tell(ctx);
      return;
    }
    ctx.access = access;
    if (access.isAdmin || access.granted.length > 0 || isInviteRedemption(ctx)) {
      strangers.delete(from.id); // a user who loses access later hears about it at once
      await noteUser(ctx, noted);
      return next();
    }
    const command = commandOf(ctx);
    if (ctx.callbackQuery) return refuseStranger(ctx, strangers, noted, `button ${ctx.callbackQuery.data ?? ''}`.slice(0, 80));
    if (command !== undefined) return refuseStranger(ctx, strangers, noted, `/${command}`.slice(0, 40));
  };
}

/** A stranger is answered (and audited, and logged) at most once in this long; the rest is counted and ignored. */
export const STRANGER_REPLY_EVERY_MS = 10 * 60_000;
/** Strangers remembered at once (least recently seen forgotten first). */
const STRANGERS_KEPT = 10_000;

interface StrangerState {
  lastAnsweredAt: number;
  ignored: number;
}

/**
 * Refuses a stranger: the first time, and again once {@link STRANGER_REPLY_EVERY_MS} has passed, they get the
 * refusal with their own numeric id (to send to an admin), one audit row counting what was ignored since, and one
 * log line. Everything in between is dropped without a reply, a write or a log line, so that a flood costs nothing.
 */
async function refuseStranger(
  ctx: BotContext,
  strangers: LRUCache<number, StrangerState>,
  noted: LRUCache<number, string>,
  what: string,
): Promise<void> {
  const userId = ctx.access.userId;
  const now = Date.now();
  const seen = strangers.get(userId);
  if (seen !== undefined && now - seen.lastAnsweredAt < STRANGER_REPLY_EVERY_MS) {
    seen.ignored += 1;
    if (ctx.callbackQuery) await ctx.answerCallbackQuery().catch(() => undefined);
    return;
  }
  const ignored = seen?.ignored ?? 0;
  strangers.set(userId, { lastAnsweredAt: now, ignored: 0 });
  const detail = ignored > 0 ? `${what} (and ${ignored} ignored since the last reply)` : what;
  await noteUser(ctx, noted);
  await deny(ctx, detail, ctx.t('refused-stranger', { user: String(userId) }));
}

/** What Telegram says of a person (name, @username, language), kept for /users; a write only when it changed. */
async function noteUser(ctx: BotContext, noted: LRUCache<number, string>): Promise<void> {
  const from = ctx.from;
  if (from === undefined) return;
  const signature = `${from.first_name}\u0000${from.username ?? ''}\u0000${from.language_code ?? ''}`;
  if (noted.get(from.id) === signature) return;
  try {
    await ctx.deps.store.users.note({
      userId: from.id,
      firstName: from.first_name,
      ...(from.username !== undefined ? { username: from.username } : {}),
      ...(from.language_code !== undefined ? { languageCode: from.language_code } : {}),
    });
    noted.set(from.id, signature);
  } catch (error) {
    ctx.log.warn({ err: error }, 'could not note a user');
  }
}
