import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWasendClient, type WasendClientOptions } from '../../src/wasend/client.js';
import {
  InvalidSessionIdError,
  WasendApiError,
  WasendAuthError,
  WasendConflictError,
  WasendError,
  WasendInvalidResponseError,
  WasendNetworkError,
  WasendNotFoundError,
  WasendNotReadyError,
  WasendRateLimitError,
  WasendServerError,
  WasendTimeoutError,
} from '../../src/wasend/errors.js';
import type { RequestBudget, RequestLane } from '../../src/wasend/types.js';
import { sendJson, startTestServer, type TestServer } from './test-server.js';

const API_KEY = 'wsk_live_5ecr3t-Key-0123456789';
const OK_SESSION = { id: 'x', status: 'WORKING' };

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

function makeClient(overrides: Partial<WasendClientOptions> = {}) {
  const logged: Array<{ level: string; obj: object; msg?: string }> = [];
  const contacts: boolean[] = [];
  const wasend = createWasendClient({
    baseUrl: server.url,
    apiKey: API_KEY,
    retryBaseDelayMs: 1,
    maxRetryDelayMs: 20,
    maxRetries: 2,
    timeoutMs: 2000,
    logger: {
      warn: (obj, msg) => logged.push({ level: 'warn', obj, msg }),
      debug: (obj, msg) => logged.push({ level: 'debug', obj, msg }),
    },
    onContact: ({ ok }) => contacts.push(ok),
    ...overrides,
  });
  return { wasend, logged, contacts };
}

async function failure(promise: Promise<unknown>): Promise<Error> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof Error)) throw new Error('expected the call to fail');
  return error;
}

function recordingBudget() {
  const acquired: RequestLane[] = [];
  const penalties: Array<number | undefined> = [];
  const budget: RequestBudget = {
    acquire: async (priority) => {
      acquired.push(priority);
    },
    penalize: (ms) => penalties.push(ms),
  };
  return { budget, acquired, penalties };
}

describe('error classes by status', () => {
  it.each([
    [401, WasendAuthError],
    [403, WasendAuthError],
    [404, WasendNotFoundError],
    [409, WasendConflictError],
    [422, WasendNotReadyError],
    [400, WasendApiError],
  ])('%i -> %o, never retried', async (status, errorClass) => {
    server.route('GET', `/sessions/status-${status}`, (_req, res) => sendJson(res, status, { message: `said ${status}` }));
    const error = await failure(makeClient().wasend.getSession(`status-${status}`));
    expect(error).toBeInstanceOf(errorClass);
    expect(error).toBeInstanceOf(WasendError);
    const apiError = error as WasendApiError;
    expect(apiError.status).toBe(status);
    expect(apiError.method).toBe('GET');
    expect(apiError.path).toBe(`/sessions/status-${status}`);
    expect(apiError.serverMessage).toBe(`said ${status}`);
    expect(server.hits('GET', `/sessions/status-${status}`)).toBe(1);
  });

  it.each([
    ['message-string', { message: 'Session is gone' }, 'Session is gone'],
    ['message-array', { message: ['name must be set', 'phone is invalid'] }, 'name must be set; phone is invalid'],
    ['error-string', { error: 'Unprocessable', session: 's', status: 'STARTING' }, 'Unprocessable'],
    ['error-nested', { error: { code: 7, message: 'Nested reason' } }, 'Nested reason'],
    ['text', 'Bad\ngateway   text', 'Bad gateway text'],
  ])('error body %s -> serverMessage', async (name, body, expected) => {
    server.route('GET', `/sessions/body-${name}`, (_req, res) =>
      typeof body === 'string' ? res.writeHead(418).end(body) : sendJson(res, 418, body),
    );
    const error = (await failure(makeClient().wasend.getSession(`body-${name}`))) as WasendApiError;
    expect(error.serverMessage).toBe(expected);
    expect(error.message).toBe(`Wasend GET /sessions/body-${name}: 418 I'm a Teapot (${expected})`);
  });

  it('a long raw error body is cut to 200 characters', async () => {
    server.route('GET', '/sessions/long-error', (_req, res) => res.writeHead(400).end('x'.repeat(5000)));
    const error = (await failure(makeClient().wasend.getSession('long-error'))) as WasendApiError;
    expect(error.serverMessage).toBe(`${'x'.repeat(200)}…`);
    expect(error.status).toBe(400);
  });
});

