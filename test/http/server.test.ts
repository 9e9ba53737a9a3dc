import { eventually } from '../support/wait.js';
import http from 'node:http';
import type { Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createHttpServer, type HttpServerOptions } from '../../src/http/server.js';
import { okHealth, request } from './helpers.js';
import { createMemoryLogger } from '../support/memory-logger.js';

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

async function start(options: Partial<HttpServerOptions> = {}) {
  const server = await createHttpServer({ host: '127.0.0.1', port: 0, logger: createMemoryLogger(), health: okHealth, ...options });
  closers.push(() => server.close());
  return server;
}

describe('createHttpServer routing', () => {
  it('binds a free port when given 0 and reports it in its URL', async () => {
    const server = await start();
    expect(server.port).toBeGreaterThan(0);
    expect(server.url).toBe(`http://127.0.0.1:${server.port}`);
  });

  it('answers 404 to unknown paths and 405 (with Allow) to a known path with another method', async () => {
    const server = await start({
      wasendWebhook: { secret: 'wasend-webhook-secret-0123456789', onEvent: () => undefined },
      telegramWebhook: { path: '/tg', secret: 'telegram_secret_0123456789', onUpdate: () => 'queued' as const },
    });
    const results = await Promise.all([
      request(`${server.url}/`, { method: 'GET' }),
      request(`${server.url}/webhooks/wasend/extra`, { body: '{}' }),
      request(`${server.url}/healthz`, { body: '{}' }),
      request(`${server.url}/webhooks/wasend`, { method: 'GET' }),
      request(`${server.url}/tg`, { method: 'PUT', body: '{}' }),
    ]);
    expect(results.map((r) => r.status)).toEqual([404, 404, 405, 405, 405]);
    expect(results[2]?.headers['allow']).toBe('GET, HEAD');
    expect(results[3]?.headers['allow']).toBe('POST');
  });

  it('answers 408 when a webhook body does not arrive in time', async () => {
    const server = await start({
      bodyTimeoutMs: 100,
      wasendWebhook: { secret: 'wasend-webhook-secret-0123456789', onEvent: () => undefined },
    });
    const response = await request(`${server.url}/webhooks/wasend`, {
      headers: { 'content-length': '100', 'x-webhook-hmac': 'ab'.repeat(64) },
      body: '{"id":',
      stall: true,
    });
    expect(response.status).toBe(408);
  });

  it('refuses a Telegram path that would shadow another route', async () => {
    await expect(
      start({ telegramWebhook: { path: '/healthz', secret: 'telegram_secret_0123456789', onUpdate: () => 'queued' as const } }),
    ).rejects.toThrow(/TELEGRAM_WEBHOOK_URL/);
  });

  it('close ends kept-alive connections and stops listening', async () => {
    const server = await createHttpServer({ host: '127.0.0.1', port: 0, logger: createMemoryLogger(), health: okHealth });
    const agent = new http.Agent({ keepAlive: true });
    const socket = await new Promise<Socket>((resolve, reject) => {
      const req = http.get(`${server.url}/healthz`, { agent }, (res) => {
        const { socket } = res;
        res.resume();
        res.on('end', () => resolve(socket));
      });
      req.on('error', reject);
    });
    const socketClosed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    await server.close();
    await socketClosed;
    agent.destroy();
    await expect(fetch(`${server.url}/healthz`)).rejects.toThrow();
  });

  it('close does not wait for a client that stalls in the middle of a body', async () => {
    const server = await createHttpServer({
      host: '127.0.0.1',
      port: 0,
      logger: createMemoryLogger(),
      health: okHealth,
      bodyTimeoutMs: 60_000,
      wasendWebhook: { secret: 'wasend-webhook-secret-0123456789', onEvent: () => undefined },
    });
    const stalled = request(`${server.url}/webhooks/wasend`, {
      headers: { 'content-length': '100', 'x-webhook-hmac': 'ab'.repeat(64) },
      body: '{"id":',
      stall: true,
    });
    const outcome = stalled.then(
      () => 'answered',
      () => 'connection ended',
    );
    await eventually(() => server.load().requests === 1, 'the stalled request to reach the listener');
    await server.close();
    expect(await outcome).toBe('connection ended');
  });
});
