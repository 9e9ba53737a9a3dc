import { afterEach, describe, expect, it } from 'vitest';
import { decodeQrPng } from '../support/decode-qr.js';
import { ADMIN, TELEGRAM_HOOK_PATH, startApp, type AppHarness } from '../support/app-harness.js';

const WASEND_SECRET = 'wasend-webhook-secret-0123456789';
const TELEGRAM_SECRET = 'telegram_webhook_secret_0123456789';

let harness: AppHarness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

async function start(options: { telegramWebhook: boolean; pollIntervalMs: number }) {
  harness = await startApp({
    startingMs: 500,
    sessions: [{ id: 'shop', status: 'SCAN_QR_CODE' }],
    wasend: { pollIntervalMs: options.pollIntervalMs },
    qrWatchTimeoutMs: 600_000,
    listener: { wasendSecret: WASEND_SECRET, ...(options.telegramWebhook ? { telegramSecret: TELEGRAM_SECRET } : {}) },
  });
  const { tg, sim, url } = harness;
  if (url === undefined) throw new Error('the HTTP listener did not start');
  return { tg, sim, url };
}

describe('Telegram webhook mode', () => {
  it('registers the webhook with its secret and answers updates Telegram delivers there', async () => {
    const { tg, url } = await start({ telegramWebhook: true, pollIntervalMs: 100 });
    const setWebhook = tg.callsTo('setWebhook');
    expect(setWebhook).toHaveLength(1);
    expect(setWebhook[0]?.params).toMatchObject({ url: `${url}${TELEGRAM_HOOK_PATH}`, secret_token: TELEGRAM_SECRET });
    expect(tg.callsTo('getUpdates')).toHaveLength(0);

    tg.sendText({ userId: ADMIN, text: '/qr shop' });
    const photo = await tg.waitFor(() => tg.messages(ADMIN).find((m) => m.photo !== undefined), { description: 'the QR photo' });
    const shown = await decodeQrPng(photo.photo!);
    expect(shown).not.toBeNull();
  });

  it('refuses updates without the secret header and handles none of them', async () => {
    const { tg, url } = await start({ telegramWebhook: true, pollIntervalMs: 100 });
    const forged = {
      update_id: 999,
      message: {
        message_id: 1,
        date: 0,
        chat: { id: ADMIN, type: 'private' },
        from: { id: ADMIN, is_bot: false, first_name: 'x' },
        text: '/help',
        entities: [{ type: 'bot_command', offset: 0, length: 5 }],
      },
    };
    const missing = await fetch(`${url}${TELEGRAM_HOOK_PATH}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(forged),
    });
    const wrong = await fetch(`${url}${TELEGRAM_HOOK_PATH}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': 'not_the_secret_0123456789' },
      body: JSON.stringify(forged),
    });
    expect([missing.status, wrong.status]).toEqual([401, 401]);
    // Both were refused before anything was queued; an update Telegram delivers now is answered, and alone.
    tg.sendText({ userId: ADMIN, text: '/help' });
    await tg.waitFor(() => tg.callsTo('sendMessage').length > 0, { description: 'the answer to a real /help' });
    expect(tg.callsTo('sendMessage').map((c) => c.params.text)).toEqual([expect.stringMatching(/^I send WhatsApp pairing QR codes/)]);
  });
});

describe('Wasend webhooks and /healthz on the listener', () => {
  it('a signed session.status event shows the link at once, long before the next poll', async () => {
    const { tg, sim } = await start({ telegramWebhook: false, pollIntervalMs: 60_000 });
    tg.sendText({ userId: ADMIN, text: '/qr shop' });
    const photo = await tg.waitFor(() => tg.messages(ADMIN).find((m) => m.photo !== undefined), { description: 'the QR photo' });
    sim.scan('shop');
    const connected = await tg.waitFor(() => (photo.caption?.includes('Connected') ? photo : undefined), {
      description: 'the message to say Connected',
      timeoutMs: 3_000,
    });
    expect(await decodeQrPng(connected.photo!)).toBeNull();
  });

  it('/healthz reports the database, Wasend and Telegram', async () => {
    const { url } = await start({ telegramWebhook: false, pollIntervalMs: 100 });
    const response = await fetch(`${url}/healthz`);
    expect(response.status).toBe(200);
    const body = (await response.json()) as Record<string, { ok: boolean }>;
    expect(body.database?.ok).toBe(true);
    expect(body.telegram?.ok).toBe(true);
  });
});
