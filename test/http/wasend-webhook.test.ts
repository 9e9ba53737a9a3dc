import { createStore } from '../../src/store/sqlite.js';
import { afterEach, describe, expect, it } from 'vitest';
import { createHttpServer, type HttpServer } from '../../src/http/server.js';
import { createWasendWebhookHandler, type WasendStatusEvent } from '../../src/http/wasend-webhook.js';
import { createWebhookSender, type WebhookSender } from '../../src/simulator/webhook.js';
import { okHealth, request, sign } from './helpers.js';
import { eventually } from '../support/wait.js';
import { createMemoryLogger } from '../support/memory-logger.js';

const SECRET = 'wasend-webhook-secret-0123456789';

const closers: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

async function start(options: { secret?: string; onEvent?: (event: WasendStatusEvent) => void } = {}) {
  const events: WasendStatusEvent[] = [];
  const logger = createMemoryLogger();
  const server: HttpServer = await createHttpServer({
    host: '127.0.0.1',
    port: 0,
    logger,
    health: okHealth,
    ...(options.secret === undefined
      ? {}
      : {
          wasendWebhook: {
            secret: options.secret,
            onEvent: (event) => {
              events.push(event);
              options.onEvent?.(event);
            },
          },
        }),
  });
  closers.push(() => server.close());
  const hook = `${server.url}/webhooks/wasend`;
  const post = (body: string | Buffer, headers: Record<string, string> = {}) =>
    request(hook, { headers: { 'content-type': 'application/json', ...headers }, body });
  const postSigned = (body: string, secret = SECRET) => post(body, { 'x-webhook-hmac': sign(body, secret), 'x-webhook-hmac-algorithm': 'sha512' });
  let sentinels = 0;
  /**
   * The events handed over before a signed sentinel event posted now: events are handed over in the order they
   * came, so once the sentinel is heard, anything a request before it caused has been heard too.
   */
  const heardBeforeSentinel = async (): Promise<WasendStatusEvent[]> => {
    const session = `sentinel-${++sentinels}`;
    expect((await postSigned(statusEvent({ session }))).status).toBe(200);
    await eventually(() => events.some((e) => e.sessionId === session), 'the sentinel event');
    return events.filter((e) => !e.sessionId.startsWith('sentinel-'));
  };
  return { server, hook, events, logger, post, postSigned, heardBeforeSentinel };
}

function sender(url: string, shape: 'current' | 'legacy'): WebhookSender {
  const created = createWebhookSender({ url, secret: SECRET, shape });
  closers.push(() => created.close());
  return created;
}

let nextId = 0;
function statusEvent(overrides: Record<string, unknown> = {}): string {
  nextId += 1;
  return JSON.stringify({
    id: `evt_test_${nextId}`,
    timestamp: Date.now(),
    event: 'session.status',
    session: 'shop-1',
    payload: { status: 'WORKING' },
    ...overrides,
  });
}

