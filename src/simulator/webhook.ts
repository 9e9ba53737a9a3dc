import { createHmac, randomUUID } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';

/** Where the simulator posts WAHA `session.status` events. */
export interface SimWebhookOptions {
  readonly url: string;
  /** When set, every event carries `X-Webhook-Hmac` (hex HMAC-SHA512 of the raw body). */
  readonly secret?: string;
  /** `current`: `payload: { status }`; `legacy` (older WAHA): `payload: { name, status }`. Default `current`. */
  readonly shape?: 'current' | 'legacy';
  /**
   * Who sends: `wasend` (the default with the Wasend API: one event a status change); `waha` (WAHA 2026.7's
   * envelope with `payload.statuses`, `X-Webhook-Request-Id` and `X-Webhook-Timestamp` headers, and SCAN_QR_CODE
   * sent again at every new code); `old-waha` (WAHA before 2024.11: the same at every code, but no `id`, no
   * `timestamp` and no signature, whatever `secret` says).
   */
  readonly flavour?: 'wasend' | 'waha' | 'old-waha' | 'evolution';
}

/** Evolution's webhook JWT (its `jwt_key` header): HS256 over `{app, action, iat, exp}`, good for 10 minutes. */
export function evolutionJwt(key: string, now = Date.now(), lifetimeS = 600): string {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const iat = Math.floor(now / 1000);
  const unsigned = `${part({ alg: 'HS256', typ: 'JWT' })}.${part({ app: 'evolution', action: 'webhook', iat, exp: iat + lifetimeS })}`;
  return `${unsigned}.${createHmac('sha256', key).update(unsigned).digest('base64url')}`;
}

export interface WebhookSender {
  /** `data`: WAHA's `payload.data` (the passkey confirmation code); null otherwise. */
  send(sessionId: string, status: string, data?: Record<string, unknown> | null): void;
  close(): void;
}

const DELIVERY_TIMEOUT_MS = 5_000;
const MAX_CONCURRENT_DELIVERIES = 16;

/**
 * Posts events in order per session, up to 16 at once overall over kept-alive connections that `close` ends.
 * Delivery failures are ignored, like a server that does not retry webhooks.
 */
export function createWebhookSender(options: SimWebhookOptions): WebhookSender {
  const target = new URL(options.url);
  const transport = target.protocol === 'https:' ? https : http;
  const inFlight = new Set<http.ClientRequest>();
  const chains = new Map<string, Promise<void>>();
  const agent = new transport.Agent({ keepAlive: true, maxSockets: MAX_CONCURRENT_DELIVERIES });
  let closed = false;

  const flavour = options.flavour ?? 'wasend';
  const history = new Map<string, Array<{ status: string; timestamp: number }>>();
  const deliver = (body: string, extraHeaders: Record<string, string> = {}): Promise<void> =>
    new Promise((resolve) => {
      if (closed) return resolve();
      const headers: Record<string, string> = {
        'content-type': 'application/json',
        'content-length': String(Buffer.byteLength(body)),
        ...extraHeaders,
      };
      if (options.secret !== undefined && flavour === 'evolution') {
        headers['authorization'] = `Bearer ${evolutionJwt(options.secret)}`;
      } else if (options.secret !== undefined && flavour !== 'old-waha') {
        headers['x-webhook-hmac'] = createHmac('sha512', options.secret).update(body).digest('hex');
        headers['x-webhook-hmac-algorithm'] = 'sha512';
      }
      const request = transport.request(target, { method: 'POST', headers, agent });
      inFlight.add(request);
      const done = (): void => {
        inFlight.delete(request);
        resolve();
      };
      request.setTimeout(DELIVERY_TIMEOUT_MS, () => request.destroy());
      request.on('response', (response) => {
        response.resume();
        response.on('end', done);
        response.on('error', done);
      });
      request.on('error', done);
      request.on('close', done);
      request.end(body);
    });

  return {
    send(sessionId, status, data = null) {
      if (closed) return;
      const id = `evt_${randomUUID().replaceAll('-', '')}`;
      const timestamp = Date.now();
      const statuses = [...(history.get(sessionId) ?? []), { status, timestamp }].slice(-3);
      history.set(sessionId, statuses);
      let envelope: Record<string, unknown>;
      let extra: Record<string, string> = {};
      if (flavour === 'evolution') {
        // QRCODE_UPDATED at every code (it carries the QR itself), CONNECTION_UPDATE at every change of state.
        const qr = data !== null && typeof data['qr'] === 'string' ? data['qr'] : undefined;
        const state =
          status === 'WORKING'
            ? 'open'
            : status === 'STARTING' || status === 'SCAN_QR_CODE'
              ? 'connecting'
              : status === 'FAILED'
                ? 'refused'
                : 'close';
        envelope =
          qr !== undefined
            ? {
                event: 'qrcode.updated',
                instance: sessionId,
                data: { qrcode: { instance: sessionId, pairingCode: null, code: qr, base64: null } },
                date_time: new Date(timestamp).toISOString(),
                sender: null,
                apikey: null,
              }
            : {
                event: 'connection.update',
                instance: sessionId,
                data: { instance: sessionId, state, statusReason: state === 'refused' ? 428 : 200 },
                date_time: new Date(timestamp).toISOString(),
                sender: null,
                apikey: null,
              };
      } else if (flavour === 'old-waha') {
        envelope = { event: 'session.status', session: sessionId, payload: { name: sessionId, status } };
      } else if (flavour === 'waha') {
        envelope = {
          id,
          timestamp,
          event: 'session.status',
          session: sessionId,
          metadata: {},
          me: null,
          payload: { name: sessionId, status, data, statuses },
          engine: 'GOWS',
          environment: { version: '2026.7.1', engine: 'GOWS', tier: 'CORE', browser: null, platform: 'linux/x64', worker: { id: null } },
        };
        extra = { 'x-webhook-request-id': id, 'x-webhook-timestamp': String(timestamp) };
      } else {
        const payload = options.shape === 'legacy' ? { name: sessionId, status } : { status, data };
        envelope = { id, timestamp, event: 'session.status', session: sessionId, payload };
      }
      const body = JSON.stringify(envelope);
      const chain = (chains.get(sessionId) ?? Promise.resolve()).then(() => deliver(body, extra));
      chains.set(sessionId, chain);
      void chain.then(() => {
        if (chains.get(sessionId) === chain) chains.delete(sessionId);
      });
    },
    close() {
      closed = true;
      for (const request of inFlight) request.destroy();
      agent.destroy();
      inFlight.clear();
    },
  };
}
