import { freePort } from '../../test/support/free-port.js';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp } from '../../src/app.js';
import type { Config } from '../../src/config/config.js';
import { createLogger } from '../../src/shared/logger.js';
import { createWasendSimulator } from '../../src/simulator/server.js';
import { createFakeTelegram } from '../../test/support/fake-telegram.js';
import { formatRow, verdict } from '../lib.js';

const SESSIONS = 40;
const P99_TARGET_MS = 200;
const SPACING_MS = 300;
const API_KEY = 'bench-webhook-key';
const SECRET = 'bench-webhook-secret-0123456789';

/**
 * Issue 5: a signed WAHA `session.status` event arrives (the phone linked) -> the live QR message says Connected.
 * Polling is set to a minute so only the webhook can explain a fast edit. Measured from the moment the simulator
 * sends the event to the `editMessageMedia` call arriving at the fake Telegram, one session after another.
 */
export async function run(): Promise<void> {
  console.log(`\nWasend webhook -> Telegram edit (${SESSIONS} linked phones, signed events, poll interval 60 s)`);
  const port = await freePort();
  const dir = await mkdtemp(join(tmpdir(), 'bench-webhook-'));
  const ids = Array.from({ length: SESSIONS }, (_, i) => `hook-${i}`);
  const sim = await createWasendSimulator({
    apiKey: API_KEY,
    sessions: ids.map((id) => ({ id, status: 'SCAN_QR_CODE' as const })),
    webhook: { url: `http://127.0.0.1:${port}/webhooks/wasend`, secret: SECRET },
  });
  const tg = await createFakeTelegram();
  const admins = ids.map((_, i) => 10_000 + i);
  const config: Config = {
    telegram: { token: tg.token, apiRoot: tg.apiRoot, protectContent: true },
    wasend: { baseUrl: sim.url, apiKey: API_KEY, timeoutMs: 15_000, maxRetries: 3, pollIntervalMs: 60_000, maxRps: 10, webhookSecret: SECRET },
    adminIds: new Set(admins),
    databasePath: join(dir, 'bot.sqlite'),
    logLevel: 'warn',
    http: { host: '127.0.0.1', port },
    inviteTtlMs: 60_000,
    qrWatchTimeoutMs: 600_000,
    healthCheckIntervalMs: 600_000,
  };
  const app = await createApp(config, { logger: createLogger({ level: 'warn', secrets: [tg.token, API_KEY, SECRET] }) });
  await app.start();
  try {
    const messages = [];
    for (const [i, id] of ids.entries()) {
      const chatId = admins[i]!;
      tg.sendText({ userId: chatId, text: `/qr ${id}` });
      messages.push(
        await tg.waitFor(() => tg.messages(chatId).find((m) => m.photo !== undefined), { description: `photo for ${id}`, timeoutMs: 15_000 }),
      );
    }
    const samples: number[] = [];
    for (const [i, id] of ids.entries()) {
      const message = messages[i]!;
      // Events for different phones do not arrive 10 a second: let the Wasend budget (10 rps) refill between
      // samples, or the look each event triggers waits for a token and this measures the budget instead.
      await new Promise((resolve) => setTimeout(resolve, SPACING_MS));
      const sentAt = Date.now();
      sim.scan(id);
      await tg.waitFor(() => message.caption?.includes('Connected'), { description: `${id} to say Connected`, timeoutMs: 10_000 });
      const edit = tg.callsTo('editMessageMedia').find((c) => c.params.chat_id === admins[i] && c.at >= sentAt);
      samples.push((edit?.at ?? Date.now()) - sentAt);
    }
    const sorted = [...samples].sort((a, b) => a - b);
    const pick = (f: number) => sorted[Math.min(sorted.length - 1, Math.ceil(f * sorted.length) - 1)]!;
    const stats = { medianMs: pick(0.5), p99Ms: pick(0.99), meanMs: samples.reduce((a, b) => a + b, 0) / samples.length, samples };
    console.log(formatRow('event in -> edit out', stats, verdict(stats.p99Ms <= P99_TARGET_MS, `p99 <= ${P99_TARGET_MS} ms`)));
    console.log(`  (one event every ${SPACING_MS} ms; timestamps are whole milliseconds from Date.now on both sides of loopback)`);
  } finally {
    await app.stop();
    await tg.close();
    await sim.close();
    await rm(dir, { recursive: true, force: true });
  }
}
