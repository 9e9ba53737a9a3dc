import { Composer } from 'grammy';
import { audit, deny } from '../access.js';
import { parseSessionId, parseUserId, splitArgs } from '../args.js';
import type { BotContext } from '../context.js';
import { formatUtc, joinLimited, replies, usage } from '../texts.js';

const AUDIT_ENTRIES_SHOWN = 20;
export const ADMIN_COMMANDS = ['grant', 'revoke', 'users', 'invite', 'audit'] as const;

/** Admin commands, private chats only; a non-admin is refused and audited. */
export const adminFeature = new Composer<BotContext>();
const dm = adminFeature.chatType('private');
dm.command([...ADMIN_COMMANDS], async (ctx, next) => {
  if (ctx.access.isAdmin) return next();
  await deny(ctx, `/${ctx.message.text.slice(1).split(/[\s@]/)[0] ?? ''}`.slice(0, 40), replies.adminOnly);
});
const admin = dm.filter((ctx) => ctx.access.isAdmin);

admin.command('grant', async (ctx) => {
  const target = parseUserAndSession(ctx.match);
  if (!target) return void (await ctx.reply(usage.grant));
  const added = ctx.deps.store.grants.grant(target.userId, target.sessionId, ctx.access.userId);
  audit(ctx, 'grant', added ? 'ok' : 'unchanged', { sessionId: target.sessionId, detail: `user ${target.userId}` });
  await ctx.reply(
    added
      ? `User ${target.userId} can now use ${target.sessionId}. They need to open a chat with me and send /qr ${target.sessionId}.`
      : `User ${target.userId} already had ${target.sessionId}.`,
  );
});

admin.command('revoke', async (ctx) => {
  const target = parseUserAndSession(ctx.match);
  if (!target) return void (await ctx.reply(usage.revoke));
  const removed = ctx.deps.store.grants.revoke(target.userId, target.sessionId);
  // A revoked user must not keep receiving fresh codes, nor get the photo of a /qr still in flight.
  const stopped = await ctx.deps.liveQr.enforceAccess(target.userId);
  audit(ctx, 'revoke', removed ? 'ok' : 'unchanged', { sessionId: target.sessionId, detail: `user ${target.userId}` });
  const live = stopped > 0 ? ` Stopped ${stopped} live QR code${stopped === 1 ? '' : 's'}.` : '';
  await ctx.reply(
    (removed ? `User ${target.userId} can no longer use ${target.sessionId}.` : `User ${target.userId} did not have ${target.sessionId}.`) + live,
  );
});

admin.command('users', async (ctx) => {
  const args = splitArgs(ctx.match);
  if (args === undefined || args.length > 1) return void (await ctx.reply(usage.users));
  const sessionId = args.length === 1 ? parseSessionId(args[0]) : undefined;
  if (args.length === 1 && sessionId === undefined) return void (await ctx.reply(usage.users));
  const grants = ctx.deps.store.grants.list(sessionId);
  const admins = [...ctx.deps.config.adminIds].join(', ');
  const lines = grants.map((g) => `${g.sessionId}: user ${g.userId} (by ${g.grantedBy}, ${formatUtc(g.grantedAt)})`);
  const heading = sessionId === undefined ? 'Grants' : `Grants for ${sessionId}`;
  await ctx.reply(joinLimited([`Admins (every session): ${admins}`, `${heading}: ${grants.length === 0 ? 'none' : ''}`, ...lines]));
});

admin.command('invite', async (ctx) => {
  const args = splitArgs(ctx.match);
  const sessionId = args?.length === 1 ? parseSessionId(args[0]) : undefined;
  if (sessionId === undefined) return void (await ctx.reply(usage.invite));
  const { config, store } = ctx.deps;
  const { token, expiresAt } = store.invites.create({ sessionId, createdBy: ctx.access.userId, ttlMs: config.inviteTtlMs });
  audit(ctx, 'invite.create', 'ok', { sessionId, detail: `expires ${formatUtc(expiresAt)}` });
  await ctx.reply(
    `Invite for ${sessionId}, single use, valid until ${formatUtc(expiresAt)}:\n` +
      `https://t.me/${ctx.me.username}?start=${token}\n` +
      'Whoever opens it first gets access to this session.',
    { link_preview_options: { is_disabled: true } },
  );
});

admin.command('audit', async (ctx) => {
  if (splitArgs(ctx.match)?.length !== 0) return void (await ctx.reply(usage.audit));
  const entries = ctx.deps.store.audit.latest(AUDIT_ENTRIES_SHOWN);
  if (entries.length === 0) return void (await ctx.reply('The audit log is empty.'));
  const lines = entries.map((e) =>
    [
      formatUtc(e.at),
      e.userId === null ? '' : `user ${e.userId}`,
      e.action,
      e.sessionId ?? '',
      e.outcome,
      e.detail ?? '',
    ]
      .filter((part) => part !== '')
      .join(' | '),
  );
  await ctx.reply(joinLimited([`Latest ${entries.length} audit entries (newest first):`, ...lines]));
});

function parseUserAndSession(match: string): { userId: number; sessionId: string } | undefined {
  const args = splitArgs(match);
  if (args?.length !== 2) return undefined;
  const userId = parseUserId(args[0] ?? '');
  const sessionId = parseSessionId(args[1]);
  return userId === undefined || sessionId === undefined ? undefined : { userId, sessionId };
}
