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
  new Gauge({
    name: `${prefix}live_messages`,
    help: "Live QR messages showing a code, in the store (every instance's).",
    registers: [registry],
    async collect() {
      this.set((await sources.liveMessages?.()) ?? 0);
    },
  });
  new Gauge({
    name: `${prefix}live_sessions`,
    help: 'Sessions whose live QR messages this instance keeps.',
    registers: [registry],
    collect() {
      this.set(sources.liveSessions?.() ?? 0);
    },
  });
  new Gauge({
    name: `${prefix}live_sessions_by_state`,
    help: 'Sessions with live messages on this instance, by the state the status feed last saw (awaiting_scan, starting, passkey_required, ...).',
    labelNames: ['state'] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const [state, count] of Object.entries(sources.sessionStates?.() ?? {})) this.set({ state }, count);
    },
  });
  new Gauge({
    name: `${prefix}outgoing_queue_length`,
    help: "Telegram calls waiting in the outgoing queue for Telegram's limits.",
    registers: [registry],
    collect() {
      this.set(sources.outgoingQueue?.() ?? 0);
    },
  });
  new Gauge({
    name: `${prefix}role_held`,
    help: 'Roles this instance holds now (1) or stands by for (0): poller, health.',
    labelNames: ['role'] as const,
    registers: [registry],
    collect() {
      for (const [role, held] of Object.entries(sources.roles?.() ?? {})) this.set({ role }, held ? 1 : 0);
    },
  });
  new Gauge({
    name: `${prefix}inbox_pending_updates`,
    help: "Telegram updates taken into this instance's inbox, queued or running.",
    registers: [registry],
    collect() {
      this.set(sources.pendingUpdates?.() ?? 0);
    },
  });
  new Gauge({
    name: `${prefix}gateway_budget_free_tokens`,
    help: "Requests this instance's gateway budget lets out at once now (its token bucket).",
    registers: [registry],
    collect() {
      this.set(sources.budget?.().tokens ?? 0);
    },
  });
  new Gauge({
    name: `${prefix}gateway_budget_rps`,
    help: 'Gateway requests a second the budget allows now (halved after a 429, recovering over time).',
    registers: [registry],
    collect() {
      this.set(sources.budget?.().currentRps ?? 0);
    },
  });
  new Gauge({
    name: `${prefix}gateway_sessions_by_state`,
    help: 'Sessions on the gateway by the state it last described (any list or look, lately).',
    labelNames: ['state'],
    registers: [registry],
    collect() {
      this.reset();
      for (const [state, count] of Object.entries(sources.gatewaySessions?.() ?? {})) this.set({ state }, count);
    },
  });
  new Gauge({
    name: `${prefix}session_leases_held`,
    help: 'Session leases this instance holds: the sessions whose live messages it keeps (0 for one instance alone).',
    registers: [registry],
    collect() {
      this.set(sources.sessionLeases?.() ?? 0);
    },
  });
  new Gauge({
    name: `${prefix}inbox_oldest_waiting_seconds`,
    help: 'Age of the oldest Telegram update taken and not handled yet, by any instance (0 when none waits).',
    registers: [registry],
    async collect() {
      const at = (await sources.oldestUpdateAt?.()) ?? null;
      this.set(at === null ? 0 : Math.max(0, (Date.now() - at) / 1000));
    },
  });
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
