import { randomBytes } from 'node:crypto';
import { Composer, InlineKeyboard } from 'grammy';
import { LRUCache } from 'lru-cache';
import { parsePhone } from '../../phone.js';
import { WasendNotFoundError } from '../../wasend/errors.js';
import { audit, deny } from '../access.js';
import { MAX_ARGS_LENGTH, parseSessionId, splitArgs } from '../args.js';
import type { BotContext } from '../context.js';
import { PHONE_FORMAT, replies, usage } from '../texts.js';
import { describeWasendFailure } from '../wasend-failure.js';
import { fitsPairButton } from './pairing.js';
import { PICK_PREFIX } from './qr.js';

/** Admin commands that run a session's lifecycle on Wasend. */
export const LIFECYCLE_COMMANDS = ['new', 'restart', 'stop', 'delete'] as const;
/** Default of {@link BotDeps.confirmWindowMs}. */
export const DEFAULT_CONFIRM_WINDOW_MS = 60_000;
const MAX_NAME_LENGTH = 64;

interface PendingDelete {
  readonly sessionId: string;
  readonly userId: number;
  readonly expiresAt: number;
}

/**
 * `/new <name> <phone>`, `/restart <session>`, `/stop <session>` and `/delete <session>` (with a confirm button
 * that works for a minute), for admins in a private chat. Every call is audited; anyone else is refused.
 */
