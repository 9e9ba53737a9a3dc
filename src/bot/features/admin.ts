import { displayName } from '../../shared/display-name.js';
import { Composer } from 'grammy';
import type { AuditEntry } from '../../store/types.js';
import { WasendNotFoundError } from '../../wasend/errors.js';
import { audit, deny } from '../access.js';
import { parseSessionId, parseUserId, splitArgs } from '../args.js';
import type { BotContext } from '../context.js';
import { didYouMean } from '../suggest.js';
import { formatDateTime } from '../../i18n/catalogue.js';
import { joinLimited } from '../texts.js';
import { describeWasendFailure } from '../wasend-failure.js';

const AUDIT_ENTRIES_SHOWN = 20;
export const ADMIN_COMMANDS = ['grant', 'revoke', 'users', 'invite', 'invites', 'uninvite', 'audit'] as const;

/** Used and expired invites are kept this long (a late click still hears "already used"), then deleted. */
const INVITE_KEEP_MS = 7 * 24 * 60 * 60_000;

/** Admin commands, private chats only; a non-admin is refused and audited. */
export const adminFeature = new Composer<BotContext>();
const dm = adminFeature.chatType('private');
dm.command([...ADMIN_COMMANDS], async (ctx, next) => {
  if (ctx.access.isAdmin) return next();
  await deny(ctx, `/${ctx.message.text.slice(1).split(/[\s@]/)[0] ?? ''}`.slice(0, 40), ctx.t('admin-only'));
});
const admin = dm.filter((ctx) => ctx.access.isAdmin);

/** Longest first name shown, in graphemes. */
const PERSON_NAME_GRAPHEMES = 32;

/** `Ana (@ana, 222)` from what the bot has seen of the person (the name made safe to show), else the bare id. */
export async function personLabel(ctx: BotContext, userId: number): Promise<string> {
  let known;
  try {
    known = await ctx.deps.store.users.get(userId);
  } catch {
    known = undefined;
  }
  const parts = [known?.username ? `@${known.username}` : undefined, String(userId)].filter((p) => p !== undefined);
  const name = known?.firstName ? displayName(known.firstName, PERSON_NAME_GRAPHEMES) : '';
  if (name !== '') return `${name} (${parts.join(', ')})`;
  return parts.length > 1 ? `${parts[0]} (${userId})` : ctx.t('person-unknown', { user: String(userId) });
}

/** {@link personLabel} of many people at once, by user id. */
async function peopleLabels(ctx: BotContext, userIds: Iterable<number>): Promise<Map<number, string>> {
  const ids = [...new Set(userIds)];
  const labels = await Promise.all(ids.map((id) => personLabel(ctx, id)));
  return new Map(ids.map((id, i) => [id, labels[i] ?? String(id)]));
}

/**
 * The user id and session of `/grant` and `/revoke`, or the reply saying which part is wrong (and for a user id,
 * where to find one).
 */
function parseTarget(ctx: BotContext, usageId: 'usage-grant' | 'usage-revoke'): { userId: number; sessionId: string } | string {
  const args = splitArgs(typeof ctx.match === 'string' ? ctx.match : '');
  if (args?.length !== 2) return ctx.t(usageId);
  const [userText = '', sessionText = ''] = args;
  const userId = parseUserId(userText);
  if (userId === undefined) return `${ctx.t('grant-bad-user', { value: userText.slice(0, 40) })}\n${ctx.t(usageId)}`;
  const sessionId = parseSessionId(sessionText);
  if (sessionId === undefined) return `${ctx.t('grant-bad-session', { value: sessionText.slice(0, 40) })}\n${ctx.t(usageId)}`;
  return { userId, sessionId };
}

