import { afterEach, describe, expect, it, vi } from 'vitest';
import { createWasendSimulator } from '../../src/simulator/server.js';
import { createRequestBudget } from '../../src/wasend/budget.js';
import { createWahaClient } from '../../src/wasend/waha.js';
import { monitorAgainst } from '../health/fakes.js';
import {
  ADMIN,
  codeIn,
  USER,
  buttonData,
  scanPhoto,
  startApp,
  untilShowsCurrentCode,
  type AppHarness,
  type AppHarnessOptions,
} from '../support/app-harness.js';

/* Every flow of the bot against the simulator playing self-hosted WAHA (`GATEWAY=waha`), through the fake Bot API. */

let h: AppHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

async function waha(options: Partial<AppHarnessOptions> = {}): Promise<AppHarness> {
  h = await startApp({
    gateway: 'waha',
    sessions: [
      { id: 'default', status: 'STOPPED' },
      { id: 'linked', name: 'Front desk phone', status: 'WORKING' },
      { id: 'spare', status: 'STOPPED', phoneNumber: '+5511987654321' },
    ],
    ...options,
  });
  return h;
}

const KEY = 'waha-sim-key-0123456789';

describe('GATEWAY=waha', () => {
  it('/qr: the current code, edited in place at each rotation, then Connected; every call used /api and X-Api-Key', async () => {
    const harness = await waha();
    const reply = await harness.say(ADMIN, '/qr default');
    const first = await untilShowsCurrentCode(harness, reply, 'default');
    expect(reply.caption).toContain('default');
    const shown = reply.caption ?? '';
    harness.rotate('default');
    expect(await untilShowsCurrentCode(harness, reply, 'default')).not.toBe(first);
    await harness.until(() => /code 2 of 6/.test(reply.caption ?? ''), 'the caption to count 2 of 6');
    const rotated = reply.caption ?? '';
    harness.sim.scan('default');
    await harness.until(() => reply.caption?.includes('Connected'), 'Connected');
    expect(await scanPhoto(reply)).toBeNull();
    expect(harness.photos(ADMIN)).toHaveLength(1);
    expect(harness.sim.requests.every((r) => r.path.startsWith('/api/'))).toBe(true);
    // The string itself (`format=raw`), drawn by the bot: no image to decode.
    const qrAsks = harness.sim.requests.filter((r) => r.path === '/api/default/auth/qr');
    expect(qrAsks.length).toBeGreaterThan(0);
    expect(qrAsks.every((r) => r.query === '?format=raw')).toBe(true);
    console.log(`waha /qr: ${JSON.stringify(shown)}\nrotated: ${JSON.stringify(rotated)}\nthen: ${JSON.stringify(reply.caption)}`);
  });

  it('expired after the sixth code, with New QR that starts a fresh series in the same message', async () => {
    const harness = await waha();
    const reply = await harness.say(ADMIN, '/qr default');
    await untilShowsCurrentCode(harness, reply, 'default');
    for (let i = 0; i < 6; i++) harness.rotate('default');
    await harness.until(() => reply.caption?.includes('expired'), 'expired');
    expect(buttonData(reply)).toEqual(['qr:new']);
    harness.tg.pressButton({ userId: ADMIN, chatId: ADMIN, messageId: reply.messageId, data: 'qr:new' });
    await untilShowsCurrentCode(harness, reply, 'default');
    expect(harness.sim.state('default')?.series).toBe(2);
    expect(harness.photos(ADMIN)).toHaveLength(1);
  });

  it('/status and /sessions list STOPPED sessions too (?all=true), named by me.pushName once linked', async () => {
    const harness = await waha();
    const status = await harness.say(ADMIN, '/status');
    expect(status.text).toMatch(/default/);
    expect(status.text).toMatch(/spare/);
    const sessions = await harness.say(ADMIN, '/sessions');
    expect(sessions.text).toMatch(/Front desk phone \(linked\)/);
    expect(sessions.text).toMatch(/spare/);
    expect(sessions.text).toMatch(/WAHA/);
    expect(sessions.text).not.toMatch(/Wasend/);
  });

  it('/watch: one GET /api/sessions?all=true checks every watched session, and a logout is alerted once per watcher', async () => {
    const sim = await createWasendSimulator({
      apiKey: KEY,
      gateway: 'waha',
      sessions: ['a', 'b', 'c'].map((id) => ({ id, status: 'WORKING' as const })),
    });
    const { monitor, store, notifier, close } = await monitorAgainst(
      createWahaClient({ baseUrl: sim.url, apiKey: KEY, maxRetries: 0, budget: createRequestBudget({ maxRps: 10 }) }),
    );
    try {
      for (const id of ['a', 'b', 'c']) await store.watches.add({ userId: 1, chatId: 1, sessionId: id });
      await monitor.checkNow();
      expect(sim.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['GET /api/sessions']);
      sim.logout('b');
      await monitor.checkNow();
      await vi.waitFor(() => expect(notifier.of('down')).toEqual([{ kind: 'down', userId: 1, chatId: 1, sessionId: 'b', raw: 'STOPPED' }]), {
        timeout: 5_000,
      });
    } finally {
      await close();
      await sim.close();
    }
  });

  it('/pair: a pairing code from /api/{s}/auth/request-code, shown large and copyable', async () => {
    const harness = await waha();
    const reply = await harness.say(ADMIN, '/pair default +55 11 98765-4321');
    await harness.until(() => {
      const code = harness.sim.state('default')?.pairingCode;
      return code && codeIn(reply) === code;
    }, 'the pairing code');
    expect(harness.sim.requests.some((r) => r.method === 'POST' && r.path === '/api/default/auth/request-code')).toBe(true);
  });

  it('passkey confirmation: the code from /api/{s}/auth/passkey/confirmation, It matches confirms, then Connected', async () => {
    const harness = await waha();
    const reply = await harness.say(ADMIN, '/qr default');
    await untilShowsCurrentCode(harness, reply, 'default');
    harness.sim.passkey('default', 'confirmation');
    const expected = harness.sim.state('default')?.passkeyCode;
    await harness.until(() => codeIn(reply) === expected, 'the passkey code');
    harness.tg.pressButton({ userId: ADMIN, chatId: ADMIN, messageId: reply.messageId, data: 'pk:yes' });
    await harness.until(() => reply.caption?.includes('Connected'), 'Connected');
    expect(harness.sim.requests.some((r) => r.method === 'POST' && r.path === '/api/default/auth/passkey/confirm')).toBe(true);
  });

  it('/new <name> without a number, /restart, /stop and /delete', async () => {
    const harness = await waha();
    const created = await harness.say(ADMIN, '/new kiosk');
    expect(created.text).toMatch(/kiosk/);
    expect(harness.sim.state('kiosk')?.wahaStatus).toMatch(/STARTING|SCAN_QR_CODE/);
    expect((await harness.say(ADMIN, '/stop kiosk')).text).toMatch(/Stopped kiosk|stopped/i);
    expect(harness.sim.state('kiosk')?.wahaStatus).toBe('STOPPED');
    expect((await harness.say(ADMIN, '/restart kiosk')).text).toMatch(/kiosk/);
    expect(harness.sim.state('kiosk')?.series).toBeGreaterThanOrEqual(2);
    const ask = await harness.say(ADMIN, '/delete kiosk');
    harness.tg.pressButton({ userId: ADMIN, chatId: ADMIN, messageId: ask.messageId, data: buttonData(ask)[0]! });
    await harness.until(() => ask.text === 'Deleted kiosk.', 'Deleted');
    expect(harness.sim.state('kiosk')).toBeUndefined();
    expect(harness.sim.requests.some((r) => r.method === 'DELETE' && r.path === '/api/sessions/kiosk')).toBe(true);
  });

  it('a granted user gets the QR of a WAHA session; a stranger does not', async () => {
    const harness = await waha();
    await harness.store().grants.grant(USER, 'spare', ADMIN);
    const reply = await harness.say(USER, '/qr spare');
    await untilShowsCurrentCode(harness, reply, 'spare');
    expect((await harness.say(USER, '/qr default')).text).toMatch(/don't have access|not allowed/i);
  });
});
