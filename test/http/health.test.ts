import { Api, GrammyError, HttpError } from 'grammy';
import { afterEach, describe, expect, it } from 'vitest';
import { createHealthReporter, createTelegramContactTransformer, type ContactEvent, type HealthReport } from '../../src/http/health.js';
import { createHttpServer } from '../../src/http/server.js';
import { createFakeTelegram } from '../support/fake-telegram.js';
import { request } from './helpers.js';
import { createMemoryLogger } from '../support/memory-logger.js';

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

function clock(start = Date.parse('2025-03-01T10:00:00.000Z')) {
  let now = start;
  return { now: () => now, advance: (ms: number) => void (now += ms) };
}

describe('createHealthReporter', () => {
  it('is ok before any contact, with no contact times', async () => {
    const time = clock();
    const health = createHealthReporter({ store: { ping: async () => true }, now: time.now });
    time.advance(61_500);
    expect(await health.report()).toEqual({
      status: 'ok',
      database: { ok: true },
      wasend: { ok: true, lastContactAt: null },
      telegram: { ok: true, lastContactAt: null },
      uptimeS: 61,
    });
  });

  it('is degraded while the last Wasend or Telegram contact failed, and recovers on the next success', async () => {
    const time = clock();
    const { recordWasendContact, recordTelegram, report } = createHealthReporter({ store: { ping: async () => true }, now: time.now });
    recordWasendContact({ ok: true, at: time.now() });
    recordTelegram({ ok: false, at: time.now() });
    expect(await report()).toMatchObject({
      status: 'degraded',
      wasend: { ok: true },
      telegram: { ok: false, lastContactAt: '2025-03-01T10:00:00.000Z' },
    });

    time.advance(1_000);
    recordTelegram({ ok: true, at: time.now() });
    recordWasendContact({ ok: false, at: time.now() });
    expect(await report()).toMatchObject({
      status: 'degraded',
      wasend: { ok: false, lastContactAt: '2025-03-01T10:00:01.000Z' },
      telegram: { ok: true },
    });

    recordWasendContact({ ok: true, at: time.now() + 1 });
    expect((await report()).status).toBe('ok');
  });

  it('ignores a contact reported late that is older than the one it has', async () => {
    const time = clock();
    const health = createHealthReporter({ store: { ping: async () => true }, now: time.now });
    health.recordWasendContact({ ok: true, at: time.now() });
    health.recordWasendContact({ ok: false, at: time.now() - 5_000 });
    expect((await health.report()).wasend.ok).toBe(true);
  });

  it('stops counting a failure once it is older than staleAfterMs', async () => {
    const time = clock();
    const health = createHealthReporter({ store: { ping: async () => true }, now: time.now, staleAfterMs: 60_000 });
    health.recordWasendContact({ ok: false, at: time.now() });
    time.advance(60_000);
    expect((await health.report()).status).toBe('degraded');
    time.advance(1);
    expect(await health.report()).toMatchObject({ status: 'ok', wasend: { ok: true, lastContactAt: '2025-03-01T10:00:00.000Z' } });
  });

  it('is degraded when the database does not answer or throws', async () => {
    expect(await createHealthReporter({ store: { ping: async () => false } }).report()).toMatchObject({
      status: 'degraded',
      database: { ok: false },
    });
    const throwing = createHealthReporter({
      store: {
        ping: () => {
          throw new Error('SQLITE_CORRUPT at /var/lib/bot/secret-path.sqlite');
        },
      },
    });
    const report = await throwing.report();
    expect(report).toMatchObject({ status: 'degraded', database: { ok: false } });
    expect(JSON.stringify(report)).not.toContain('secret-path');
  });
});

describe('createTelegramContactTransformer', () => {
  it('counts any answer from Telegram as contact, even an error, and a broken connection as a failure', async () => {
    const fake = await createFakeTelegram();
    closers.push(() => fake.close());
    const contacts: ContactEvent[] = [];
    const api = new Api(fake.token, { apiRoot: fake.apiRoot });
    api.config.use(createTelegramContactTransformer((event) => contacts.push(event)));

    await api.getMe();
    fake.failNext('getMe', { errorCode: 400, description: 'Bad Request: something' });
    await expect(api.getMe()).rejects.toBeInstanceOf(GrammyError);
    fake.failNext('getMe', 'reset');
    await expect(api.getMe()).rejects.toBeInstanceOf(HttpError);
    expect(contacts.map((c) => c.ok)).toEqual([true, true, false]);
  });
});

describe('GET /healthz', () => {
  async function serve(health: () => Promise<HealthReport>) {
    const server = await createHttpServer({ host: '127.0.0.1', port: 0, logger: createMemoryLogger(), health });
    closers.push(() => server.close());
    return server;
  }

  it('answers 200 with the JSON report when healthy and 503 when degraded', async () => {
    let pingOk = true;
    const reporter = createHealthReporter({ store: { ping: async () => pingOk } });
    const server = await serve(async () => await reporter.report());

    const healthy = await request(`${server.url}/healthz`, { method: 'GET' });
    expect(healthy.status).toBe(200);
    expect(healthy.headers['content-type']).toContain('application/json');
    expect(healthy.json()).toMatchObject({ status: 'ok', database: { ok: true } });

    pingOk = false;
    const sick = await request(`${server.url}/healthz?verbose=1`, { method: 'GET' });
    expect(sick.status).toBe(503);
    expect(sick.json()).toMatchObject({ status: 'degraded', database: { ok: false } });
    expect(Object.keys(sick.json() as object).sort()).toEqual(['database', 'status', 'telegram', 'uptimeS', 'wasend']);
  });

  it('answers 503 when building the report fails', async () => {
    const server = await serve(async () => {
      throw new Error('store closed');
    });
    const response = await request(`${server.url}/healthz`, { method: 'GET' });
    expect(response.status).toBe(503);
    expect(response.json()).toEqual({ status: 'degraded' });
  });
});