admin.command('grant', async (ctx) => {
  const target = parseTarget(ctx, 'usage-grant');
  if (typeof target === 'string') return void (await ctx.reply(target));
  const { userId, sessionId } = target;
  try {
    await ctx.deps.wasend.getSession(sessionId, { lane: 'person', fairKey: String(ctx.access.userId) });
  } catch (error) {
    await audit(ctx, 'grant', 'refused', { sessionId, detail: `user ${userId}` });
    if (error instanceof WasendNotFoundError)
      return void (await ctx.reply(ctx.t('grant-missing', { id: sessionId }) + (await didYouMean(ctx, sessionId))));
    return void (await ctx.reply(ctx.t('grant-unchecked', { id: sessionId, reason: describeWasendFailure(error, ctx.t) })));
  }
  const added = await ctx.deps.store.grants.grant(userId, sessionId, ctx.access.userId);
  await audit(ctx, 'grant', added ? 'ok' : 'unchanged', { sessionId, detail: `user ${userId}` });
  const args = { user: await personLabel(ctx, userId), session: ctx.deps.names.label(sessionId), id: sessionId };
  await ctx.reply(ctx.t(added ? 'grant-done' : 'grant-already', args));
});

admin.command('revoke', async (ctx) => {
  const target = parseTarget(ctx, 'usage-revoke');
  if (typeof target === 'string') return void (await ctx.reply(target));
  const { userId, sessionId } = target;
  const removed = await ctx.deps.store.grants.revoke(userId, sessionId);
  // A revoked user must not keep receiving fresh codes, nor get the photo of a /qr still in flight.
  const stopped = await ctx.deps.liveQr.enforceAccess(userId);
  // An open link for the session may be in the revoked user's hands: it is voided too.
  const voided = removed ? await ctx.deps.store.invites.voidSession(sessionId) : 0;
  await audit(ctx, 'revoke', removed ? 'ok' : 'unchanged', { sessionId, detail: `user ${userId}` });
  const args = { user: await personLabel(ctx, userId), session: ctx.deps.names.label(sessionId) };
  const parts = [ctx.t(removed ? 'revoke-done' : 'revoke-not-had', args)];
  if (stopped > 0) parts.push(ctx.t('revoke-stopped', { count: stopped }));
  if (voided > 0) parts.push(ctx.t('revoke-voided', { count: voided, id: sessionId }));
  await ctx.reply(parts.join(' '));
});

admin.command('users', async (ctx) => {
  const args = splitArgs(ctx.match);
  if (args === undefined || args.length > 1) return void (await ctx.reply(ctx.t('usage-users')));
  const { store, config, names } = ctx.deps;
  const arg = args[0];
  const userId = arg === undefined ? undefined : parseUserId(arg);
  if (userId !== undefined) {
    const person = await personLabel(ctx, userId);
    if (ctx.deps.accessRule.isAdmin(userId)) return void (await ctx.reply(ctx.t('users-of-user-admin', { person })));
    const sessions = await store.grants.sessionsOf(userId);
    if (sessions.length === 0) return void (await ctx.reply(ctx.t('users-of-user-none', { person })));
    return void (await ctx.reply(ctx.t('users-of-user', { person, sessions: sessions.map((id) => names.label(id)).join(', ') })));
  }
  const sessionId = arg === undefined ? undefined : parseSessionId(arg);
  if (arg !== undefined && sessionId === undefined) return void (await ctx.reply(ctx.t('usage-users')));
  const grants = await store.grants.list(sessionId);
  const people = await peopleLabels(ctx, [...config.adminIds, ...grants.flatMap((g) => [g.userId, g.grantedBy])]);
  const admins = [...config.adminIds].map((id) => people.get(id)).join(', ');
  const lines = grants.map((g) =>
    ctx.t('users-grant-line', {
      id: ctx.deps.names.label(g.sessionId),
      person: people.get(g.userId) ?? '',
      by: people.get(g.grantedBy) ?? '',
      at: formatDateTime(ctx.locale, g.grantedAt),
    }),
  );
  const heading =
    sessionId === undefined ? ctx.t('users-grants', { count: grants.length }) : ctx.t('users-grants-of', { id: sessionId, count: grants.length });
  await ctx.reply(joinLimited([ctx.t('users-admins', { admins }), heading, ...lines], ctx.t));
});

