import { afterEach, describe, expect, it } from 'vitest';
import { ADMIN, USER, scanPhoto, startApp, untilShowsCurrentCode, type AppHarness } from '../support/app-harness.js';
import { failingDisk } from '../support/failing-disk.js';
import { prepareSchema } from '../support/instances.js';
import { describePostgres, POSTGRES_URL, schemaUrl, useSchemas } from '../support/postgres.js';
import { createTcpProxy, type TcpProxy } from '../support/tcp-proxy.js';

/*
 * While the store cannot answer, access cannot be known: nothing new is shown (no photo, no code), nothing is
 * taken away (no live message ends, nobody is told they lost access), people hear "I can't check access right now"
 * within seconds, /healthz says the database is down, and live messages carry on once it is back.
 */

const UNKNOWN = /can't check access right now/;
const LOST = /no longer have access|don't have access/;

let h: AppHarness | undefined;
let proxy: TcpProxy | undefined;
afterEach(async () => {
  await h?.close();
  await proxy?.close();
  h = undefined;
  proxy = undefined;
});

const texts = (harness: AppHarness, chatId: number) =>
  harness.tg
    .messages(chatId)
    .filter((m) => m.from === 'bot' && m.text !== undefined)
    .map((m) => m.text!);

async function healthz(harness: AppHarness): Promise<{ status: number; database: boolean }> {
  const response = await fetch(`${harness.url}/healthz`);
  const body = (await response.json()) as { database?: { ok: boolean } };
  return { status: response.status, database: body.database?.ok ?? false };
}

/** A granted user's live QR, then the outage (`cut`), what people see during it, and the way back (`restore`). */
async function outageScenario(harness: AppHarness, cut: () => Promise<void>, restore: () => Promise<void>): Promise<void> {
  await harness.store().grants.grant(USER, 'demo', ADMIN);
  const qr = await harness.say(USER, '/qr demo');
  await untilShowsCurrentCode(harness, qr, 'demo');
  expect((await healthz(harness)).database).toBe(true);

  await cut();
  const photos = harness.photos(USER).length;
  const askedAt = Date.now();
  harness.tg.sendText({ userId: USER, text: '/qr demo' });
  await harness.until(() => texts(harness, USER).some((t) => UNKNOWN.test(t)), 'the access-unknown answer', 15_000);
  const answeredInMs = Date.now() - askedAt;
  const press = harness.tg.pressButton({ userId: USER, chatId: USER, messageId: qr.messageId, data: 'qr:refresh' });
  await harness.until(() => harness.tg.answerOf(press.callbackQueryId), 'the answer to a press during the outage', 15_000);
  await harness.until(async () => !(await healthz(harness)).database, '/healthz to say the database is down', 15_000);
  expect((await healthz(harness)).status).toBe(503);
  // A code rotating meanwhile: WhatsApp carries on whatever our database does.
  harness.rotate('demo');
  await harness.until(
    () => harness.logs.some((line) => line.includes('nothing new is shown, nothing ended')),
    'the new code held back while access is unknown',
    15_000,
  );
  expect(await scanPhoto(qr)).not.toBe(harness.sim.state('demo')?.code);

  await restore();
  await harness.until(async () => (await healthz(harness)).database, '/healthz to say the database is back', 15_000);
  // The message carries on (an ended message never shows a code again): it shows the code WhatsApp serves now.
  await untilShowsCurrentCode(harness, qr, 'demo', 30_000);
  expect(harness.photos(USER)).toHaveLength(photos);
  expect(texts(harness, USER).filter((t) => LOST.test(t))).toEqual([]);
  expect(qr.caption ?? '').not.toMatch(/Cancelled/);
  // And the bot answers again as before.
  const again = await harness.say(USER, '/status demo');
  expect(again.text).toMatch(/demo/);
  console.log(`store outage: the access-unknown answer came ${answeredInMs} ms after /qr`);
}

describePostgres('a PostgreSQL outage (a proxy in front of the shared server, cut and restored)', () => {
  const newSchema = useSchemas();
  it('is not read as a revoke: nothing shown, nothing ended, people told to try again, live messages carry on after', async () => {
    const schema = newSchema();
    const direct = await prepareSchema(schema);
    const server = new URL(POSTGRES_URL);
    proxy = await createTcpProxy({ host: server.hostname, port: Number(server.port || 5432) });
    const viaProxy = new URL(schemaUrl(schema));
    viaProxy.host = `127.0.0.1:${proxy.port}`;
    h = await startApp({
      sessions: [{ id: 'demo', status: 'SCAN_QR_CODE' }],
      speed: 1,
      database: { url: viaProxy.toString(), sideUrl: direct },
      listener: { wasendSecret: 'outage-wasend-secret-0123456789', telegramSecret: 'outage_telegram_secret_0123456789' },
    });
    const p = proxy;
    await outageScenario(
      h,
      () => p.cut(),
      () => p.restore(),
    );
  }, 90_000);
});

describe('a SQLite file that cannot be read (disk I/O errors)', () => {
  it('is not read as a revoke either, and the bot carries on once the file reads again', async () => {
    const disk = failingDisk();
    h = await startApp({
      sessions: [{ id: 'demo', status: 'SCAN_QR_CODE' }],
      speed: 1,
      openStore: disk.open,
      listener: { wasendSecret: 'outage-wasend-secret-0123456789' },
    });
    await outageScenario(
      h,
      async () => disk.fail(),
      async () => disk.heal(),
    );
  }, 90_000);
});
