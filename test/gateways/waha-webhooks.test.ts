import { createHmac } from 'node:crypto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createEventHints } from '../../src/http/event-hints.js';
import { ADMIN, startApp, untilShowsCurrentCode, type AppHarness } from '../support/app-harness.js';

/* WAHA's webhooks, from the senders people run: signed, unsigned by path secret, and old WAHA without id or timestamp. */

const SECRET = 'waha-webhook-secret-0123456789';
let h: AppHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const event = (session: string, status: string, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ event: 'session.status', session, payload: { name: session, status }, ...extra });
const post = (url: string, body: string, headers: Record<string, string> = {}) =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
const sign = (body: string) => createHmac('sha512', SECRET).update(body).digest('hex');

describe('webhooks from WAHA', () => {
  it('the signed route refuses an event without a signature with 401; the path-secret route takes an unsigned one', async () => {
    h = await startApp({ gateway: 'waha', sessions: [{ id: 'default', status: 'WORKING' }], listener: { wasendSecret: SECRET } });
    const unsigned = await post(`${h.url}/webhooks/waha`, event('default', 'WORKING'));
    expect(unsigned.status).toBe(401);
    const byPath = await post(`${h.url}/webhooks/waha/${SECRET}`, event('default', 'WORKING'));
    expect(byPath.status).toBe(200);
    const wrongPath = await post(`${h.url}/webhooks/waha/not-the-secret-0123456789`, event('default', 'WORKING'));
    expect(wrongPath.status).toBe(404);
    const body = event('default', 'WORKING', { id: 'evt_1', timestamp: Date.now() });
    expect((await post(`${h.url}/webhooks/waha`, body, { 'x-webhook-hmac': sign(body) })).status).toBe(200);
    expect(h.logs.join('\n')).not.toContain(SECRET);
  });

  it('old WAHA (no id, no timestamp, unsigned, by path secret): SCAN_QR_CODE at every code drives the rotation edit', async () => {
    h = await startApp({
      gateway: 'waha',
      sessions: [{ id: 'default', status: 'STOPPED' }],
      listener: { wasendSecret: SECRET },
      webhookByPath: true,
      webhookFlavour: 'old-waha',
      // Looks on the schedule are a minute apart: only the event can explain a rotation seen at once.
      wasend: { pollIntervalMs: 60_000 },
      speed: 1,
    });
    const harness = h;
    const reply = await harness.say(ADMIN, '/qr default');
    const first = await untilShowsCurrentCode(harness, reply, 'default');
    // Events of one session are looked at once a second at most: the series' start events are a second behind.
    const shownAt = Date.now();
    await harness.until(() => Date.now() - shownAt > 1_100, 'the events of the series start to be a second old');
    harness.sim.rotate('default');
    const rotatedAt = Date.now();
    const second = await untilShowsCurrentCode(harness, reply, 'default', 5_000);
    expect(second).not.toBe(first);
    console.log(`old WAHA event -> rotation edit in ${Date.now() - rotatedAt} ms`);
    expect(Date.now() - rotatedAt).toBeLessThan(3_000);
  });

  it('a burst of identical old-WAHA events is accepted, and costs at most one look a second', async () => {
    const acted: number[] = [];
    const hints = createEventHints<string>(() => acted.push(Date.now()), 1_000);
    try {
      for (let i = 0; i < 50; i++) hints.hint('default', 'SCAN_QR_CODE');
      expect(acted).toHaveLength(1);
      await vi.waitFor(() => expect(acted).toHaveLength(2), { timeout: 3_000 });
      expect(acted[1]! - acted[0]!).toBeGreaterThanOrEqual(990);
    } finally {
      hints.stop();
    }
    h = await startApp({ gateway: 'waha', sessions: [{ id: 'default', status: 'SCAN_QR_CODE' }], listener: { wasendSecret: SECRET } });
    const body = event('default', 'SCAN_QR_CODE');
    const answers = await Promise.all(Array.from({ length: 50 }, () => post(`${h!.url}/webhooks/waha/${SECRET}`, body)));
    expect(answers.map((a) => a.status)).toEqual(Array(50).fill(200));
  });

  it('a signed WORKING event while WAHA still says SCAN_QR_CODE shows no Connected and sends no "back online"', async () => {
    h = await startApp({ gateway: 'waha', sessions: [{ id: 'default', status: 'STOPPED' }], listener: { wasendSecret: SECRET }, speed: 1 });
    const harness = h;
    expect((await harness.say(ADMIN, '/watch default')).text).toMatch(/default/);
    const reply = await harness.say(ADMIN, '/qr default');
    const first = await untilShowsCurrentCode(harness, reply, 'default');
    const body = event('default', 'WORKING', { id: 'evt_forged_but_signed', timestamp: Date.now() });
    expect((await post(`${harness.url}/webhooks/waha`, body, { 'x-webhook-hmac': sign(body) })).status).toBe(200);
    // The bot looked (the event's only effect); what WAHA answered is what the message shows: a code, still.
    await harness.until(
      () => harness.logs.some((line) => line.includes('wasend webhook accepted') && line.includes('WORKING')),
      'the event accepted',
    );
    harness.rotate('default');
    expect(await untilShowsCurrentCode(harness, reply, 'default')).not.toBe(first);
    expect(reply.caption).not.toMatch(/Connected/);
    expect(harness.tg.messages(ADMIN).some((m) => /back online/.test(m.text ?? ''))).toBe(false);
  });
});