admin.command('invite', async (ctx) => {
  const args = splitArgs(ctx.match);
  const sessionId = args?.length === 1 ? parseSessionId(args[0]) : undefined;
  if (sessionId === undefined) return void (await ctx.reply(ctx.t('usage-invite')));
  const { config, store, wasend } = ctx.deps;
  try {
    await wasend.getSession(sessionId, { lane: 'person', fairKey: String(ctx.access.userId) });
  } catch (error) {
    const why = describeWasendFailure(error, ctx.t);
    await audit(ctx, 'invite.create', 'refused', { sessionId, detail: why });
    if (error instanceof WasendNotFoundError)
      return void (await ctx.reply(ctx.t('invite-missing', { id: sessionId }) + (await didYouMean(ctx, sessionId))));
    return void (await ctx.reply(ctx.t('invite-unchecked', { id: sessionId, reason: why })));
  }
  await store.invites.purge(INVITE_KEEP_MS);
  const { token, expiresAt } = await store.invites.create({ sessionId, createdBy: ctx.access.userId, ttlMs: config.inviteTtlMs });
  await audit(ctx, 'invite.create', 'ok', { sessionId, detail: `expires ${formatDateTime('en', expiresAt)}` });
  const link = `https://t.me/${ctx.me.username}?start=${token}`;
  await ctx.reply(ctx.t('invite-made', { session: ctx.deps.names.label(sessionId), until: formatDateTime(ctx.locale, expiresAt), link }), {
    link_preview_options: { is_disabled: true },
  });
});

admin.command('invites', async (ctx) => {
  const args = splitArgs(ctx.match);
  const sessionId = args?.length === 1 ? parseSessionId(args[0]) : undefined;
  if (args === undefined || args.length > 1 || (args.length === 1 && sessionId === undefined)) return void (await ctx.reply(ctx.t('usage-invites')));
  const open = await ctx.deps.store.invites.listOpen(sessionId);
  if (open.length === 0)
    return void (await ctx.reply(sessionId === undefined ? ctx.t('invites-none') : ctx.t('invites-none-for', { id: sessionId })));
  const people = await peopleLabels(
    ctx,
    open.map((i) => i.createdBy),
  );
  const lines = open.map((i) =>
    ctx.t('invites-line', { invite: i.id, id: i.sessionId, by: people.get(i.createdBy) ?? '', until: formatDateTime(ctx.locale, i.expiresAt) }),
  );
  await ctx.reply(joinLimited([ctx.t('invites-title'), ...lines], ctx.t));
});

admin.command('uninvite', async (ctx) => {
  const args = splitArgs(ctx.match);
  const id = args?.length === 1 && /^[0-9a-f]{8}$/i.test(args[0] ?? '') ? (args[0] as string).toLowerCase() : undefined;
  if (id === undefined) return void (await ctx.reply(ctx.t('usage-uninvite')));
  const voided = await ctx.deps.store.invites.void(id);
  await audit(ctx, 'invite.void', voided ? 'ok' : 'not_found', { detail: id });
  await ctx.reply(ctx.t(voided ? 'uninvite-done' : 'uninvite-unknown', { invite: id }));
});

