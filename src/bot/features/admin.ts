import { Composer } from 'grammy';
import { describeWasendFailure } from '../wasend-failure.js';
import { audit, deny } from '../access.js';
import { parseSessionId, parseUserId, splitArgs } from '../args.js';
import type { BotContext } from '../context.js';
import { formatUtc, joinLimited, replies, usage } from '../texts.js';

const AUDIT_ENTRIES_SHOWN = 20;
export const ADMIN_COMMANDS = ['grant', 'revoke', 'users', 'invite', 'invites', 'uninvite', 'audit'] as const;

/** Used and expired invites are kept this long (a late click still hears "already used"), then deleted. */
const INVITE_KEEP_MS = 7 * 24 * 60 * 60_000;

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
  // An open link for the session may be in the revoked user's hands: it is voided too.
  const voided = removed ? ctx.deps.store.invites.voidSession(target.sessionId) : 0;
  audit(ctx, 'revoke', removed ? 'ok' : 'unchanged', { sessionId: target.sessionId, detail: `user ${target.userId}` });
  const live =
    (stopped > 0 ? ` Stopped ${stopped} live QR code${stopped === 1 ? '' : 's'}.` : '') +
    (voided > 0 ? ` Voided ${voided} open invite link${voided === 1 ? '' : 's'} for ${target.sessionId}.` : '');
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
  const { config, store, wasend } = ctx.deps;
  try {
    await wasend.getSession(sessionId, { lane: 'person', fairKey: String(ctx.access.userId) });
  } catch (error) {
    const why = describeWasendFailure(error);
    audit(ctx, 'invite.create', 'refused', { sessionId, detail: why });
    return void (await ctx.reply(`No invite made: ${sessionId} ${why === 'not found on Wasend' ? 'was not found on Wasend' : `could not be checked (${why})`}.`));
  }
  store.invites.purge(INVITE_KEEP_MS);
  const { token, expiresAt } = store.invites.create({ sessionId, createdBy: ctx.access.userId, ttlMs: config.inviteTtlMs });
  audit(ctx, 'invite.create', 'ok', { sessionId, detail: `expires ${formatUtc(expiresAt)}` });
  await ctx.reply(
    `Invite for ${sessionId}, single use, valid until ${formatUtc(expiresAt)}:\n` +
      `https://t.me/${ctx.me.username}?start=${token}\n` +
      'Whoever opens it first gets access to this session. /invites lists the open ones, /uninvite voids one.',
    { link_preview_options: { is_disabled: true } },
  );
});

admin.command('invites', async (ctx) => {
  const args = splitArgs(ctx.match);
  const sessionId = args?.length === 1 ? parseSessionId(args[0]) : undefined;
  if (args === undefined || args.length > 1 || (args.length === 1 && sessionId === undefined)) return void (await ctx.reply(usage.invites));
  const open = ctx.deps.store.invites.listOpen(sessionId);
  if (open.length === 0) return void (await ctx.reply(sessionId === undefined ? 'There are no open invites.' : `There are no open invites for ${sessionId}.`));
  const lines = open.map((i) => `${i.id}: ${i.sessionId}, by ${i.createdBy}, valid until ${formatUtc(i.expiresAt)}`);
  await ctx.reply(joinLimited([`Open invites (void one with /uninvite <id>):`, ...lines]));
});

admin.command('uninvite', async (ctx) => {
  const args = splitArgs(ctx.match);
  const id = args?.length === 1 && /^[0-9a-f]{8}$/i.test(args[0] ?? '') ? (args[0] as string).toLowerCase() : undefined;
  if (id === undefined) return void (await ctx.reply(usage.uninvite));
  const voided = ctx.deps.store.invites.void(id);
  audit(ctx, 'invite.void', voided ? 'ok' : 'not_found', { detail: id });
  await ctx.reply(voided ? `Invite ${id} is void: its link no longer works.` : `There is no open invite ${id}. /invites lists them.`);
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
