import { afterEach, describe, expect, it, vi } from 'vitest';
import { createRequestBudget } from '../../src/wasend/budget.js';
import { monitorAgainst } from '../health/fakes.js';
import { createWasendSimulator } from '../../src/simulator/server.js';
import { checkWasend } from '../../src/startup.js';
import { GATEWAYS } from '../../src/wasend/gateways.js';
import {
  ADMIN,
  codeIn,
  buttonData,
  scanPhoto,
  startApp,
  untilShowsCurrentCode,
  type AppHarness,
  type AppHarnessOptions,
} from '../support/app-harness.js';
import { createMemoryLogger } from '../support/memory-logger.js';

/* Every flow against the simulator playing Evolution API (`GATEWAY=evolution`), through the fake Bot API. */

let h: AppHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

async function evolution(options: Partial<AppHarnessOptions> = {}): Promise<AppHarness> {
  h = await startApp({
    gateway: 'evolution',
    sessions: [
      { id: 'loja', status: 'STOPPED' },
      { id: 'linked', name: 'Balcão', status: 'WORKING', phoneNumber: '+5511987654321' },
    ],
    ...options,
  });
  return h;
}

const KEY = 'evolution-sim-key-0123456789';

describe('GATEWAY=evolution', () => {
  it('/qr: connect, then the QR it returns; rotations edited in place, "code N of 30"; Connected on open', async () => {
    const harness = await evolution();
    const reply = await harness.say(ADMIN, '/qr loja');
    const first = await untilShowsCurrentCode(harness, reply, 'loja');
    const shown = reply.caption ?? '';
    harness.rotate('loja');
    expect(await untilShowsCurrentCode(harness, reply, 'loja')).not.toBe(first);
    await harness.until(() => /code 2 of 30/.test(reply.caption ?? ''), 'the caption to count 2 of 30');
    const rotated = reply.caption ?? '';
    harness.sim.scan('loja');
    await harness.until(() => reply.caption?.includes('Connected'), 'Connected');
    expect(await scanPhoto(reply)).toBeNull();
    expect(harness.photos(ADMIN)).toHaveLength(1);
    expect(harness.sim.requests.every((r) => r.path.startsWith('/instance/'))).toBe(true);
    // A look calls connect only while the instance is connecting.
    expect(harness.sim.requests.some((r) => r.path === '/instance/connect/loja')).toBe(true);
    console.log(
      `evolution /qr: ${JSON.stringify(shown.split('\n')[0])}, rotated: ${JSON.stringify(rotated.split('\n')[0])}, then ${JSON.stringify(reply.caption?.split('\n')[0])}`,
    );
  });

  it('the QRCODE_LIMIT reached (the instance closes): the expired face with New QR, which connects again', async () => {
    const harness = await evolution();
    const reply = await harness.say(ADMIN, '/qr loja');
    await untilShowsCurrentCode(harness, reply, 'loja');
    for (let i = 0; i < 30; i++) harness.sim.rotate('loja');
    harness.app.liveQr.poke('loja');
    await harness.until(() => /expired/i.test(reply.caption ?? ''), 'the expired face');
    expect(await scanPhoto(reply)).toBeNull();
    expect(buttonData(reply)).toEqual(['qr:new']);
    console.log(`evolution limit: ${JSON.stringify(reply.caption)}`);
    harness.tg.pressButton({ userId: ADMIN, chatId: ADMIN, messageId: reply.messageId, data: 'qr:new' });
    await untilShowsCurrentCode(harness, reply, 'loja');
    expect(harness.sim.state('loja')?.series).toBe(2);
    expect(harness.photos(ADMIN)).toHaveLength(1);
  });

  it('/status and /sessions: instance names, profileName once open, Evolution named in the texts', async () => {
    const harness = await evolution();
    const sessions = await harness.say(ADMIN, '/sessions');
    expect(sessions.text).toMatch(/Balcão \(linked\)/);
    expect(sessions.text).toMatch(/loja/);
    expect(sessions.text).toMatch(/Evolution API/);
    const status = await harness.say(ADMIN, '/status loja');
    expect(status.text).toMatch(/loja/);
  });

  it('/pair from close: connect with ?number= gives the pairing code', async () => {
    const harness = await evolution();
    const reply = await harness.say(ADMIN, '/pair loja +55 11 98765-4321');
    await harness.until(() => {
      const code = harness.sim.state('loja')?.pairingCode;
      return code && codeIn(reply) === code;
    }, 'the pairing code');
    expect(harness.sim.requests.some((r) => r.path === '/instance/connect/loja')).toBe(true);
  });

  it('/new without a number, /restart, /stop (logout) and /delete', async () => {
    const harness = await evolution();
    expect((await harness.say(ADMIN, '/new kiosk')).text).toMatch(/kiosk/);
    expect(harness.sim.state('kiosk')).toBeDefined();
    expect((await harness.say(ADMIN, '/restart kiosk')).text).toMatch(/kiosk/);
    expect(harness.sim.state('kiosk')?.series).toBeGreaterThanOrEqual(1);
    expect((await harness.say(ADMIN, '/stop kiosk')).text).toMatch(/kiosk/);
    expect(harness.sim.state('kiosk')?.wahaStatus).toBe('STOPPED');
    expect(harness.sim.requests.some((r) => r.method === 'DELETE' && r.path === '/instance/logout/kiosk')).toBe(true);
    const ask = await harness.say(ADMIN, '/delete kiosk');
    harness.tg.pressButton({ userId: ADMIN, chatId: ADMIN, messageId: ask.messageId, data: buttonData(ask)[0]! });
    await harness.until(() => ask.text === 'Deleted kiosk.', 'Deleted');
    expect(harness.sim.state('kiosk')).toBeUndefined();
  });

  it('2.4 before activation (503 LICENSE_REQUIRED) stops the start with the register URL it gave', async () => {
    const sim = await createWasendSimulator({ apiKey: 'evo-key-0123456789', gateway: 'evolution', licenseRequired: true });
    try {
      const client = GATEWAYS.evolution.create({ baseUrl: sim.url, apiKey: 'evo-key-0123456789', maxRetries: 0 });
      await expect(checkWasend(client, sim.url, createMemoryLogger(), GATEWAYS.evolution)).rejects.toThrow(
        /Evolution API at .* is not activated \(503 LICENSE_REQUIRED\): .*register it at https:\/\/license\.evolution-api\.example\/register\?instance=sim/,
      );
    } finally {
      await sim.close();
    }
  });
});

