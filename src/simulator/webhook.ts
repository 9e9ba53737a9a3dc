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

  const deliver = (body: string): Promise<void> =>
    new Promise((resolve) => {
      if (closed) return resolve();
      const headers: Record<string, string> = {
        'content-type': 'application/json',
        'content-length': String(Buffer.byteLength(body)),
      };
      if (options.secret !== undefined) {
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
      const payload = options.shape === 'legacy' ? { name: sessionId, status } : { status, data };
      const body = JSON.stringify({
        id: `evt_${randomUUID().replaceAll('-', '')}`,
        timestamp: Date.now(),
        event: 'session.status',
        session: sessionId,
        payload,
      });
      const chain = (chains.get(sessionId) ?? Promise.resolve()).then(() => deliver(body));
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