describe('retries', () => {
  it('GET: 5xx retried maxRetries times, then WasendServerError; onContact reports each failure', async () => {
    server.route('GET', '/sessions/always-503', (_req, res) => sendJson(res, 503, { message: 'down' }));
    const { wasend, contacts } = makeClient({ maxRetries: 3 });
    const error = await failure(wasend.getSession('always-503'));
    expect(error).toBeInstanceOf(WasendServerError);
    expect(server.hits('GET', '/sessions/always-503')).toBe(4);
    expect(contacts).toEqual([false, false, false, false]);
  });

  it('GET: recovers when a retry succeeds', async () => {
    server.route('GET', '/sessions/flaky', (_req, res, hit) =>
      hit < 3 ? sendJson(res, 500, {}) : sendJson(res, 200, { id: 'flaky', status: 'WORKING' }),
    );
    const { wasend, contacts } = makeClient();
    expect((await wasend.getSession('flaky')).status.state).toBe('connected');
    expect(server.hits('GET', '/sessions/flaky')).toBe(3);
    expect(contacts).toEqual([false, false, true]);
  });

  it('GET: connection resets are retried and end as WasendNetworkError', async () => {
    server.route('GET', '/sessions/reset', (req) => req.socket.destroy());
    const error = await failure(makeClient().wasend.getSession('reset'));
    expect(error).toBeInstanceOf(WasendNetworkError);
    expect(server.hits('GET', '/sessions/reset')).toBe(3);
  });

  it('connection refused is a WasendNetworkError naming the code', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const { wasend } = makeClient({ baseUrl: `http://127.0.0.1:${port}`, maxRetries: 1 });
    const error = await failure(wasend.listSessions());
    expect(error).toBeInstanceOf(WasendNetworkError);
    expect(error.message).toBe('Wasend GET /sessions: network error (ECONNREFUSED)');
  });

  it.each([
    ['503', (res: import('node:http').ServerResponse) => sendJson(res, 503, {}), WasendServerError],
    ['429', (res: import('node:http').ServerResponse) => sendJson(res, 429, {}), WasendRateLimitError],
  ])('POST is never retried (%s)', async (name, answer, errorClass) => {
    server.route('POST', `/sessions/post-${name}/restart`, (_req, res) => answer(res));
    const error = await failure(makeClient({ maxRetries: 5 }).wasend.restartSession(`post-${name}`));
    expect(error).toBeInstanceOf(errorClass);
    expect(server.hits('POST', `/sessions/post-${name}/restart`)).toBe(1);
  });

  it('POST is never retried after a reset either', async () => {
    server.route('POST', '/sessions/post-reset/start', (req) => req.socket.destroy());
    await expect(makeClient({ maxRetries: 5 }).wasend.startSession('post-reset')).rejects.toBeInstanceOf(WasendNetworkError);
    expect(server.hits('POST', '/sessions/post-reset/start')).toBe(1);
  });

  it('429 without Retry-After: backs off, acquires the budget before every attempt, penalizes it', async () => {
    server.route('GET', '/sessions/limited', (_req, res, hit) =>
      hit === 1 ? sendJson(res, 429, { message: 'slow down' }) : sendJson(res, 200, OK_SESSION),
    );
    const { budget, acquired, penalties } = recordingBudget();
    await makeClient({ budget }).wasend.getSession('limited', { lane: 'person' });
    expect(acquired).toEqual(['person', 'person']);
    expect(penalties).toEqual([undefined]);
  });

  it('Retry-After in seconds is honoured but capped at maxRetryDelayMs', async () => {
    server.route('GET', '/sessions/retry-seconds', (_req, res, hit) =>
      hit === 1 ? sendJson(res, 429, {}, { 'retry-after': '3600' }) : sendJson(res, 200, OK_SESSION),
    );
    const { budget, penalties } = recordingBudget();
    await makeClient({ budget, maxRetryDelayMs: 150 }).wasend.getSession('retry-seconds');
    const [first, second] = server.requests.filter((r) => r.path === '/sessions/retry-seconds');
    // The jittered backoff alone would wait at most 1 ms here.
    expect(second!.at - first!.at).toBeGreaterThanOrEqual(140);
    expect(penalties).toEqual([3_600_000]);
  });

  it('Retry-After as an HTTP date is honoured but capped; the error keeps the server value', async () => {
    server.route('GET', '/sessions/retry-date', (_req, res) =>
      sendJson(res, 503, {}, { 'retry-after': new Date(Date.now() + 3_600_000).toUTCString() }),
    );
    const error = (await failure(makeClient({ maxRetryDelayMs: 150, maxRetries: 1 }).wasend.getSession('retry-date'))) as WasendServerError;
    const [first, second] = server.requests.filter((r) => r.path === '/sessions/retry-date');
    expect(second!.at - first!.at).toBeGreaterThanOrEqual(140);
    expect(error.retryAfterMs).toBeGreaterThan(3_590_000);
    expect(error.retryAfterMs).toBeLessThanOrEqual(3_600_000);
  });

  it('each attempt has its own timeout', async () => {
    server.route('GET', '/sessions/slow', () => undefined);
    const { wasend, contacts } = makeClient({ timeoutMs: 80, maxRetries: 1 });
    const error = await failure(wasend.getSession('slow'));
    expect(error).toBeInstanceOf(WasendTimeoutError);
    expect(error.message).toBe('Wasend GET /sessions/slow: no complete answer within 80 ms');
    expect(server.hits('GET', '/sessions/slow')).toBe(2);
    expect(contacts).toEqual([false, false]);
  });

  it("the caller's signal cancels the call and stops retries", async () => {
    const controller = new AbortController();
    server.route('GET', '/sessions/abandoned', () => controller.abort(new Error('user left')));
    const { wasend, contacts } = makeClient({ maxRetries: 5 });
    const error = await failure(wasend.getSession('abandoned', { signal: controller.signal }));
    expect(error.message).toBe('user left');
    expect(server.hits('GET', '/sessions/abandoned')).toBe(1);
    expect(contacts).toEqual([]);
  });
});

