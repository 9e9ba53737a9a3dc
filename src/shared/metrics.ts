import { LRUCache } from 'lru-cache';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';

/** Bot API methods worth a label of their own; any other is counted as `other` (labels stay bounded). */
const TELEGRAM_METHODS = new Set([
  'getUpdates',
  'sendMessage',
  'sendPhoto',
  'editMessageMedia',
  'editMessageCaption',
  'editMessageText',
  'answerCallbackQuery',
  'sendChatAction',
  'deleteMessage',
  'setMyCommands',
  'getMe',
  'setWebhook',
  'deleteWebhook',
]);

/** What a scrape reads at that moment (each may be left out). */
export interface MetricSources {
  /** Live QR messages showing a code (in the store). */
  liveMessages?: () => Promise<number>;
  /** Sessions whose live messages this instance keeps. */
  liveSessions?: () => number;
  /** Telegram calls waiting in the outgoing queue. */
  outgoingQueue?: () => number;
  /** Roles this instance holds now (`poller`, `health`), 1 or 0 each. */
  roles?: () => Record<string, boolean>;
  /** Sessions with live messages here, by the state the status feed last saw. */
  sessionStates?: () => Record<string, number>;
  /** Telegram updates taken into this instance's inbox and not handled yet. */
  pendingUpdates?: () => number;
  /** This instance's gateway request budget: tokens in its bucket, and the requests a second it allows now. */
  budget?: () => { readonly tokens: number; readonly currentRps: number };
  /** Every session the gateway described lately, by state. */
  gatewaySessions?: () => Record<string, number>;
  /** Session leases this instance holds (several instances). */
  sessionLeases?: () => number;
  /** When the oldest Telegram update not handled yet came in (epoch ms), any instance's; null when none waits. */
  oldestUpdateAt?: () => Promise<number | null>;
}

/**
 * The bot's Prometheus metrics, on a registry of its own (several apps in one process never share one). Labels are
 * bounded: lanes, outcomes, a fixed set of method names; never a session or a user id.
 */
