import type { InlineKeyboardMarkup } from 'grammy/types';
import type { Translate } from '../i18n/catalogue.js';
import type { QrView } from '../live/types.js';

/** Where a `/relink` walk stands in its chat: the session it shows now, in which message, and its place. */
export interface WalkStep {
  /** The walk's message (null before its first photo went out). */
  readonly messageId: number | null;
  readonly sessionId: string;
  /** 1-based. */
  readonly index: number;
  readonly total: number;
}

export interface Relink {
  /** The chat's walk step, as last read (every live edit asks: no query). */
  step(chatId: number): Promise<WalkStep | undefined>;
  /** Starts a walk over `sessions` in the chat (replacing one that runs there). */
  start(chatId: number, userId: number, sessions: readonly string[]): Promise<void>;
  /** Skip, Stop and Try again on the walk's message; false when the message is not the chat's running walk. */
  press(chatId: number, userId: number, messageId: number | undefined, action: 'skip' | 'stop' | 'retry'): Promise<boolean>;
  /** Reads the stored walks (after a restart), then looks at them every second (a link seen elsewhere). */
  resume(): Promise<void>;
  /** Stops looking and lets the steps in flight finish (the live engine's stop releases a step waiting for its code). */
  stop(): Promise<void>;
}

export const RELINK_SKIP = 'rl:skip';
export const RELINK_STOP = 'rl:stop';
export const RELINK_RETRY = 'rl:retry';

/** The walk's first caption line: "Relinking 3 of 12: Front desk". */
export function walkLead(step: WalkStep, t: Translate, label: (sessionId: string) => string): string {
  return `${t('relink-step', { index: step.index, total: step.total, session: label(step.sessionId) })}\n`;
}

/** Skip and Stop under what a live face offers (but its Cancel: Stop ends the walk); a final face has no buttons. */
export function walkKeyboard(markup: InlineKeyboardMarkup, view: QrView, t: Translate): InlineKeyboardMarkup {
  if (view.kind !== 'code' && view.kind !== 'expired') return markup;
  const rows = markup.inline_keyboard
    .map((row) => row.filter((button) => !('callback_data' in button && button.callback_data === 'qr:cancel')))
    .filter((row) => row.length > 0);
  return { inline_keyboard: [...rows, walkButtons(t)] };
}

export function walkButtons(t: Translate): InlineKeyboardMarkup['inline_keyboard'][number] {
  return [
    { text: t('button-skip'), callback_data: RELINK_SKIP },
    { text: t('button-stop'), callback_data: RELINK_STOP },
  ];
}
