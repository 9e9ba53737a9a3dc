import { afterEach, expect, it } from 'vitest';
import { ADMIN, startApp, type AppHarness } from '../support/app-harness.js';

let h: AppHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

it('answers "no code yet" in words when the session is still starting after the wait, and keeps no live message', async () => {
  h = await startApp({ sessions: [{ id: 'sleepy', status: 'STARTING' }], startingMs: 600_000, codeWaitMs: 300 });
  const reply = await h.say(ADMIN, '/qr sleepy');
  expect(reply.text).toBe('Wasend has no QR code for sleepy yet. Try again in a minute.');
  expect(h.photos(ADMIN)).toHaveLength(0);
  expect(h.sim.requests.filter((r) => r.path === '/sessions/sleepy/qr').length).toBeGreaterThan(1);
  expect(h.sim.requests.some((r) => r.method === 'POST')).toBe(false);
  expect((await h.say(ADMIN, '/cancel')).text).toMatch(/no live QR/);
});

it('says Telegram, not Wasend, failed when the photo is refused, and the next /qr works', async () => {
  h = await startApp({ sessions: [{ id: 'demo', status: 'SCAN_QR_CODE' }] });
  h.tg.failNext('sendPhoto', { errorCode: 400, description: 'Bad Request: IMAGE_PROCESS_FAILED' });
  const reply = await h.say(ADMIN, '/qr demo');
  expect(reply.text).toBe('Telegram refused the QR photo (Bad Request: IMAGE_PROCESS_FAILED), so nothing was sent. Send /qr demo to try again.');
  expect(reply.text).not.toMatch(/Wasend/);
  expect(h.photos(ADMIN)).toHaveLength(0);

  const retry = await h.say(ADMIN, '/qr demo');
  expect(retry.photo).toBeDefined();
});