describe('POST /webhooks/wasend', () => {
  it('accepts events signed by the simulator in the current shape and hands over the parsed status', async () => {
    const { hook, events } = await start({ secret: SECRET });
    sender(hook, 'current').send('shop-1', 'SCAN_QR_CODE');
    await eventually(() => events.length === 1, 'the event');
    expect(events[0]).toMatchObject({ sessionId: 'shop-1', status: { state: 'awaiting_scan', raw: 'SCAN_QR_CODE' } });
    expect(events[0]?.eventId).toMatch(/^evt_/);
    expect(Math.abs((events[0]?.timestamp ?? 0) - Date.now())).toBeLessThan(60_000);
  });

  it('accepts the older shape, taking the session from payload.name', async () => {
    const { hook, events } = await start({ secret: SECRET });
    const legacy = sender(hook, 'legacy');
    legacy.send('old-waha', 'WORKING');
    legacy.send('old-waha', 'FAILED');
    await eventually(() => events.length === 2, 'both events');
    expect(events.map((e) => [e.sessionId, e.status.state])).toEqual([
      ['old-waha', 'connected'],
      ['old-waha', 'failed'],
    ]);
  });

  it('answers 200 for a signed event it computed itself, in both shapes and both vocabularies', async () => {
    const { postSigned, heardBeforeSentinel } = await start({ secret: SECRET });
    const legacy = JSON.stringify({
      id: 'evt_legacy',
      timestamp: Date.now(),
      event: 'session.status',
      payload: { name: 'legacy-1', status: 'CONNECTED' },
    });
    expect((await postSigned(statusEvent({ payload: { status: 'STOPPED' } }))).status).toBe(200);
    expect((await postSigned(legacy)).status).toBe(200);
    expect((await heardBeforeSentinel()).map((e) => [e.sessionId, e.status.state])).toEqual([
      ['shop-1', 'stopped'],
      ['legacy-1', 'connected'],
    ]);
  });

  it.each([
    ['no signature', (_body: string): Record<string, string> => ({})],
    ['a signature made with another key', (body: string) => ({ 'x-webhook-hmac': sign(body, 'another-secret-key-123456') })],
    ['a signature of a different body', (body: string) => ({ 'x-webhook-hmac': sign(`${body} `, SECRET) })],
    ['a signature that is not hex', (body: string) => ({ 'x-webhook-hmac': `zz${sign(body, SECRET).slice(2)}` })],
    ['a truncated signature', (body: string) => ({ 'x-webhook-hmac': sign(body, SECRET).slice(0, 64) })],
    ['an empty signature', (_body: string) => ({ 'x-webhook-hmac': '' })],
    [
      'another algorithm (HMAC-SHA256, labelled)',
      (body: string) => ({ 'x-webhook-hmac': sign(body, SECRET, 'sha256'), 'x-webhook-hmac-algorithm': 'sha256' }),
    ],
    [
      'a correct SHA-512 signature labelled with another algorithm',
      (body: string) => ({ 'x-webhook-hmac': sign(body, SECRET), 'x-webhook-hmac-algorithm': 'sha1' }),
    ],
  ])('refuses %s with 401, no detail and no event', async (_name, headersFor) => {
    const { post, logger, heardBeforeSentinel } = await start({ secret: SECRET });
    const body = statusEvent();
    const response = await post(body, headersFor(body));
    expect(response.status).toBe(401);
    expect(response.json()).toEqual({ error: 'unauthorized' });
    expect(await heardBeforeSentinel()).toEqual([]);
    expect(logger.text()).not.toContain(SECRET);
  });

  it('refuses a replayed event id with 409 and hands the event over only once', async () => {
    const { postSigned, heardBeforeSentinel } = await start({ secret: SECRET });
    const body = statusEvent();
    expect((await postSigned(body)).status).toBe(200);
    const replay = await postSigned(body);
    expect(replay.status).toBe(409);
    expect(replay.json()).toEqual({ error: 'duplicate' });
    expect(await heardBeforeSentinel()).toHaveLength(1);
  });

  it('refuses events stamped more than 5 minutes away from now with 401', async () => {
    const { postSigned, heardBeforeSentinel } = await start({ secret: SECRET });
    const old = await postSigned(statusEvent({ timestamp: Date.now() - 6 * 60_000 }));
    const future = await postSigned(statusEvent({ timestamp: Date.now() + 6 * 60_000 }));
    const recent = await postSigned(statusEvent({ timestamp: Date.now() - 60_000 }));
    expect([old.status, future.status, recent.status]).toEqual([401, 401, 200]);
    expect(await heardBeforeSentinel()).toHaveLength(1);
  });

  it('answers 400 to signed bodies that are not JSON or name an invalid session', async () => {
    const { postSigned, heardBeforeSentinel } = await start({ secret: SECRET });
    const statuses = [
      (await postSigned('{"event":"session.status",')).status,
      (await postSigned('[1,2]')).status,
      (await postSigned(statusEvent({ session: '../admin' }))).status,
      (await postSigned(statusEvent({ session: 'has space' }))).status,
      (await postSigned(JSON.stringify({ event: 'session.status', payload: { status: 'WORKING' } }))).status,
      (await postSigned(statusEvent({ payload: {} }))).status,
    ];
    expect(statuses).toEqual([400, 400, 400, 400, 400, 400]);
    expect(await heardBeforeSentinel()).toEqual([]);
  });

  it('answers 202 to other signed events and ignores them', async () => {
    const { postSigned, heardBeforeSentinel } = await start({ secret: SECRET });
    const response = await postSigned(
      JSON.stringify({ id: 'evt_m', timestamp: Date.now(), event: 'message', session: 'shop-1', payload: { body: 'hi' } }),
    );
    expect(response.status).toBe(202);
    expect(await heardBeforeSentinel()).toEqual([]);
  });

  it('refuses bodies over 8 KiB (events are under 2 KiB) with 413, declared or streamed, without handing anything over', async () => {
    const { post, hook, heardBeforeSentinel } = await start({ secret: SECRET });
    const big = Buffer.alloc(8 * 1024 + 1, 0x20);
    expect((await post(big, { 'x-webhook-hmac': sign(big, SECRET) })).status).toBe(413);
    const streamed = await request(hook, {
      headers: { 'x-webhook-hmac': sign(big, SECRET) },
      body: [Buffer.alloc(6 * 1024, 0x20), Buffer.alloc(3 * 1024, 0x20)],
    });
    expect(streamed.status).toBe(413);
    expect(await heardBeforeSentinel()).toEqual([]);
  });

  it('is off (404) when no webhook secret is configured', async () => {
    const { post } = await start();
    const body = statusEvent();
    expect((await post(body, { 'x-webhook-hmac': sign(body, SECRET) })).status).toBe(404);
  });

  it('answers before the consumer runs and survives a consumer that throws', async () => {
    const { postSigned, events, logger } = await start({
      secret: SECRET,
      onEvent: () => {
        throw new Error('consumer broke');
      },
    });
    expect((await postSigned(statusEvent())).status).toBe(200);
    expect((await postSigned(statusEvent())).status).toBe(200);
    await eventually(() => events.length === 2, 'both events handed over');
    await eventually(
      () => logger.entries.filter((line) => line.level === 'error' && line.msg === 'webhook consumer failed').length === 2,
      'both failures logged',
    );
  });
});

