import type { BotContext } from './context.js';

/** Telegram shows a chat action for about 5 s; repeat it until the work is done. Returns the stop function. */
export function keepChatAction(ctx: BotContext, action: 'upload_photo' | 'typing'): () => void {
  const send = () => {
    ctx.replyWithChatAction(action).catch((error: unknown) => ctx.log.debug({ err: error }, 'chat action failed'));
  };
  send();
  const timer = setInterval(send, 4_000);
  timer.unref();
  return () => clearInterval(timer);
}
