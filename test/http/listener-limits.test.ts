import { eventually } from '../support/wait.js';
import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createHttpServer, type HttpServerOptions } from '../../src/http/server.js';
import { createMemoryLogger } from '../support/memory-logger.js';
import { okHealth, request } from './helpers.js';

const TELEGRAM_SECRET = 'telegram_secret_0123456789';
const closers: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

async function start(options: Partial<HttpServerOptions> = {}) {
  const logger = createMemoryLogger();
  const server = await createHttpServer({
    host: '127.0.0.1',
    port: 0,
    logger,
    health: okHealth,
    // A body is waited for a whole minute: a test that gets its answer sooner was answered before the body.
    bodyTimeoutMs: 60_000,
    wasendWebhook: { secret: 'wasend-webhook-secret-0123456789', onEvent: () => undefined },
    telegramWebhook: { path: '/tg', secret: TELEGRAM_SECRET, onUpdate: () => 'queued' as const },
    ...options,
  });
  closers.push(() => server.close());
  return { server, logger };
}

function rawSocket(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => resolve(socket));
    socket.on('error', reject);
    closers.push(() => void socket.destroy());
  });
}

const closed = (socket: Socket) => new Promise<void>((resolve) => (socket.destroyed ? resolve() : socket.once('close', () => resolve())));

describe('the listener faces the internet', () => {
  it.each([
    ['no X-Webhook-Hmac', {}],
    ['an X-Webhook-Hmac that is not 128 hex digits', { 'x-webhook-hmac': 'sha512=nothex' }],
  ])('refuses a Wasend event with %s before reading its (stalled) body', async (_label, headers) => {
    const { server, logger } = await start();
    const response = await request(`${server.url}/webhooks/wasend`, { headers: { ...headers, 'content-length': '100000' }, body: '{', stall: true });
    expect(response.status).toBe(401);
    expect(logger.entries.filter((e) => e.level === 'warn')).toHaveLength(1);
  });

  it('refuses a Telegram update with a wrong secret before reading its (stalled) 1 MiB body', async () => {
    const { server } = await start();
    const response = await request(`${server.url}/tg`, {
      headers: { 'x-telegram-bot-api-secret-token': 'wrong', 'content-length': String(1024 * 1024) },
      body: '{',
      stall: true,
    });
    expect(response.status).toBe(401);
  });

  it('caps a Wasend event near its real size', async () => {
    const { server } = await start();
    const response = await request(`${server.url}/webhooks/wasend`, {
      headers: { 'x-webhook-hmac': 'ab'.repeat(64) },
      body: Buffer.alloc(9 * 1024, 0x20),
    });
    expect(response.status).toBe(413);
  });

  it('answers 503 once the bytes buffered across requests reach the cap, and logs the refusals once', async () => {
    const { server, logger } = await start({ maxBytesInFlight: 16 * 1024 });
    const headers = { 'x-telegram-bot-api-secret-token': TELEGRAM_SECRET, 'content-length': String(100 * 1024) };
    void request(`${server.url}/tg`, { headers, body: Buffer.alloc(12 * 1024, 0x20), stall: true }).catch(() => undefined);
    // The first body holds 12 KiB of the 16 KiB: the next ones cannot fit.
    await eventually(() => server.load().bytesInFlight >= 12 * 1024, 'the first body to be buffered');
    const refused = await Promise.all(
      [1, 2, 3].map(() => request(`${server.url}/tg`, { headers, body: Buffer.alloc(12 * 1024, 0x20), stall: true })),
    );
    expect(refused.map((r) => r.status)).toEqual([503, 503, 503]);
    expect(logger.entries.filter((e) => e.msg === 'webhook refused: too many bytes in flight')).toHaveLength(1);
  });

  it('drops connections beyond the cap and logs it, and serves again once they are gone', async () => {
    const { server, logger } = await start({ maxConnections: 5 });
    const held = await Promise.all([1, 2, 3, 4, 5].map(() => rawSocket(server.port)));
    const extra = await rawSocket(server.port);
    await closed(extra);
    expect(logger.entries.some((e) => e.msg === 'http connection dropped: too many open connections')).toBe(true);
    for (const socket of held) socket.destroy();
    await Promise.all(held.map(closed));
    await eventually(
      async () => (await request(`${server.url}/healthz`, { method: 'GET' }).catch(() => ({ status: 0 }))).status === 200,
      'the listener to serve again',
      1_000,
      20,
    );
  });

  it('closes a connection that sends nothing, within seconds', async () => {
    const { server } = await start({ idleTimeoutMs: 300 });
    const idle = await rawSocket(server.port);
    await closed(idle);
    expect(idle.destroyed).toBe(true);
  });

  it('closes a connection that stops in the middle of its headers', async () => {
    const { server } = await start({ bodyTimeoutMs: 500, idleTimeoutMs: 60_000 });
    const slow = await rawSocket(server.port);
    slow.write('POST /tg HTTP/1.1\r\nHost: x\r\nX-Telegram-Bot');
    const answer = new Promise<string>((resolve) => {
      let text = '';
      slow.on('data', (chunk: Buffer) => (text += chunk.toString()));
      slow.on('close', () => resolve(text));
    });
    expect(await answer).toMatch(/^HTTP\/1\.1 408|^$/);
  });
});
