import { randomBytes } from 'node:crypto';
import { Composer, InlineKeyboard } from 'grammy';
import { clipLabel, hasInvisibleCharacters } from '../../shared/display-name.js';
import { parsePhone } from '../../shared/phone.js';
import { WasendNotFoundError } from '../../wasend/errors.js';
import { GATEWAYS } from '../../wasend/gateways.js';
import { audit, deny } from '../access.js';
import { MAX_ARGS_LENGTH, parseSessionId, splitArgs } from '../args.js';
import { fitsCallbackData } from '../../shared/callback-data.js';
import type { BotContext } from '../context.js';
import { describeWasendFailure } from '../wasend-failure.js';
import { fitsPairButton } from './pairing.js';
import { PICK_PREFIX } from './qr.js';

/** Admin commands that run a session's lifecycle on Wasend. */
export const LIFECYCLE_COMMANDS = ['new', 'restart', 'stop', 'delete'] as const;
/** Default of {@link BotDeps.confirmWindowMs}. */
export const DEFAULT_CONFIRM_WINDOW_MS = 60_000;
const MAX_NAME_LENGTH = 64;

/** The key of a `/delete` confirm in the store's pending actions. */
const deleteKey = (token: string) => `delete:${token}`;

/**
 * `/new <name> <phone>`, `/restart <session>`, `/stop <session>` and `/delete <session>` (with a confirm button
 * that works for a minute), for admins in a private chat. Every call is audited; anyone else is refused.
 */
