import { clipLabel, displayName } from '../../shared/display-name.js';
import { Composer, InlineKeyboard } from 'grammy';
import { maskPhone } from '../../shared/phone.js';
import type { SessionInfo } from '../../wasend/types.js';
import { deny } from '../access.js';
import { parseSessionId, splitArgs } from '../args.js';
import { fitsCallbackData } from '../../shared/callback-data.js';
import { keepChatAction } from '../chat-action.js';
import type { BotContext } from '../context.js';
import { statusText } from '../texts.js';
import { describeWasendFailure } from '../wasend-failure.js';
import { PICK_PREFIX } from './qr.js';

/** Sessions per page of `/sessions` (each gets a row of two buttons). */
export const SESSIONS_PAGE_SIZE = 8;
const PAGE_PREFIX = 'ss:';
const STATUS_PREFIX = 'st:';
const MAX_NAME_CHARS = 40;

/**
 * `/sessions`: per session its name, masked phone number and status in words, with buttons to open its QR or its
 * status; paged. Admins see Wasend's list, everyone else their granted sessions. Private chats only.
 */
export const sessionsFeature = new Composer<BotContext>();
const dm = sessionsFeature.chatType('private');

dm.command('sessions', async (ctx) => {
  if (splitArgs(ctx.match)?.length !== 0) return void (await ctx.reply(ctx.t('usage-sessions')));
  if (!ctx.access.isAdmin && ctx.access.granted.length === 0) return void (await ctx.reply(ctx.t('no-sessions')));
  if (!(await ctx.allowRequest())) return;
  const stopAction = keepChatAction(ctx, 'typing');
  try {
    const page = await renderPage(ctx, 0);
    await ctx.reply(page.text, { reply_markup: page.keyboard });
  } finally {
    stopAction();
  }
});

dm.callbackQuery(new RegExp(`^${PAGE_PREFIX}(\\d{1,5})$`), async (ctx) => {
  if (!(await ctx.allowRequest())) return;
  await ctx.answerCallbackQuery();
  const page = await renderPage(ctx, Number(ctx.match[1]));
  await ctx.editMessageText(page.text, { reply_markup: page.keyboard }).catch(() => undefined);
});

dm.callbackQuery(new RegExp(`^${STATUS_PREFIX}(.+)$`), async (ctx) => {
  const sessionId = parseSessionId(ctx.match[1]);
  if (sessionId === undefined) return void (await ctx.answerCallbackQuery());
  if (!(await ctx.access.canUse(sessionId))) return deny(ctx, 'button st', ctx.t('refused-session'), sessionId);
  if (!(await ctx.allowRequest())) return;
  await ctx.answerCallbackQuery();
  try {
    const info = await ctx.deps.wasend.getSession(sessionId, { lane: 'person', fairKey: String(ctx.access.userId) });
    await ctx.reply(`${statusText(ctx.t, info.status)}\n${sessionLine(ctx, info, ctx.deps.liveQr.liveSessions().includes(sessionId))}`);
  } catch (error) {
    await ctx.reply(`${sessionId}: ${describeWasendFailure(error, ctx.t)}.`);
  }
});

/** `• Shop phone (shop-1) · +55 •• ••••-4321`, under the heading of its status. */
function sessionLine(ctx: BotContext, info: SessionInfo, live: boolean): string {
  const shown = displayName(info.name ?? '', MAX_NAME_CHARS);
  const name = shown === '' ? info.id : `${shown} (${info.id})`;
  const phone = info.phone === undefined || info.phone === '' ? '' : ` · ${maskPhone(info.phone)}`;
  return `• ${name}${phone}${live ? ` · ${ctx.t('sessions-live')}` : ''}`;
}

/** Lines grouped under their status, each status said once, in the order the statuses first appear. */
function grouped(lines: ReadonlyArray<{ readonly status: string; readonly line: string }>): string[] {
  const groups = new Map<string, string[]>();
  for (const { status, line } of lines) groups.set(status, [...(groups.get(status) ?? []), line]);
  return [...groups].flatMap(([status, members]) => (status === '' ? members : [`${status}:`, ...members]));
}

interface Page {
  readonly text: string;
  readonly keyboard: InlineKeyboard;
}

/** Page `index` (clamped) of the sessions the person may use. */
async function renderPage(ctx: BotContext, index: number): Promise<Page> {
  const options = { lane: 'person' as const, fairKey: String(ctx.access.userId) };
  let ids: readonly string[];
  let known = new Map<string, SessionInfo>();
  if (ctx.access.isAdmin) {
    try {
      const sessions = await ctx.deps.wasend.listSessions(options);
      ids = sessions.map((s) => s.id);
      known = new Map(sessions.map((s) => [s.id, s]));
    } catch (error) {
      return { text: ctx.t('list-failed', { reason: describeWasendFailure(error, ctx.t) }), keyboard: new InlineKeyboard() };
    }
    if (ids.length === 0) return { text: ctx.t('sessions-none-admin'), keyboard: new InlineKeyboard() };
  } else {
    ids = ctx.access.granted;
    if (ids.length === 0) return { text: ctx.t('no-sessions'), keyboard: new InlineKeyboard() };
  }
  const pages = Math.ceil(ids.length / SESSIONS_PAGE_SIZE);
  const page = Math.min(Math.max(0, index), pages - 1);
  const shown = ids.slice(page * SESSIONS_PAGE_SIZE, (page + 1) * SESSIONS_PAGE_SIZE);
  const live = new Set(ctx.deps.liveQr.liveSessions());
  const lines = await Promise.all(
    shown.map(async (id) => {
      const info = known.get(id) ?? (await ctx.deps.wasend.getSession(id, options).catch((error: unknown) => describeWasendFailure(error, ctx.t)));
      if (typeof info === 'string') return { id, name: id, status: '', line: `❔ ${id}: ${info}` };
      return { id, name: info.name ?? id, status: statusText(ctx.t, info.status), line: sessionLine(ctx, info, live.has(id)) };
    }),
  );
  const keyboard = new InlineKeyboard();
  for (const { id, name } of lines) {
    if (!fitsCallbackData(PICK_PREFIX + id) || !fitsCallbackData(STATUS_PREFIX + id)) continue;
    if (keyboard.inline_keyboard.at(-1)?.length) keyboard.row();
    keyboard.text(`📷 ${clipLabel(name, 24)}`, PICK_PREFIX + id).text(ctx.t('sessions-button-status'), STATUS_PREFIX + id);
  }
  if (pages > 1) {
    if (keyboard.inline_keyboard.at(-1)?.length) keyboard.row();
    if (page > 0) keyboard.text(ctx.t('sessions-button-previous'), `${PAGE_PREFIX}${page - 1}`);
    if (page < pages - 1) keyboard.text(ctx.t('sessions-button-next'), `${PAGE_PREFIX}${page + 1}`);
  }
  const heading = ctx.t(ctx.access.isAdmin ? 'sessions-title-admin' : 'sessions-title-user', { count: ids.length });
  const pageNote = pages > 1 ? ctx.t('sessions-page', { page: page + 1, pages }) : '';
  const text = [`${heading}${pageNote}:`, ...grouped(lines), '', ctx.t('sessions-footer')].join('\n');
  return { text, keyboard };
}
