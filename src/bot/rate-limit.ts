import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import type { BotContext } from './context.js';

/** Default of `USER_REQUESTS_PER_MINUTE`. */
export const DEFAULT_REQUESTS_PER_MINUTE = 20;

/**
 * How often one user may make the bot ask Wasend (`/qr`, `/status`, the QR buttons): `perMinute` a minute, each
 * user on their own (rate-limiter-flexible's memory store). Admins are not limited: on the day everything logs
 * out, they are the ones asking for fifty codes. A refused request is told when to try again, once per window.
 */
export function createUserRateLimit(perMinute: number) {
  const limiter = new RateLimiterMemory({ points: perMinute, duration: 60 });
  const warned = new RateLimiterMemory({ points: 1, duration: 60 });
  return async function allow(ctx: BotContext): Promise<boolean> {
    if (ctx.access.isAdmin || perMinute <= 0) return true;
    const key = String(ctx.access.userId);
    try {
      await limiter.consume(key);
      return true;
    } catch (rejection) {
      if (!(rejection instanceof RateLimiterRes)) throw rejection;
      const seconds = Math.max(1, Math.ceil(rejection.msBeforeNext / 1000));
      const text = ctx.t('slow-down', { seconds });
      const tell = await warned.consume(key).then(
        () => true,
        () => false,
      );
      if (ctx.callbackQuery) await ctx.answerCallbackQuery(tell ? { text } : {});
      else if (tell) await ctx.reply(text);
      return false;
    }
  };
}