describe('body size', () => {
  it('refuses a body whose Content-Length is over maxBodyBytes without waiting for it', async () => {
    server.route('GET', '/sessions/declared-huge/qr', (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(50_000_000) });
      res.write('{"data":"');
    });
    const error = await failure(makeClient({ maxBodyBytes: 10_000, timeoutMs: 4000 }).wasend.getQr('declared-huge'));
    expect(error).toBeInstanceOf(WasendInvalidResponseError);
    expect((error as WasendInvalidResponseError).reason).toBe('too_large');
    expect(server.hits('GET', '/sessions/declared-huge/qr')).toBe(1);
  });

  it('stops reading a chunked body without length once it passes the cap', async () => {
    let closed!: () => void;
    const connectionClosed = new Promise<void>((resolve) => {
      closed = resolve;
    });
    let written = 0;
    server.route('GET', '/sessions/endless/qr', (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.on('close', closed);
      const chunk = Buffer.alloc(16 * 1024, 0x41);
      const pump = () => {
        while (!res.destroyed && written < 200_000_000) {
          written += chunk.length;
          if (!res.write(chunk)) {
            res.once('drain', pump);
            return;
          }
        }
      };
      pump();
    });
    const error = await failure(makeClient({ maxBodyBytes: 64 * 1024, timeoutMs: 4000 }).wasend.getQr('endless'));
    expect(error).toBeInstanceOf(WasendInvalidResponseError);
    expect((error as WasendInvalidResponseError).reason).toBe('too_large');
    await connectionClosed;
    expect(written).toBeLessThan(200_000_000);
  });

  it('a body just under the cap is accepted', async () => {
    const padding = 'p'.repeat(5_000);
    server.route('GET', '/sessions/padded', (_req, res) => sendJson(res, 200, { ...OK_SESSION, padding }));
    const session = await makeClient({ maxBodyBytes: 5_100 }).wasend.getSession('padded');
    expect(session.status.raw).toBe('WORKING');
  });
});

