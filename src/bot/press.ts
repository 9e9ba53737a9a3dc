import { setTimeout as delay } from 'node:timers/promises';
import type { LiveMessage } from '../store/types.js';
import type { BotContext } from './context.js';

/** A photo this young (by Telegram's clock) may still be being stored when its button is pressed. */
const FRESH_MESSAGE_S = 15;
/** How long a press on such a message waits for its row, and how often it looks. */
const STORE_WAIT_MS = 2_500;
const STORE_LOOK_EVERY_MS = 100;

/**
 * The stored live message a button was pressed on. The photo reaches the chat before its row is stored: a press
 * on a photo sent in the last few seconds waits for the row (a couple of seconds at most) instead of being told
 * the message is no longer active. A press on an older unknown message is answered at once.
 */
export async function liveMessageOfPress(ctx: BotContext, messageId = ctx.callbackQuery?.message?.message_id): Promise<LiveMessage | undefined> {
  const chatId = ctx.chat?.id;
  if (chatId === undefined || messageId === undefined) return undefined;
  const { liveMessages } = ctx.deps.store;
  const found = await liveMessages.get(chatId, messageId);
  // Only a photo can be a live message; a fresh one may still be being stored.
  const pressed = ctx.callbackQuery?.message;
  const fresh = pressed !== undefined && 'photo' in pressed && pressed.photo !== undefined && Date.now() / 1000 - pressed.date <= FRESH_MESSAGE_S;
  if (found !== undefined || !fresh) return found;
  const deadline = Date.now() + STORE_WAIT_MS;
  while (Date.now() < deadline) {
    await delay(STORE_LOOK_EVERY_MS);
    const row = await liveMessages.get(chatId, messageId);
    if (row !== undefined) return row;
  }
  return undefined;
}
