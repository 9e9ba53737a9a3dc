import type { BotContext } from './context.js';

/**
 * Wait before the first chat action, in ms. Telegram advises sending one only when the answer will take a
 * noticeable time; a `/qr` answered from a code Wasend already shows is usually out before this, and the
 * action would cost one more Bot API call at exactly the moment a burst of `/qr` needs every call it can get.
 */
export const CHAT_ACTION_DELAY_MS = 400;

/**
 * Shows `action` ("sending photo…") while slow work runs: first after {@link CHAT_ACTION_DELAY_MS}, then
 * every 4 s (Telegram shows one for about 5 s). Returns the stop function; stopping before the delay sends none.
 */
export function keepChatAction(ctx: BotContext, action: 'upload_photo' | 'typing'): () => void {
  const send = () => {
    ctx.replyWithChatAction(action).catch((error: unknown) => ctx.log.debug({ err: error }, 'chat action failed'));
  };
  let repeat: NodeJS.Timeout | undefined;
  const first = setTimeout(() => {
    send();
    repeat = setInterval(send, 4_000);
    repeat.unref();
  }, CHAT_ACTION_DELAY_MS);
  first.unref();
  return () => {
    clearTimeout(first);
    clearInterval(repeat);
  };
}
