import { createEvolutionWebhookHandler } from './evolution-webhook.js';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { LogSink } from '../shared/logger.js';
import { BodyReadError, BodyTooLargeError, readBody } from './body.js';
import type { WebhookEventStore } from '../store/types.js';
import type { PushResult } from '../telegram/update-queue.js';
import type { HealthReport } from './health.js';
import { createTelegramWebhookHandler, secretsMatch } from './telegram-webhook.js';
import { singleHeader, UNAUTHORIZED, type Route, type WebhookOutcome, type WebhookRequest } from './types.js';
import { createWasendWebhookHandler, type WasendStatusEvent } from './wasend-webhook.js';
import { bearerPrecheck, displayHost, pathnameOf, sendJson, wasendPrecheck } from './exchange.js';
import { metricsRoute } from './metrics-route.js';
import { miniAppRoutes, type MiniAppOptions } from './mini-app.js';

/** Options of {@link createHttpServer}. */
export interface HttpServerOptions {
  /** Interface to listen on, e.g. `0.0.0.0` or `127.0.0.1`. */
  readonly host: string;
  /** TCP port; 0 picks a free one (see {@link HttpServer.port}). */
  readonly port: number;
  readonly logger: LogSink;
  /** `POST /webhooks/wasend`; without it that path answers 404 (the endpoint is off). */
  readonly wasendWebhook?: {
    readonly secret: string;
    /** The path's last part: `/webhooks/<gateway>` (default `wasend`). */
    readonly gateway?: string;
    readonly onEvent: (event: WasendStatusEvent) => void;
    readonly seenIds?: WebhookEventStore;
  };
  /** Telegram webhook at `path` (see {@link telegramWebhookPath}); without it that path answers 404. */
  readonly telegramWebhook?: {
    readonly path: string;
    readonly secret: string;
    readonly onUpdate: (update: unknown) => PushResult | Promise<PushResult>;
  };
  /** Builds the `GET /healthz` answer: 200 when `status` is `ok`, 503 otherwise. */
  readonly health: () => Promise<HealthReport>;
  /** `GET /metrics` (Prometheus text), refused unless `Authorization: Bearer <token>`; without it the path answers 404. */
  readonly metrics?: { readonly token: string; readonly contentType: string; readonly text: () => Promise<string> };
  /** The live view (Telegram Mini App) at `/app/` and its API; without it those paths answer 404. */
  readonly miniApp?: MiniAppOptions;
  /** Longest time to receive a request body, ms. Default 10000. */
  readonly bodyTimeoutMs?: number;
  /** Open connections at most; more are dropped at once (and logged). Default 512. */
  readonly maxConnections?: number;
  /** A connection that sends nothing for this long is closed, ms. Default 10000. */
  readonly idleTimeoutMs?: number;
  /** Request bytes buffered at once across all requests; a body beyond it gets 503. Default 4 MiB. */
  readonly maxBytesInFlight?: number;
}

export interface HttpServer {
  /** Base URL to reach the server, e.g. `http://127.0.0.1:43117` (loopback when listening on all interfaces). */
  readonly url: string;
  /** The port actually bound. */
  readonly port: number;
  /** Stops listening, lets answers in flight finish (at most about 1 s), then ends every connection, keep-alive ones too. */
  close(): Promise<void>;
  /** Requests being handled now, and the request bytes buffered for them (what `maxBytesInFlight` caps). */
  load(): { readonly requests: number; readonly bytesInFlight: number };
}

/** Wasend's status events are under 2 KiB. */
export const WASEND_BODY_LIMIT_BYTES = 8 * 1024;
/** Telegram updates are small, but a message with a long text and entities can reach tens of KiB. */
export const TELEGRAM_BODY_LIMIT_BYTES = 1024 * 1024;
export const WASEND_WEBHOOK_PATH = '/webhooks/wasend';
export const HEALTH_PATH = '/healthz';
export const METRICS_PATH = '/metrics';

const DEFAULT_BODY_TIMEOUT_MS = 10_000;
const DEFAULT_MAX_CONNECTIONS = 512;
const DEFAULT_IDLE_TIMEOUT_MS = 10_000;
const DEFAULT_MAX_BYTES_IN_FLIGHT = 4 * 1024 * 1024;
/** One log line per this many dropped connections or refused requests, so a flood cannot flood the log. */
const LOG_EVERY = 100;
const CLOSE_GRACE_MS = 1_000;