export function createMetrics() {
  const registry = new Registry();
  const prefix = 'wasend_qr_bot_';
  const gatewayRequests = new Counter({
    name: `${prefix}gateway_requests_total`,
    help: 'Gateway HTTP attempts by lane (person, rotation, link, health) and outcome (ok, rate_limited, client_error, server_error, network).',
    labelNames: ['lane', 'outcome'] as const,
    registers: [registry],
  });
  const gatewaySeconds = new Histogram({
    name: `${prefix}gateway_request_seconds`,
    help: 'Time of one gateway HTTP attempt, by lane.',
    labelNames: ['lane'] as const,
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 15],
    registers: [registry],
  });
  const telegramCalls = new Counter({
    name: `${prefix}telegram_calls_total`,
    help: 'Bot API calls by method and outcome (ok, or what the one Telegram error classifier calls the failure).',
    labelNames: ['method', 'outcome'] as const,
    registers: [registry],
  });
  const firstAnswer = new Histogram({
    name: `${prefix}update_first_answer_seconds`,
    help: "Time from the start of an update's handling to the bot's first message or edit in that chat (a reply, a photo).",
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const rotationEdit = new Histogram({
    name: `${prefix}rotation_edit_seconds`,
    help: 'Time from the gateway answer that showed a new QR code to the edit of a live message showing it.',
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10],
    registers: [registry],
  });
  const sources: MetricSources = {};
  /** Chats with an update being handled and not answered yet: when its handling started (bounded). */
  const waiting = new LRUCache<number, number>({ max: 10_000 });
  /** A gauge read at each scrape. */
  const gauge = (name: string, help: string, read: () => number | Promise<number>) =>
    new Gauge({
      name: `${prefix}${name}`,
      help,
      registers: [registry],
      async collect() {
        this.set(await read());
      },
    });
  /** A gauge of counts by one label, read at each scrape (a label value gone since the last scrape is dropped). */
  const counts = (name: string, help: string, label: string, read: () => Record<string, number>) =>
    new Gauge({
      name: `${prefix}${name}`,
      help,
      labelNames: [label],
      registers: [registry],
      collect() {
        this.reset();
        for (const [value, count] of Object.entries(read())) this.set({ [label]: value }, count);
      },
    });
  gauge('live_messages', "Live QR messages showing a code, in the store (every instance's).", async () => (await sources.liveMessages?.()) ?? 0);
  gauge('live_sessions', 'Sessions whose live QR messages this instance keeps.', () => sources.liveSessions?.() ?? 0);
  counts(
    'live_sessions_by_state',
    'Sessions with live messages on this instance, by the state the status feed last saw (awaiting_scan, starting, passkey_required, ...).',
    'state',
    () => sources.sessionStates?.() ?? {},
  );
  gauge('outgoing_queue_length', "Telegram calls waiting in the outgoing queue for Telegram's limits.", () => sources.outgoingQueue?.() ?? 0);
  counts('role_held', 'Roles this instance holds now (1) or stands by for (0): poller, health.', 'role', () =>
    Object.fromEntries(Object.entries(sources.roles?.() ?? {}).map(([role, held]) => [role, held ? 1 : 0])),
  );
  gauge('inbox_pending_updates', "Telegram updates taken into this instance's inbox, queued or running.", () => sources.pendingUpdates?.() ?? 0);
  gauge(
    'gateway_budget_free_tokens',
    "Requests this instance's gateway budget lets out at once now (its token bucket).",
    () => sources.budget?.().tokens ?? 0,
  );
  gauge(
    'gateway_budget_rps',
    'Gateway requests a second the budget allows now (halved after a 429, recovering over time).',
    () => sources.budget?.().currentRps ?? 0,
  );
  counts(
    'gateway_sessions_by_state',
    'Sessions on the gateway by the state it last described (any list or look, lately).',
    'state',
    () => sources.gatewaySessions?.() ?? {},
  );
  gauge(
    'session_leases_held',
    'Session leases this instance holds: the sessions whose live messages it keeps (0 for one instance alone).',
    () => sources.sessionLeases?.() ?? 0,
  );
  gauge(
    'inbox_oldest_waiting_seconds',
    'Age of the oldest Telegram update taken and not handled yet, by any instance (0 when none waits).',
    async () => {
      const at = (await sources.oldestUpdateAt?.()) ?? null;
      return at === null ? 0 : Math.max(0, (Date.now() - at) / 1000);
    },
  );
  return {
    registry,
    /** Fills in what the scrape reads (called once the parts exist). */
    sources(more: MetricSources): void {
      Object.assign(sources, more);
    },
    gatewayAttempt(lane: string, outcome: string, seconds: number): void {
      gatewayRequests.inc({ lane, outcome });
      gatewaySeconds.observe({ lane }, seconds);
    },
    telegramCall(method: string, outcome: string): void {
      telegramCalls.inc({ method: TELEGRAM_METHODS.has(method) ? method : 'other', outcome });
    },
    rotationEdited(seconds: number): void {
      rotationEdit.observe(seconds);
    },
    /** An update of `chatId` starts being handled. */
    updateStarted(chatId: number | undefined): void {
      if (chatId !== undefined && !waiting.has(chatId)) waiting.set(chatId, performance.now());
    },
    /** The bot wrote into `chatId` (any Bot API call with that `chat_id`): the first one answers the waiting update. */
    answered(chatId: unknown): void {
      if (typeof chatId !== 'number') return;
      const startedAt = waiting.get(chatId);
      if (startedAt === undefined) return;
      waiting.delete(chatId);
      firstAnswer.observe((performance.now() - startedAt) / 1000);
    },
    /** The Prometheus text format. */
    async text(): Promise<string> {
      return registry.metrics();
    },
    contentType: registry.contentType,
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