admin.command('audit', async (ctx) => {
  const args = splitArgs(ctx.match);
  if (args === undefined || args.length > 1) return void (await ctx.reply(ctx.t('usage-audit')));
  const arg = args[0];
  const userId = arg === undefined ? undefined : parseUserId(arg);
  const sessionId = arg === undefined || userId !== undefined ? undefined : parseSessionId(arg);
  if (arg !== undefined && userId === undefined && sessionId === undefined) return void (await ctx.reply(ctx.t('usage-audit')));
  const filter = userId !== undefined ? { userId } : sessionId !== undefined ? { sessionId } : {};
  const entries = await ctx.deps.store.audit.latest(AUDIT_ENTRIES_SHOWN, filter);
  if (entries.length === 0) return void (await ctx.reply(ctx.t('audit-empty')));
  const title =
    arg === undefined
      ? ctx.t('audit-title', { count: entries.length })
      : ctx.t('audit-title-filtered', { count: entries.length, filter: userId !== undefined ? await personLabel(ctx, userId) : (sessionId ?? '') });
  const people = await peopleLabels(
    ctx,
    entries.flatMap((entry) => [entry.userId ?? [], targetOf(entry) ?? []].flat()),
  );
  await ctx.reply(joinLimited([title, ...entries.map((entry) => auditSentence(ctx, entry, people))], ctx.t));
});

/** The person an entry's detail names (`user 222`), if any. */
const targetOf = (entry: AuditEntry): number | undefined => {
  const target = /^user (\d+)$/.exec((entry.detail ?? '').slice(0, 120))?.[1];
  return target === undefined ? undefined : Number(target);
};

/** One audit entry as a sentence: "2 Dec 2026, 14:05 UTC: Ana (@ana, 222) was refused /grant". `people` labels its user ids. */
export function auditSentence(ctx: BotContext, entry: AuditEntry, people: ReadonlyMap<number, string>): string {
  const at = formatDateTime(ctx.locale, entry.at);
  const label = (id: number) => people.get(id) ?? String(id);
  const who = entry.userId === null ? ctx.t('audit-nobody') : label(entry.userId);
  const session = entry.sessionId === null ? '' : ctx.deps.names.label(entry.sessionId);
  const detail = (entry.detail ?? '').slice(0, 120);
  const target = targetOf(entry);
  const args = {
    at,
    who,
    session,
    outcome: outcomeInWords(ctx, entry.outcome),
    detail: target === undefined ? detail : label(target),
    what: detail,
    action: entry.action,
  };
  switch (entry.action) {
    case 'qr':
      return ctx.t(entry.outcome === 'sent' ? 'audit-qr-ok' : 'audit-qr-other', args);
    case 'pair':
      return ctx.t(entry.outcome === 'sent' ? 'audit-pair-ok' : 'audit-pair-other', args);
    case 'denied':
      return ctx.t('audit-denied', args);
    case 'invite.redeem':
      return ctx.t('audit-invite-redeem', args);
    case 'grant':
      if (entry.outcome === 'unchanged') return ctx.t('audit-grant-unchanged', args);
      break;
    default:
      break;
  }
  // One sentence per action that went through; anything else in the general form.
  const id = entry.outcome === 'ok' ? OK_SENTENCES[entry.action] : undefined;
  return ctx.t(id ?? 'audit-other', args);
}

/** An outcome code of the audit log (`not_found`, `unavailable:down`) in the reader's words; an unknown one as it is. */
function outcomeInWords(ctx: BotContext, outcome: string): string {
  const id = `audit-outcome-${outcome.replace(':', '-')}`;
  const words = /^[a-z_:-]{1,40}$/.test(outcome) ? ctx.t(id) : id;
  return words === id ? outcome.slice(0, 40) : words;
}

const OK_SENTENCES: Readonly<Record<string, string>> = {
  grant: 'audit-grant',
  revoke: 'audit-revoke',
  'invite.create': 'audit-invite-create',
  'invite.void': 'audit-invite-void',
  'session.create': 'audit-session-create',
  'session.restart': 'audit-session-restart',
  'session.stop': 'audit-session-stop',
  'session.delete': 'audit-session-delete',
  'passkey.confirm': 'audit-passkey-confirm',
  'passkey.reject': 'audit-passkey-reject',
  watch: 'audit-watch',
  unwatch: 'audit-unwatch',
  'qr.cancel': 'audit-qr-cancel',
  language: 'audit-language',
};
