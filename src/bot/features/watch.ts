import { Composer } from 'grammy';
import { audit, deny } from '../access.js';
import { parseSessionId, splitArgs } from '../args.js';
import type { BotContext } from '../context.js';
import { describeError } from '../../shared/describe-error.js';
import { WasendNotFoundError } from '../../wasend/errors.js';
import type { SessionStatus } from '../../wasend/types.js';
import { didYouMean, refusedSessionText } from '../suggest.js';
import { joinLimited } from '../texts.js';

/**
 * `/watch [session]` and `/unwatch <session>`: alerts in this private chat when a linked session drops. Admins may
 * watch any session, everyone else their granted ones; anyone may stop watching. Groups get a pointer to the
 * private chat.
 */
export const watchFeature = new Composer<BotContext>();
watchFeature.chatType(['group', 'supergroup']).command(['watch', 'unwatch'], (ctx) => ctx.reply(ctx.t('private-only')));
const dm = watchFeature.chatType('private');

dm.command('watch', async (ctx) => {
  const args = splitArgs(ctx.match);
  if (args === undefined || args.length > 1) return void (await ctx.reply(ctx.t('usage-watch')));
  const { watches } = ctx.deps.store;
  if (args.length === 0) {
    const mine = (await watches.listByUser(ctx.access.userId)).map((watch) => watch.sessionId);
    if (mine.length === 0) return void (await ctx.reply(`${ctx.t('watch-none')}\n${ctx.t('usage-watch')}`));
    return void (await ctx.reply(joinLimited([ctx.t('watch-list'), ...mine.map((id) => ctx.deps.names.label(id))], ctx.t)));
  }
  const sessionId = parseSessionId(args[0]);
  if (sessionId === undefined) return void (await ctx.reply(ctx.t('usage-watch')));
  if (!(await ctx.access.canUse(sessionId))) return deny(ctx, '/watch', await refusedSessionText(ctx, sessionId), sessionId);
  // Look first: a typo must not leave a watch on a session that does not exist, and the person learns where it stands.
  let status: SessionStatus | undefined;
  try {
    status = (await ctx.deps.wasend.getSession(sessionId, { lane: 'person', fairKey: String(ctx.access.userId) })).status;
  } catch (error) {
    if (error instanceof WasendNotFoundError) {
      await audit(ctx, 'watch', 'not_found', { sessionId });
      return void (await ctx.reply(ctx.t('outcome-not-found', { session: sessionId }) + (await didYouMean(ctx, sessionId))));
    }
    ctx.log.warn({ sessionId, err: describeError(error) }, '/watch could not read the session');
  }
  const added = await watches.add({ userId: ctx.access.userId, chatId: ctx.chat.id, sessionId });
  await audit(ctx, 'watch', added ? 'ok' : 'already', { sessionId });
  if (!added) return void (await ctx.reply(ctx.t('watch-already', { session: ctx.deps.names.label(sessionId) })));
  // A phone that drops before the next check cycle is reported too.
  if (status !== undefined) await ctx.deps.health?.baseline(sessionId, status);
  const now =
    status === undefined
      ? ctx.t('watch-unknown')
      : status.state === 'connected'
        ? ctx.t('watch-linked')
        : ctx.t('watch-not-linked', { raw: status.raw.slice(0, 40) });
  await ctx.reply(ctx.t('watch-started', { session: ctx.deps.names.label(sessionId), now, id: sessionId }));
});

dm.command('unwatch', async (ctx) => {
  const args = splitArgs(ctx.match);
  const sessionId = args?.length === 1 ? parseSessionId(args[0]) : undefined;
  if (sessionId === undefined) return void (await ctx.reply(ctx.t('usage-unwatch')));
  const removed = await ctx.deps.store.watches.remove(ctx.access.userId, sessionId);
  await audit(ctx, 'unwatch', removed ? 'ok' : 'not_watching', { sessionId });
  await ctx.reply(ctx.t(removed ? 'unwatch-done' : 'unwatch-not-watching', { id: sessionId }));
});