export function createLifecycleFeature(): Composer<BotContext> {
  const feature = new Composer<BotContext>();
  const dm = feature.chatType('private');
  dm.command([...LIFECYCLE_COMMANDS], async (ctx, next) => {
    if (ctx.access.isAdmin) return next();
    await deny(ctx, `/${ctx.message.text.slice(1).split(/[\s@]/)[0] ?? ''}`.slice(0, 40), ctx.t('admin-only'));
  });
  const admin = dm.filter((ctx) => ctx.access.isAdmin);
  const options = (ctx: BotContext) => ({ lane: 'person' as const, fairKey: String(ctx.access.userId) });

  admin.command('new', async (ctx) => {
    const text = ctx.match.trim();
    const [name, ...rest] = text.split(/\s+/);
    const needsPhone = GATEWAYS[ctx.deps.config.gateway ?? 'wasend'].newNeedsPhone;
    if (text.length > MAX_ARGS_LENGTH || name === undefined || name === '' || (needsPhone && rest.length === 0))
      return void (await ctx.reply(ctx.t('usage-new')));
    if (hasInvisibleCharacters(name)) return void (await ctx.reply(ctx.t('new-name-invisible', { usage: ctx.t('usage-new') })));
    if (name.length > MAX_NAME_LENGTH) {
      return void (await ctx.reply(ctx.t('new-name-too-long', { max: MAX_NAME_LENGTH, usage: ctx.t('usage-new') })));
    }
    // The number is optional where the gateway takes none (WAHA): given anyway, it must still be a number.
    const phone = rest.length === 0 ? undefined : parsePhone(rest.join(' '));
    if (rest.length > 0 && phone === undefined) return void (await ctx.reply(ctx.t('phone-format')));
    try {
      const created = await ctx.deps.wasend.createSession({ name, ...(phone !== undefined ? { phone } : {}) }, options(ctx));
      await audit(ctx, 'session.create', 'ok', { sessionId: created.id, detail: name });
      const keyboard = new InlineKeyboard();
      if (fitsCallbackData(PICK_PREFIX + created.id)) keyboard.text(ctx.t('button-show-qr'), PICK_PREFIX + created.id);
      if (fitsPairButton(created.id)) keyboard.text(ctx.t('button-phone-instead'), `pn:s:${created.id}`);
      await ctx.reply(ctx.t('new-created', { name, id: created.id }), { reply_markup: keyboard });
    } catch (error) {
      await audit(ctx, 'session.create', 'error', { detail: name });
      await ctx.reply(ctx.t('new-failed', { reason: describeWasendFailure(error, ctx.t) }));
    }
  });

  for (const action of ['restart', 'stop'] as const) {
    admin.command(action, async (ctx) => {
      const args = splitArgs(ctx.match);
      const sessionId = args?.length === 1 ? parseSessionId(args[0]) : undefined;
      if (sessionId === undefined) return void (await ctx.reply(ctx.t(`usage-${action}`)));
      const { wasend, liveQr } = ctx.deps;
      try {
        await (action === 'restart' ? wasend.restartSession(sessionId, options(ctx)) : wasend.stopSession(sessionId, options(ctx)));
      } catch (error) {
        await audit(ctx, `session.${action}`, error instanceof WasendNotFoundError ? 'not_found' : 'error', { sessionId });
        return void (await ctx.reply(ctx.t(`${action}-failed`, { id: sessionId, reason: describeWasendFailure(error, ctx.t) })));
      }
      await audit(ctx, `session.${action}`, 'ok', { sessionId });
      // Live messages of the session learn the news now rather than at the next status look.
      liveQr.poke(sessionId, action === 'stop' ? 'stopped' : 'starting');
      await ctx.reply(ctx.t(action === 'restart' ? 'restart-done' : 'stop-done', { id: sessionId }));
    });
  }

  admin.command('delete', async (ctx) => {
    const args = splitArgs(ctx.match);
    const sessionId = args?.length === 1 ? parseSessionId(args[0]) : undefined;
    if (sessionId === undefined) return void (await ctx.reply(ctx.t('usage-delete')));
    let name: string;
    try {
      const info = await ctx.deps.wasend.getSession(sessionId, options(ctx));
      name = info.name === undefined ? sessionId : `${info.name} (${sessionId})`;
    } catch (error) {
      return void (await ctx.reply(ctx.t('delete-cannot', { id: sessionId, reason: describeWasendFailure(error, ctx.t) })));
    }
    const windowMs = ctx.deps.confirmWindowMs ?? DEFAULT_CONFIRM_WINDOW_MS;
    const token = randomBytes(9).toString('base64url');
    // In the store: the press may reach another instance, or this one after a restart.
    await ctx.deps.store.pendingActions.put({
      key: deleteKey(token),
      userId: ctx.access.userId,
      payload: JSON.stringify({ sessionId }),
      expiresAt: Date.now() + windowMs,
    });
    const keyboard = new InlineKeyboard()
      .text(clipLabel(ctx.t('delete-button', { id: sessionId }), 60), `del:yes:${token}`)
      .text(ctx.t('delete-keep-button'), `del:no:${token}`);
    await ctx.reply(ctx.t('delete-ask', { session: name, seconds: Math.round(windowMs / 1000) }), { reply_markup: keyboard });
  });

  dm.callbackQuery(/^del:(yes|no):([A-Za-z0-9_-]{12})$/, async (ctx) => {
    if (!ctx.access.isAdmin) return deny(ctx, 'button del', ctx.t('admin-only'));
    const token = ctx.match[2] ?? '';
    const { pendingActions } = ctx.deps.store;
    const asked = await pendingActions.get(deleteKey(token));
    if (asked !== undefined && asked.userId !== ctx.access.userId) {
      // Bound to the admin who asked: another admin's press neither deletes nor spends the question.
      await audit(ctx, 'denied', 'denied', { detail: 'button del of another admin' });
      return void (await ctx.answerCallbackQuery({ text: ctx.t('press-not-yours'), show_alert: true }));
    }
    const pending = asked === undefined ? undefined : await pendingActions.take(deleteKey(token));
    const sessionId = pending === undefined ? undefined : parseSessionId((JSON.parse(pending.payload) as { sessionId?: string }).sessionId);
    if (sessionId === undefined) {
      await ctx.answerCallbackQuery({ text: ctx.t('press-expired-confirm'), show_alert: true });
      await ctx.editMessageText(ctx.t('delete-expired')).catch(() => undefined);
      return;
    }
    if (ctx.match[1] === 'no') {
      await ctx.answerCallbackQuery({ text: ctx.t('press-kept') });
      await ctx.editMessageText(ctx.t('delete-kept', { id: sessionId })).catch(() => undefined);
      return;
    }
    await ctx.answerCallbackQuery({ text: ctx.t('press-deleting', { id: sessionId }) });
    try {
      await ctx.deps.wasend.deleteSession(sessionId, options(ctx));
    } catch (error) {
      await audit(ctx, 'session.delete', 'error', { sessionId });
      await ctx.editMessageText(ctx.t('delete-failed', { id: sessionId, reason: describeWasendFailure(error, ctx.t) })).catch(() => undefined);
      return;
    }
    await audit(ctx, 'session.delete', 'ok', { sessionId });
    ctx.deps.liveQr.poke(sessionId, 'stopped');
    await ctx.editMessageText(ctx.t('delete-done', { id: sessionId })).catch(() => ctx.reply(ctx.t('delete-done', { id: sessionId })));
  });

  return feature;
}