/** The path Telegram will POST to: the pathname of the configured webhook URL (`/` when it has none). */
export function telegramWebhookPath(webhookUrl: string): string {
  return new URL(webhookUrl).pathname || '/';
}

export type { Route } from './types.js';

/**
 * The listener for webhooks and health: `POST /webhooks/wasend`, `POST <telegram path>`, `GET /healthz`. Anything
 * else is 404; a known path with another method is 405. Webhooks are answered as soon as they are verified; their
 * work runs after the answer.
 */
export async function createHttpServer(options: HttpServerOptions): Promise<HttpServer> {
  const { logger } = options;
  const bodyTimeoutMs = options.bodyTimeoutMs ?? DEFAULT_BODY_TIMEOUT_MS;
  const routes = new Map<string, Route>();

  const budget = { inFlight: 0, max: options.maxBytesInFlight ?? DEFAULT_MAX_BYTES_IN_FLIGHT };
  const refusals = new Map<string, number>();
  /** Logs the first refusal of a kind and then one in {@link LOG_EVERY}. */
  const warnSometimes = (kind: string, fields: Record<string, unknown>, message: string) => {
    const count = (refusals.get(kind) ?? 0) + 1;
    refusals.set(kind, count);
    if (count % LOG_EVERY === 1) logger.warn({ ...fields, count }, message);
  };

  /**
   * A webhook route. `precheck` looks at the headers alone: a request without a well-formed signature or secret
   * is refused before one byte of its body is read or buffered.
   */
  const webhookRoute = (
    limitBytes: number,
    handle: (request: WebhookRequest) => WebhookOutcome | Promise<WebhookOutcome>,
    precheck: (headers: IncomingMessage['headers']) => WebhookOutcome | undefined,
    name: string,
  ): Route => ({
    methods: ['POST'],
    serve: async (request, response) => {
      const early = precheck(request.headers);
      if (early !== undefined) {
        warnSometimes(`${name}:header`, { webhook: name }, 'webhook refused before its body: missing or malformed signature or secret');
        return sendJson(response, early.status, early.body, { close: true });
      }
      let body: Buffer;
      try {
        body = await readBody(request, { limitBytes, timeoutMs: bodyTimeoutMs, budget });
      } catch (error) {
        if (error instanceof BodyReadError && error.reason === 'busy') {
          warnSometimes(`${name}:busy`, { webhook: name, maxBytesInFlight: budget.max }, 'webhook refused: too many bytes in flight');
          return sendJson(response, 503, { error: 'busy' }, { close: true });
        }
        if (error instanceof BodyTooLargeError) {
          logger.warn({ webhook: name, limitBytes }, 'webhook body too large');
          return sendJson(response, 413, { error: 'payload_too_large' }, { close: true });
        }
        if (error instanceof BodyReadError && error.reason === 'timeout') {
          logger.warn({ webhook: name }, 'webhook body timed out');
          return sendJson(response, 408, { error: 'request_timeout' }, { close: true });
        }
        return void response.destroy();
      }
      const outcome = await handle({ headers: request.headers, body });
      sendJson(response, outcome.status, outcome.body);
      const after = outcome.after;
      if (after === undefined) return;
      setImmediate(() => {
        try {
          after();
        } catch (error) {
          logger.error({ err: error, webhook: name }, 'webhook consumer failed');
        }
      });
    },
  });

  if (options.wasendWebhook !== undefined) {
    const hook = options.wasendWebhook;
    const base = `/webhooks/${hook.gateway ?? 'wasend'}`;
    // Signed (X-Webhook-Hmac), and the same secret in the path for senders that cannot sign (Wasend itself, old WAHA).
    // Evolution signs with a JWT in Authorization; Wasend and WAHA with an HMAC of the body.
    const evolution = hook.gateway === 'evolution';
    const handler = (signed: boolean) =>
      evolution ? createEvolutionWebhookHandler({ ...hook, signed, logger }) : createWasendWebhookHandler({ ...hook, signed, logger });
    const precheck = evolution ? bearerPrecheck : wasendPrecheck;
    routes.set(base, webhookRoute(evolution ? TELEGRAM_BODY_LIMIT_BYTES : WASEND_BODY_LIMIT_BYTES, handler(true), precheck, 'gateway'));
    routes.set(
      `${base}/${encodeURIComponent(hook.secret)}`,
      webhookRoute(evolution ? TELEGRAM_BODY_LIMIT_BYTES : WASEND_BODY_LIMIT_BYTES, handler(false), () => undefined, 'gateway (path secret)'),
    );
  }
  if (options.telegramWebhook !== undefined) {
    const { path } = options.telegramWebhook;
    if (!path.startsWith('/') || routes.has(path) || path === HEALTH_PATH) {
      throw new Error(
        `The Telegram webhook path ${JSON.stringify(path)} must start with "/" and differ from ${WASEND_WEBHOOK_PATH} and ${HEALTH_PATH}: change the path of TELEGRAM_WEBHOOK_URL.`,
      );
    }
    const handle = createTelegramWebhookHandler({ ...options.telegramWebhook, logger });
    const { secret } = options.telegramWebhook;
    const precheck = (headers: IncomingMessage['headers']) =>
      secretsMatch(singleHeader(headers, 'x-telegram-bot-api-secret-token'), secret) ? undefined : UNAUTHORIZED;
    routes.set(path, webhookRoute(TELEGRAM_BODY_LIMIT_BYTES, handle, precheck, 'telegram'));
  }
  routes.set(HEALTH_PATH, {
    methods: ['GET', 'HEAD'],
    serve: async (_request, response) => {
      let report: HealthReport | undefined;
      try {
        report = await options.health();
      } catch (error) {
        logger.error({ err: error }, 'health report failed');
      }
      if (report === undefined) return sendJson(response, 503, { status: 'degraded' });
      sendJson(response, report.status === 'ok' ? 200 : 503, report);
    },
  });

  if (options.metrics !== undefined) routes.set(METRICS_PATH, metricsRoute(options.metrics, logger));
  if (options.miniApp !== undefined) for (const [path, route] of miniAppRoutes(options.miniApp, logger)) routes.set(path, route);

  const inFlight = new Set<Promise<void>>();
  // Node checks header and request timeouts on this interval (30 s by default): often enough that they fire.
  const server = createServer({ connectionsCheckingInterval: 1_000 }, (request, response) => {
    const path = pathnameOf(request.url);
    const route = path === undefined ? undefined : routes.get(path);
    if (route === undefined) return sendJson(response, 404, { error: 'not_found' }, { drain: request });
    if (!route.methods.includes(request.method ?? '')) {
      response.setHeader('allow', route.methods.join(', '));
      return sendJson(response, 405, { error: 'method_not_allowed' }, { drain: request });
    }
    const task = route.serve(request, response).catch((error: unknown) => {
      // A gateway route's path may hold its secret: it is never logged.
      logger.error({ err: error, path: path?.startsWith('/webhooks/') ? '/webhooks/…' : path }, 'http handler failed');
      if (!response.headersSent) sendJson(response, 500, { error: 'internal' }, { close: true });
      else response.destroy();
    });
    inFlight.add(task);
    void task.finally(() => inFlight.delete(task));
  });
  server.headersTimeout = bodyTimeoutMs;
  server.requestTimeout = bodyTimeoutMs + 5_000;
  server.keepAliveTimeout = Math.min(5_000, options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS);
  server.timeout = options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS;
  server.maxConnections = options.maxConnections ?? DEFAULT_MAX_CONNECTIONS;
  server.on('drop', () => warnSometimes('drop', { maxConnections: server.maxConnections }, 'http connection dropped: too many open connections'));
  server.on('clientError', (error, socket) => {
    warnSometimes(`client:${(error as NodeJS.ErrnoException).code ?? 'error'}`, { code: (error as NodeJS.ErrnoException).code }, 'http client error');
    const timedOut = (error as NodeJS.ErrnoException).code === 'ERR_HTTP_REQUEST_TIMEOUT';
    if (socket.writable) socket.end(`HTTP/1.1 ${timedOut ? '408 Request Timeout' : '400 Bad Request'}\r\nconnection: close\r\n\r\n`);
    else socket.destroy();
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  server.on('error', (error) => logger.error({ err: error }, 'http server error'));

  const { port } = server.address() as AddressInfo;
  const url = `http://${displayHost(options.host)}:${port}`;
  logger.info(
    { host: options.host, port, wasendWebhook: options.wasendWebhook !== undefined, telegramWebhook: options.telegramWebhook !== undefined },
    'http listener started',
  );

  let closing: Promise<void> | undefined;
  const close = async (): Promise<void> => {
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.all(inFlight),
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, CLOSE_GRACE_MS);
      }),
    ]);
    clearTimeout(timer);
    server.closeAllConnections();
    await closed;
  };

  return {
    url,
    port,
    load: () => ({ requests: inFlight.size, bytesInFlight: budget.inFlight }),
    close() {
      closing ??= close();
      return closing;
    },
  };
}
