import { afterEach, expect, it } from 'vitest';
import { ADMIN, scanPhoto, startApp, untilShowsCurrentCode, type AppHarness } from '../support/app-harness.js';

let h: AppHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

it('a graceful stop turns live messages into "paused" (no code left to go stale); the next start shows the current code in the same message', async () => {
  h = await startApp({ sessions: [{ id: 'demo', status: 'SCAN_QR_CODE' }], speed: 1 });
  const harness = h;
  const reply = await harness.say(ADMIN, '/qr demo', { languageCode: 'pt-br' });
  await untilShowsCurrentCode(harness, reply, 'demo');
  let whileStopped = '';
  let codeWhileStopped: string | null = 'not read';
  await harness.restart(async () => {
    whileStopped = reply.caption ?? '';
    codeWhileStopped = await scanPhoto(reply);
    harness.sim.rotate('demo');
  });
  expect(whileStopped).toMatch(/^⏸ demo: o bot está reiniciando/);
  expect(codeWhileStopped).toBeNull();
  await untilShowsCurrentCode(harness, reply, 'demo', 10_000);
  expect(harness.photos(ADMIN)).toHaveLength(1);
  expect(harness.logs.some((line) => line.includes('live QR messages paused until the bot is back'))).toBe(true);
});

it('a new database says so in the log: messages sent from another database are left as they are', async () => {
  h = await startApp({ sessions: [] });
  expect(h.logs.some((line) => line.includes('this database is new: QR messages sent from another database are left as they are'))).toBe(true);
  // Something on record: the next start opens a database that has a history.
  await h.say(ADMIN, '/qr nosuch');
  const before = h.logs.length;
  await h.restart();
  expect(h.logs.slice(before).some((line) => line.includes('this database is new'))).toBe(false);
});

it('after a restart (or a takeover) the caption still says where the code stands in the series, and counts on', async () => {
  h = await startApp({ sessions: [{ id: 'demo', status: 'STOPPED' }], speed: 1 });
  const harness = h;
  const reply = await harness.say(ADMIN, '/qr demo');
  await untilShowsCurrentCode(harness, reply, 'demo');
  harness.rotate('demo');
  await harness.until(() => /code 2 of 6/.test(reply.caption ?? ''), 'code 2 of 6');
  await harness.until(
    async () => (await harness.store().liveMessages.get(ADMIN, reply.messageId))?.seriesIndex === 2,
    'the place in the series stored',
  );
  await harness.restart();
  // The new process knows nothing but the store: the same code is shown again, still "code 2 of 6".
  await harness.until(() => /code 2 of 6/.test(reply.caption ?? ''), 'code 2 of 6 after the restart', 10_000);
  harness.rotate('demo');
  await harness.until(() => /code 3 of 6/.test(reply.caption ?? ''), 'code 3 of 6');
});
