import Bottleneck from 'bottleneck';
import type { Transformer } from 'grammy';

/** Options of {@link createOutbox}. */
export interface OutboxOptions {
  /** Messages a second for the whole bot (Telegram: about 30). Default 30. */
  readonly perSecond?: number;
  /** Messages a minute into one group or channel (Telegram: 20). Default 20. */
  readonly perGroupPerMinute?: number;
  /** Messages that may go out at once after a quiet spell (Telegram tolerates short bursts). Default twice `perSecond`. */
  readonly burst?: number;
}

/** Methods that put or change a message in a chat: these count against Telegram's limits. */
const COUNTED = /^(send(?!ChatAction)|edit|copy|forward|delete)/;

/**
 * Lower goes first. A live QR code that changed is worth more than anything else the bot says: a 20 s code
 * that waits loses its life. Replies (refusals among them) come after.
 */
function priorityOf(method: string): number {
  if (method === 'editMessageMedia' || method === 'editMessageCaption') return 1;
  if (method === 'sendPhoto') return 2;
  return 5;
}

/**
 * One outgoing queue for every Telegram call that sends or edits a message, within Telegram's limits (a
 * Bottleneck token bucket for the bot, refilled continuously; a reservoir refilled every minute for each group), served by priority:
 * live QR edits before the photo of a new `/qr`, both before text replies. Install it with
 * `api.config.use(outbox)` on every `Api` that talks to Telegram, sharing one instance.
 */
export function createOutbox(options: OutboxOptions = {}): Transformer & { stop(): Promise<void>; queued(): number } {
  const perSecond = options.perSecond ?? 30;
  const perGroupPerMinute = options.perGroupPerMinute ?? 20;
  // A token bucket: `burst` at once after a quiet spell, refilled a tenth of `perSecond` every 100 ms, so that over
  // any few seconds the bot stays at Telegram's rate while fifty phones linking at once all hear of it at once.
  const burst = options.burst ?? 2 * perSecond;
  const bot = new Bottleneck({
    reservoir: burst,
    reservoirIncreaseAmount: perSecond / 10,
    reservoirIncreaseInterval: 100,
    reservoirIncreaseMaximum: burst,
    // Bottleneck refills on its heartbeat (250 ms by default): at most one increase a beat.
    heartbeatInterval: 100,
  });
  const groups = new Bottleneck.Group({
    reservoir: perGroupPerMinute,
    reservoirRefreshAmount: perGroupPerMinute,
    reservoirRefreshInterval: 60_000,
  });
  const transformer: Transformer = (prev, method, payload, signal) => {
    if (!COUNTED.test(method)) return prev(method, payload, signal);
    const chatId = (payload as { chat_id?: unknown }).chat_id;
    const inGroup = (typeof chatId === 'number' && chatId < 0) || (typeof chatId === 'string' && chatId.startsWith('@'));
    const call = () => prev(method, payload, signal);
    const counted = inGroup ? () => groups.key(String(chatId)).schedule(call) : call;
    return bot.schedule({ priority: priorityOf(method) }, counted);
  };
  return Object.assign(transformer, {
    /** Calls waiting for Telegram's limits (bot-wide; a group's queue is inside it). */
    queued() {
      const counts = bot.counts();
      return counts.RECEIVED + counts.QUEUED;
    },
    /** Stops taking calls; calls still waiting are dropped (they reject), so a stop never waits out a limit. */
    async stop() {
      // Groups first: a bot-wide job may be waiting inside a group's limit.
      await Promise.all(groups.limiters().map(({ limiter }) => limiter.stop({ dropWaitingJobs: true }).catch(() => undefined)));
      await bot.stop({ dropWaitingJobs: true }).catch(() => undefined);
    },
  });
}
