import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWasendClient } from '../../src/wasend/client.js';
import { WasendInvalidResponseError } from '../../src/wasend/errors.js';
import { sendJson, startTestServer, type TestServer } from './test-server.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

function clientWithLog() {
  const warnings: Array<{ obj: object; msg?: string }> = [];
  const logger = { warn: (obj: object, msg?: string) => warnings.push({ obj, msg }), debug: () => undefined };
  const wasend = createWasendClient({ baseUrl: server.url, apiKey: 'sessions-key', retryBaseDelayMs: 1, logger });
  return { wasend, warnings };
}

describe('getSession', () => {
  it.each([
    ['flat-wasend', { uniqueSessionId: 'flat-wasend', sessionName: 'Sales', status: 'CONNECTED' }, 'connected', 'CONNECTED', 'Sales'],
    ['nested-session', { session: { uniqueSessionId: 'nested-session', status: 'STARTING' } }, 'starting', 'STARTING', undefined],
    ['downstream', { downstream: { name: 'downstream', status: 'SCAN_QR_CODE' } }, 'awaiting_scan', 'SCAN_QR_CODE', undefined],
    ['waha', { name: 'waha', status: 'WORKING', engine: { engine: 'WEBJS' } }, 'connected', 'WORKING', undefined],
    ['created', { id: 'created', name: 'Support desk', status: 'CREATED' }, 'stopped', 'CREATED', 'Support desk'],
    ['failed', { status: 'FAILED' }, 'failed', 'FAILED', undefined],
    ['error', { session: { status: 'ERROR' } }, 'failed', 'ERROR', undefined],
  ])('%s -> %s', async (id, body, state, raw, name) => {
    server.route('GET', `/sessions/${id}`, (_req, res) => sendJson(res, 200, body));
    const session = await clientWithLog().wasend.getSession(id);
    expect(session).toEqual({ id, status: { state, raw }, ...(name ? { name } : {}) });
  });

  it('an answer without any status is an invalid response', async () => {
    server.route('GET', '/sessions/statusless', (_req, res) => sendJson(res, 200, { name: 'statusless' }));
    const error = await clientWithLog()
      .wasend.getSession('statusless')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WasendInvalidResponseError);
    expect((error as WasendInvalidResponseError).reason).toBe('schema');
  });

  it('malformed JSON is an invalid response, asked once', async () => {
    server.route('GET', '/sessions/garbled', (_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"status": "WORK'));
    const error = await clientWithLog()
      .wasend.getSession('garbled')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WasendInvalidResponseError);
    expect((error as WasendInvalidResponseError).reason).toBe('not_json');
    expect(server.hits('GET', '/sessions/garbled')).toBe(1);
  });
});

describe('listSessions', () => {
  const items = [
    { session: { uniqueSessionId: 'docs-shape', sessionName: 'Docs', status: 'SCAN_QR_CODE' } },
    { uniqueSessionId: 'sdk-shape', downstream: { status: 'WORKING' } },
    { id: 'readme-shape', status: 'STOPPED' },
    { name: 'waha-shape', status: 'STARTING' },
    { sessionId: 'passkey', status: 'PASSKEY_REQUIRED', phoneNumber: '5511987654321' },
    { sessionId: 'sleepy', status: 'SLEEPING' },
  ];
  const expected = [
    { id: 'docs-shape', name: 'Docs', status: { state: 'awaiting_scan', raw: 'SCAN_QR_CODE' } },
    { id: 'sdk-shape', status: { state: 'connected', raw: 'WORKING' } },
    { id: 'readme-shape', status: { state: 'stopped', raw: 'STOPPED' } },
    { id: 'waha-shape', status: { state: 'starting', raw: 'STARTING' } },
    { id: 'passkey', phone: '5511987654321', status: { state: 'passkey_required', raw: 'PASSKEY_REQUIRED' } },
    { id: 'sleepy', status: { state: 'unknown', raw: 'SLEEPING' } },
  ];

  it('reads { sessions: [...] } with status on the item, under session and under downstream', async () => {
    server.route('GET', '/sessions', (_req, res) => sendJson(res, 200, { sessions: items }));
    expect(await clientWithLog().wasend.listSessions()).toEqual(expected);
  });

  it('reads a bare array too', async () => {
    server.route('GET', '/sessions', (_req, res) => sendJson(res, 200, items));
    expect(await clientWithLog().wasend.listSessions()).toEqual(expected);
  });

  it('logs each unknown raw status once per client and keeps going', async () => {
    let list: unknown[] = items;
    server.route('GET', '/sessions', (_req, res) => sendJson(res, 200, { sessions: list }));
    const { wasend, warnings } = clientWithLog();
    await wasend.listSessions();
    await wasend.listSessions();
    list = [{ id: 'odd', status: 'HIBERNATING' }];
    const sessions = await wasend.listSessions();
    expect(sessions).toEqual([{ id: 'odd', status: { state: 'unknown', raw: 'HIBERNATING' } }]);
    expect(warnings.map((w) => w.obj)).toEqual([{ status: 'SLEEPING' }, { status: 'HIBERNATING' }]);
  });

  it('drops items without any id (and says so), keeps the rest', async () => {
    server.route('GET', '/sessions', (_req, res) =>
      sendJson(res, 200, { sessions: [{ status: 'WORKING' }, 'junk', { id: 'kept', status: 'WORKING' }] }),
    );
    const { wasend, warnings } = clientWithLog();
    expect(await wasend.listSessions()).toEqual([{ id: 'kept', status: { state: 'connected', raw: 'WORKING' } }]);
    expect(warnings).toHaveLength(1);
  });

  it('an object without a sessions array is an invalid response', async () => {
    server.route('GET', '/sessions', (_req, res) => sendJson(res, 200, { total: 3 }));
    const error = await clientWithLog()
      .wasend.listSessions()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WasendInvalidResponseError);
    expect((error as WasendInvalidResponseError).reason).toBe('schema');
  });
});

describe('start / stop / restart', () => {
  it.each(['start', 'stop', 'restart'] as const)('%s POSTs to /sessions/{id}/%s with the bearer key', async (action) => {
    server.route('POST', `/sessions/act/${action}`, (_req, res) => sendJson(res, 201, { ok: true }));
    const { wasend } = clientWithLog();
    const call = { start: wasend.startSession, stop: wasend.stopSession, restart: wasend.restartSession }[action];
    await expect(call('act')).resolves.toBeUndefined();
    const sent = server.requests.filter((r) => r.path === `/sessions/act/${action}`);
    expect(sent).toHaveLength(1);
    expect(sent[0]?.method).toBe('POST');
    expect(sent[0]?.authorization).toBe('Bearer sessions-key');
  });
});