export function createLifecycleFeature(): Composer<BotContext> {
  const feature = new Composer<BotContext>();
  const pendingDeletes = new LRUCache<string, PendingDelete>({ max: 1_000 });
  const dm = feature.chatType('private');
  dm.command([...LIFECYCLE_COMMANDS], async (ctx, next) => {
    if (ctx.access.isAdmin) return next();
    await deny(ctx, `/${ctx.message.text.slice(1).split(/[\s@]/)[0] ?? ''}`.slice(0, 40), replies.adminOnly);
  });
  const admin = dm.filter((ctx) => ctx.access.isAdmin);
  const options = (ctx: BotContext) => ({ lane: 'person' as const, fairKey: String(ctx.access.userId) });

  admin.command('new', async (ctx) => {
    const text = ctx.match.trim();
    const [name, ...rest] = text.split(/\s+/);
    if (text.length > MAX_ARGS_LENGTH || name === undefined || name === '' || rest.length === 0) return void (await ctx.reply(usage.newSession));
    if (name.length > MAX_NAME_LENGTH || /[\p{Cc}\p{Cf}]/u.test(name)) return void (await ctx.reply(`A session name is at most ${MAX_NAME_LENGTH} characters. ${usage.newSession}`));
    const phone = parsePhone(rest.join(' '));
    if (phone === undefined) return void (await ctx.reply(PHONE_FORMAT));
    try {
      const created = await ctx.deps.wasend.createSession({ name, phone }, options(ctx));
      audit(ctx, 'session.create', 'ok', { sessionId: created.id, detail: name });
      const keyboard = new InlineKeyboard();
      if (Buffer.byteLength(PICK_PREFIX + created.id) <= 64) keyboard.text('📷 Show QR', PICK_PREFIX + created.id);
      if (fitsPairButton(created.id)) keyboard.text('📱 Phone number instead', `pn:s:${created.id}`);
      await ctx.reply(`Created session ${name}. Its id is ${created.id}: use it in /qr ${created.id}, /pair, /grant and /invite.`, { reply_markup: keyboard });
    } catch (error) {
      audit(ctx, 'session.create', 'error', { detail: name });
      await ctx.reply(`Could not create the session: ${describeWasendFailure(error)}.`);
    }
  });

  for (const action of ['restart', 'stop'] as const) {
    admin.command(action, async (ctx) => {
      const args = splitArgs(ctx.match);
      const sessionId = args?.length === 1 ? parseSessionId(args[0]) : undefined;
      if (sessionId === undefined) return void (await ctx.reply(usage[action]));
      const { wasend, liveQr } = ctx.deps;
      try {
        await (action === 'restart' ? wasend.restartSession(sessionId, options(ctx)) : wasend.stopSession(sessionId, options(ctx)));
      } catch (error) {
        audit(ctx, `session.${action}`, error instanceof WasendNotFoundError ? 'not_found' : 'error', { sessionId });
        return void (await ctx.reply(`Could not ${action} ${sessionId}: ${describeWasendFailure(error)}.`));
      }
      audit(ctx, `session.${action}`, 'ok', { sessionId });
      // Live messages of the session learn the news now rather than at the next status look.
      liveQr.poke(sessionId, action === 'stop' ? 'stopped' : 'starting');
      await ctx.reply(
        action === 'restart'
          ? `Restarting ${sessionId}. A linked phone stays linked; otherwise send /qr ${sessionId} for its code.`
          : `Stopped ${sessionId}. Send /qr ${sessionId} to start it again.`,
      );
    });
  }

  admin.command('delete', async (ctx) => {
    const args = splitArgs(ctx.match);
    const sessionId = args?.length === 1 ? parseSessionId(args[0]) : undefined;
    if (sessionId === undefined) return void (await ctx.reply(usage.delete));
    let name = sessionId;
    try {
      const info = await ctx.deps.wasend.getSession(sessionId, options(ctx));
      name = info.name === undefined ? sessionId : `${info.name} (${sessionId})`;
    } catch (error) {
      return void (await ctx.reply(`Cannot delete ${sessionId}: ${describeWasendFailure(error)}.`));
    }
    const windowMs = ctx.deps.confirmWindowMs ?? DEFAULT_CONFIRM_WINDOW_MS;
    const token = randomBytes(9).toString('base64url');
    pendingDeletes.set(token, { sessionId, userId: ctx.access.userId, expiresAt: Date.now() + windowMs }, { ttl: windowMs * 10 });
    const keyboard = new InlineKeyboard().text(`🗑 Delete ${sessionId}`.slice(0, 60), `del:yes:${token}`).text('Keep it', `del:no:${token}`);
    await ctx.reply(
      `Delete session ${name}? Its phone is logged out and the session is gone for good. The button works for ${Math.round(windowMs / 1000)} s.`,
      { reply_markup: keyboard },
    );
  });

  dm.callbackQuery(/^del:(yes|no):([A-Za-z0-9_-]{12})$/, async (ctx) => {
    if (!ctx.access.isAdmin) return deny(ctx, 'button del', replies.adminOnly);
    const token = ctx.match[2] ?? '';
    const pending = pendingDeletes.get(token);
    if (pending === undefined || pending.expiresAt <= Date.now()) {
      pendingDeletes.delete(token);
      await ctx.answerCallbackQuery({ text: 'This confirmation expired. Send /delete again.', show_alert: true });
      await ctx.editMessageText('This confirmation expired: nothing was deleted. Send /delete <session> again.').catch(() => undefined);
      return;
    }
    pendingDeletes.delete(token);
    const { sessionId } = pending;
    if (ctx.match[1] === 'no') {
      await ctx.answerCallbackQuery({ text: 'Kept.' });
      await ctx.editMessageText(`Kept ${sessionId}: nothing was deleted.`).catch(() => undefined);
      return;
    }
    await ctx.answerCallbackQuery({ text: `Deleting ${sessionId}…` });
    try {
      await ctx.deps.wasend.deleteSession(sessionId, options(ctx));
    } catch (error) {
      audit(ctx, 'session.delete', 'error', { sessionId });
      await ctx.editMessageText(`Could not delete ${sessionId}: ${describeWasendFailure(error)}.`).catch(() => undefined);
      return;
    }
    audit(ctx, 'session.delete', 'ok', { sessionId });
    ctx.deps.liveQr.poke(sessionId, 'stopped');
    await ctx.editMessageText(`Deleted ${sessionId}.`).catch(() => ctx.reply(`Deleted ${sessionId}.`));
  });

  return feature;
}
