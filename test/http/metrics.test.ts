import { afterEach, describe, expect, it } from 'vitest';
import { ADMIN, startApp, untilShowsCurrentCode, type AppHarness } from '../support/app-harness.js';
import { eventually } from '../support/wait.js';

const TOKEN = 'metrics-token-0123456789abcdef';
const WEBHOOK_SECRET = 'wasend-webhook-secret-0123456789';

let h: AppHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const scrape = (url: string, headers: Record<string, string> = {}) => fetch(`${url}/metrics`, { headers });

/** The value of one sample line (`name{labels} value`), or undefined when the scrape has none. */
function sample(text: string, name: string, labels = ''): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${name}${labels ? `{${labels}}` : ''} `));
  return line === undefined ? undefined : Number(line.split(' ').at(-1));
}

describe('GET /metrics', () => {
  it('counts what a /qr did, in the Prometheus text format, for a scraper with the token', async () => {
    h = await startApp({ sessions: [{ id: 'demo', status: 'SCAN_QR_CODE' }], listener: { wasendSecret: WEBHOOK_SECRET, metricsToken: TOKEN } });
    const reply = await h.say(ADMIN, '/qr demo');
    await untilShowsCurrentCode(h, reply, 'demo');
    const url = h.url as string;
    const text = await eventually(async () => {
      const response = await scrape(url, { authorization: `Bearer ${TOKEN}` });
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
      const body = await response.text();
      return (sample(body, 'wasend_qr_bot_live_messages') ?? 0) > 0 && body;
    }, 'the live message in the metrics');
    expect(sample(text, 'wasend_qr_bot_live_messages')).toBe(1);
    expect(sample(text, 'wasend_qr_bot_live_sessions')).toBe(1);
    expect(text).toMatch(/^wasend_qr_bot_live_sessions_by_state\{state="(awaiting_scan|unknown)"\} 1$/m);
    expect(sample(text, 'wasend_qr_bot_telegram_calls_total', 'method="sendPhoto",outcome="ok"')).toBe(1);
    expect(sample(text, 'wasend_qr_bot_gateway_requests_total', 'lane="person",outcome="ok"')).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'wasend_qr_bot_gateway_request_seconds_count', 'lane="person"')).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'wasend_qr_bot_update_first_answer_seconds_count')).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'wasend_qr_bot_role_held', 'role="poller"')).toBe(1);
    expect(sample(text, 'wasend_qr_bot_gateway_budget_rps')).toBe(h.config.wasend.maxRps);
    expect(sample(text, 'wasend_qr_bot_gateway_budget_free_tokens')).toBeGreaterThan(0);
    // Every session the gateway described, by state; leases only on several instances; nothing waits in the inbox.
    expect(sample(text, 'wasend_qr_bot_gateway_sessions_by_state', 'state="awaiting_scan"')).toBe(1);
    expect(sample(text, 'wasend_qr_bot_session_leases_held')).toBe(0);
    expect(sample(text, 'wasend_qr_bot_inbox_oldest_waiting_seconds')).toBe(0);
    // A rotation: the message is edited to the new code, and the histogram counts it.
    h.sim.rotate('demo');
    await h.app.liveQr.refresh(ADMIN, reply.messageId);
    const rotated = await eventually(async () => {
      const body = await (await scrape(url, { authorization: `Bearer ${TOKEN}` })).text();
      return (sample(body, 'wasend_qr_bot_rotation_edit_seconds_count') ?? 0) > 0 && body;
    }, 'the rotation edit in the metrics');
    expect(sample(rotated, 'wasend_qr_bot_telegram_calls_total', 'method="editMessageMedia",outcome="ok"')).toBeGreaterThanOrEqual(1);
    // Labels stay bounded: no session id, no user id.
    expect(text + rotated).not.toContain('demo');
    expect(text + rotated).not.toContain(String(ADMIN));
  });

  it('refuses a scrape without the right token (401, no detail), and is off (404) without METRICS_TOKEN', async () => {
    h = await startApp({ sessions: [], listener: { wasendSecret: WEBHOOK_SECRET, metricsToken: TOKEN } });
    const url = h.url as string;
    for (const headers of [
      {} as Record<string, string>,
      { authorization: `Bearer ${TOKEN}x` },
      { authorization: TOKEN },
      { authorization: `Basic ${TOKEN}` },
    ]) {
      const response = await scrape(url, headers);
      expect(response.status).toBe(401);
      expect(await response.json()).toEqual({ error: 'unauthorized' });
    }
    await h.close();
    h = await startApp({ sessions: [], listener: { wasendSecret: WEBHOOK_SECRET } });
    expect((await scrape(h.url as string, { authorization: `Bearer ${TOKEN}` })).status).toBe(404);
  });
});