describe('Evolution in words', () => {
  it('an unknown instance is "not found" (its 404 with a message array); /watch says where a linked one stands', async () => {
    const harness = await evolution();
    const unknown = await harness.say(ADMIN, '/qr nosuch');
    expect(unknown.text).toMatch(/not found on Evolution API/);
    expect(unknown.text).not.toMatch(/Wasend/);
    expect((await harness.say(ADMIN, '/watch linked')).text).toMatch(/Its phone is linked now/);
  });

  it('/watch: one GET /instance/fetchInstances checks every watched instance, and a logout is alerted', async () => {
    const sim = await createWasendSimulator({
      apiKey: KEY,
      gateway: 'evolution',
      sessions: ['a', 'b'].map((id) => ({ id, status: 'WORKING' as const })),
    });
    const { monitor, store, notifier, close } = await monitorAgainst(
      GATEWAYS.evolution.create({ baseUrl: sim.url, apiKey: KEY, maxRetries: 0, budget: createRequestBudget({ maxRps: 10 }) }),
    );
    try {
      for (const id of ['a', 'b']) await store.watches.add({ userId: 1, chatId: 1, sessionId: id });
      await monitor.checkNow();
      expect(sim.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['GET /instance/fetchInstances']);
      sim.logout('b');
      await monitor.checkNow();
      await vi.waitFor(() => expect(notifier.of('down')).toEqual([{ kind: 'down', userId: 1, chatId: 1, sessionId: 'b', raw: 'close' }]), {
        timeout: 5_000,
      });
    } finally {
      await close();
      await sim.close();
    }
  });
});