describe('createWasendWebhookHandler', () => {
  const signed = (body: string) => ({ headers: { 'x-webhook-hmac': sign(body, SECRET) }, body: Buffer.from(body) });

  it('hands the event over only in the work it leaves for after the answer', async () => {
    const events: WasendStatusEvent[] = [];
    const handle = createWasendWebhookHandler({ secret: SECRET, onEvent: (e) => events.push(e), logger: createMemoryLogger() });
    const outcome = await handle(signed(statusEvent()));
    expect(outcome.status).toBe(200);
    expect(events).toEqual([]);
    outcome.after?.();
    expect(events).toHaveLength(1);
  });

  it('forgets ids after rememberIdsMs and beyond maxRememberedIds, oldest first', async () => {
    let now = 1_700_000_000_000;
    const handle = createWasendWebhookHandler({
      secret: SECRET,
      onEvent: () => undefined,
      logger: createMemoryLogger(),
      now: () => now,
      maxRememberedIds: 2,
    });
    const event = (id: string) => JSON.stringify({ id, timestamp: now, event: 'session.status', session: 's', payload: { status: 'WORKING' } });
    expect((await handle(signed(event('a')))).status).toBe(200);
    expect((await handle(signed(event('a')))).status).toBe(409);
    now += 10 * 60_000 + 1;
    expect((await handle(signed(event('a')))).status).toBe(200); // the replay window of the first 'a' is over
    expect((await handle(signed(event('b')))).status).toBe(200);
    expect((await handle(signed(event('c')))).status).toBe(200);
    expect((await handle(signed(event('c')))).status).toBe(409);
    expect((await handle(signed(event('a')))).status).toBe(200);
  });

  it.each([
    ['without an id', { timestamp: 1_700_000_000_000 }],
    ['without a timestamp', { id: 'evt_no_time' }],
    ['with neither (WAHA before late 2024)', {}],
  ])('accepts a signed event %s: it is only a hint to look, and identical copies are real signals', async (_label, stamp) => {
    const events: unknown[] = [];
    const handle = createWasendWebhookHandler({
      secret: SECRET,
      onEvent: (e) => events.push(e),
      logger: createMemoryLogger(),
      now: () => 1_700_000_000_000,
    });
    const body = JSON.stringify({ ...stamp, event: 'session.status', session: 's', payload: { status: 'WORKING' } });
    const first = await handle(signed(body));
    expect(first.status).toBe(200);
    first.after?.();
    const again = await handle(signed(body));
    // A repeated id is still a duplicate; without one, the same bytes count again.
    expect(again.status).toBe('id' in stamp ? 409 : 200);
    again.after?.();
    expect(events).toHaveLength('id' in stamp ? 1 : 2);
  });

  it('dedupes by X-Webhook-Request-Id when the body has no id', async () => {
    const events: unknown[] = [];
    const handle = createWasendWebhookHandler({
      secret: SECRET,
      onEvent: (e) => events.push(e),
      logger: createMemoryLogger(),
      now: () => 1_700_000_000_000,
    });
    const body = JSON.stringify({ event: 'session.status', session: 's', payload: { status: 'WORKING' } });
    const withRequestId = (request: ReturnType<typeof signed>) => ({ ...request, headers: { ...request.headers, 'x-webhook-request-id': 'req_1' } });
    expect((await handle(withRequestId(signed(body)))).status).toBe(200);
    expect((await handle(withRequestId(signed(body)))).status).toBe(409);
  });

  it('refuses a replayed event id after a restart, from the store (a bounded table)', async () => {
    const store = await createStore(':memory:');
    try {
      let now = 1_700_000_000_000;
      const make = () =>
        createWasendWebhookHandler({
          secret: SECRET,
          onEvent: () => undefined,
          logger: createMemoryLogger(),
          now: () => now,
          seenIds: store.webhookEvents,
        });
      const body = JSON.stringify({ id: 'evt_once', timestamp: now, event: 'session.status', session: 's', payload: { status: 'WORKING' } });
      expect((await make()(signed(body))).status).toBe(200);
      expect((await make()(signed(body))).status).toBe(409);
      // Ids older than the replay window are dropped from the table as new ones arrive.
      now += 11 * 60_000;
      for (let i = 0; i < 100; i += 1) await store.webhookEvents.firstSeen(`evt_${i}`, now, 10 * 60_000);
      expect(await store.webhookEvents.firstSeen('evt_once', now, 10 * 60_000)).toBe(true);
    } finally {
      await store.close();
    }
  });
});