describe('session ids', () => {
  const bad = ['', 'a/b', 'a\\b', 'two words', 'tab\there', 'nl\n', 'nul\u0000', '.', '..', 'x'.repeat(129), 'nbsp\u00a0'];

  it.each(bad.map((id) => [JSON.stringify(id).slice(0, 30), id]))('%s is rejected by every call before any request', async (_label, id) => {
    const before = server.requests.length;
    const { wasend } = makeClient();
    for (const call of [
      () => wasend.getQr(id),
      () => wasend.getSession(id),
      () => wasend.startSession(id),
      () => wasend.stopSession(id),
      () => wasend.restartSession(id),
    ]) {
      await expect(call()).rejects.toBeInstanceOf(InvalidSessionIdError);
    }
    expect(server.requests.length).toBe(before);
  });
});

describe('the API key stays secret', () => {
  it('is sent as a bearer token but never appears in errors or logs, even when the server echoes it', async () => {
    server.route('GET', '/sessions/echo-401', (req, res) => sendJson(res, 401, { message: `Invalid key: ${req.headers.authorization}` }));
    server.route('GET', '/sessions/echo-500', (req, res) => res.writeHead(500).end(`upstream saw ${req.headers.authorization}`));
    server.route('GET', '/sessions/echo-429', (_req, res) => sendJson(res, 429, { error: { message: `key ${API_KEY} over quota` } }));
    server.route('GET', '/sessions/echo-reset', (req) => req.socket.destroy());
    server.route('GET', '/sessions/echo-slow', () => undefined);
    const { wasend, logged } = makeClient({ timeoutMs: 100, maxRetries: 1 });
    const errors = await Promise.all([
      failure(wasend.getSession('echo-401')),
      failure(wasend.getSession('echo-500')),
      failure(wasend.getSession('echo-429')),
      failure(wasend.getSession('echo-reset')),
      failure(wasend.getSession('echo-slow')),
      failure(wasend.getQr('echo-401')),
    ]);
    expect(server.requests.find((r) => r.path === '/sessions/echo-401')?.authorization).toBe(`Bearer ${API_KEY}`);
    expect((errors[0] as WasendAuthError).serverMessage).toBe('Invalid key: Bearer ***');
    expect(logged.some((entry) => entry.level === 'debug')).toBe(true);
    for (const error of errors) {
      expect(error).toBeInstanceOf(WasendError);
      const seen = [error.message, error.stack, JSON.stringify(error), String(error.cause), JSON.stringify(error.cause)];
      for (const text of seen) expect(text ?? '').not.toContain(API_KEY);
    }
    expect(JSON.stringify(logged)).not.toContain(API_KEY);
  });
});

describe('options', () => {
  it.each([
    [{ baseUrl: 'api.wasend.dev' }, /baseUrl/],
    [{ baseUrl: 'ftp://api.wasend.dev' }, /baseUrl/],
    [{ apiKey: ' ' }, /apiKey/],
    [{ timeoutMs: 0 }, /timeoutMs/],
    [{ maxRetries: -1 }, /maxRetries/],
  ])('%o is refused at creation with a message naming the option', (override, pattern) => {
    expect(() => createWasendClient({ baseUrl: 'https://api.wasend.dev', apiKey: 'k', ...override })).toThrow(pattern);
  });
});
