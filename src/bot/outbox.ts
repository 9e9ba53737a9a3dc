import type { Transformer } from 'grammy';

/** Options of {@link createOutbox}. */
export interface OutboxOptions {
  /** Messages a second for the whole bot (Telegram: about 30). Default 30. */
  readonly perSecond?: number;
  /** Messages a minute into one group or channel (Telegram: 20). Default 20. */
  readonly perGroupPerMinute?: number;
  /** Messages that may go out at once after a quiet spell (Telegram tolerates short bursts). Default twice `perSecond`. */
  readonly burst?: number;
  /** The clock (tests). Default `Date.now`. */
  readonly now?: () => number;
}

/** Methods that put or change a message in a chat: these count against Telegram's limits. */
const COUNTED = /^(send(?!ChatAction)|edit|copy|forward|delete)/;

/** A group's limit is over this window, ms (Telegram: 20 messages a minute into one group). */
const GROUP_WINDOW_MS = 60_000;

/** Marks a call that may wait behind everything a person waits for (see {@link canWait}). */
const CAN_WAIT = Symbol('outbox: can wait');

/**
 * Marks the options of a call (`other` of a grammY method) as one that may wait behind every call a person waits for:
 * an old message of a session turning into "replaced" when the newer one went out. The mark is a symbol: grammY
 * copies it into the payload it hands the outbox and never sends it to Telegram.
 */
export function canWait<T extends object>(other: T): T {
  return Object.assign(other, { [CAN_WAIT]: true });
}

type Priority = 0 | 1 | 2 | 3;
/** The priority of what nobody waits for. */
const BACKGROUND: Priority = 3;

/**
 * Lower goes first. A live QR code that changed is worth more than anything else the bot says: a 20 s code
 * that waits loses its life. The photo of a new `/qr` next, then replies (refusals among them), then what nobody
 * waits for.
 */
function priorityOf(method: string, payload: unknown): Priority {
  if ((payload as { [CAN_WAIT]?: boolean } | undefined)?.[CAN_WAIT] === true) return BACKGROUND;
  if (method === 'editMessageMedia' || method === 'editMessageCaption') return 0;
  if (method === 'sendPhoto') return 1;
  return 2;
}

interface Waiting {
  readonly go: () => void;
  readonly fail: (error: Error) => void;
}

/** The calls of one group waiting for its limit, and when its last calls went out. */
interface Group {
  readonly sentAt: number[];
  readonly waiting: Waiting[];
  timer?: NodeJS.Timeout;
}

/**
 * One outgoing queue for every Telegram call that sends or edits a message, within Telegram's limits, served by
 * priority: live QR edits before the photo of a new `/qr`, both before text replies, and what nobody waits for last,
 * only while a third of the burst is left for the rest. The bot's limit is a token
 * bucket (`burst` at once after a quiet spell, refilled continuously at `perSecond`), so that over any few seconds
 * the bot stays at Telegram's rate while fifty phones linking at once all hear of it at once. Each group has its own
 * limit over the last minute, and a group waiting for it holds nobody else. Install it with `api.config.use(outbox)`
 * on every `Api` that talks to Telegram, sharing one instance.
 *
 * It replaced Bottleneck (unmaintained since 2019), whose scheduling cost a `/qr` more main-thread time than the
 * call it scheduled: here a call that finds a token costs a subtraction.
 */
export function createOutbox(options: OutboxOptions = {}): Transformer & { stop(): Promise<void>; queued(): number } {
  const perSecond = options.perSecond ?? 30;
  const perGroupPerMinute = options.perGroupPerMinute ?? 20;
  const burst = options.burst ?? 2 * perSecond;
  const now = options.now ?? Date.now;
  let tokens = burst;
  let refilledAt = now();
  const queues: [Waiting[], Waiting[], Waiting[], Waiting[]] = [[], [], [], []];
  let timer: NodeJS.Timeout | undefined;
  const groups = new Map<string, Group>();
  let stopped = false;

  const refill = () => {
    const at = now();
    tokens = Math.min(burst, tokens + ((at - refilledAt) * perSecond) / 1000);
    refilledAt = at;
  };
  // What nobody waits for leaves this many tokens to people: a burst of them cannot spend what the next photos need.
  const reserve = Math.floor(burst / 3);
  const pump = () => {
    timer = undefined;
    refill();
    for (;;) {
      const priority = queues.findIndex((q) => q.length > 0);
      if (priority < 0) return;
      const needed = priority === BACKGROUND ? 1 + reserve : 1;
      if (tokens < needed) {
        timer = setTimeout(pump, Math.ceil(((needed - tokens) * 1000) / perSecond));
        return;
      }
      tokens -= 1;
      queues[priority]!.shift()!.go();
    }
  };
  /** Waits for a token of the bot's bucket, by priority. */
  const slot = (priority: Priority) =>
    new Promise<void>((go, fail) => {
      queues[priority].push({ go, fail });
      if (timer === undefined) pump();
    });

  const releaseGroup = (key: string, group: Group) => {
    group.timer = undefined;
    const at = now();
    while (group.sentAt.length > 0 && group.sentAt[0]! <= at - GROUP_WINDOW_MS) group.sentAt.shift();
    while (group.waiting.length > 0 && group.sentAt.length < perGroupPerMinute) {
      group.sentAt.push(at);
      group.waiting.shift()!.go();
    }
    if (group.waiting.length > 0) group.timer = setTimeout(() => releaseGroup(key, group), group.sentAt[0]! + GROUP_WINDOW_MS - at);
    else if (group.sentAt.length === 0) groups.delete(key);
  };
  /** Waits until the group has sent fewer than its limit over the last minute. */
  const groupTurn = (key: string) =>
    new Promise<void>((go, fail) => {
      let group = groups.get(key);
      if (group === undefined) groups.set(key, (group = { sentAt: [], waiting: [] }));
      group.waiting.push({ go, fail });
      if (group.timer === undefined) releaseGroup(key, group);
    });

  const transformer: Transformer = async (prev, method, payload, signal) => {
    if (!COUNTED.test(method)) return prev(method, payload, signal);
    if (stopped) throw new Error('The outgoing queue is stopped');
    const chatId = (payload as { chat_id?: unknown }).chat_id;
    const inGroup = (typeof chatId === 'number' && chatId < 0) || (typeof chatId === 'string' && chatId.startsWith('@'));
    if (inGroup) await groupTurn(String(chatId));
    await slot(priorityOf(method, payload));
    return prev(method, payload, signal);
  };
  return Object.assign(transformer, {
    /** Calls waiting for Telegram's limits (the bot's and the groups'). */
    queued() {
      let count = 0;
      for (const queue of queues) count += queue.length;
      for (const group of groups.values()) count += group.waiting.length;
      return count;
    },
    /** Stops taking calls; calls still waiting are dropped (they reject), so a stop never waits out a limit. */
    stop() {
      stopped = true;
      clearTimeout(timer);
      const dropped = new Error('The outgoing queue stopped before this call went out');
      for (const group of groups.values()) {
        clearTimeout(group.timer);
        for (const w of group.waiting.splice(0)) w.fail(dropped);
      }
      for (const queue of queues) for (const w of queue.splice(0)) w.fail(dropped);
      return Promise.resolve();
    },
  });
}
