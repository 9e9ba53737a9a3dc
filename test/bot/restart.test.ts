import { afterEach, expect, it } from 'vitest';
import { ADMIN, startApp, untilShowsCurrentCode, type AppHarness } from '../support/app-harness.js';

let h: AppHarness;
afterEach(async () => {
  await h?.close();
});

it('resumes a live QR after a restart: the same message gets the code that rotated while the bot was down', async () => {
  h = await startApp({ sessions: [{ id: 'demo', status: 'STOPPED' }] });
  const reply = await h.say(ADMIN, '/qr demo');
  const before = await untilShowsCurrentCode(h, reply, 'demo');

  await h.restart(() => h.sim.rotate('demo'));
  const after = await untilShowsCurrentCode(h, reply, 'demo');
  expect(after).not.toBe(before);
  expect(h.photos(ADMIN)).toHaveLength(1);
  expect((await h.say(ADMIN, '/status demo')).text).toMatch(/demo: 📷 waiting for a QR scan/);
});

it('stops taking updates when stopped (a second stop is harmless): an update sent meanwhile waits for the next start, which answers it', async () => {
  h = await startApp({ sessions: [{ id: 'demo', status: 'STOPPED' }] });
  await untilShowsCurrentCode(h, await h.say(ADMIN, '/qr demo'), 'demo');
  await Promise.all([h.app.stop(), h.app.stop()]);
  const messages = h.tg.messages(ADMIN).length;
  h.tg.sendText({ userId: ADMIN, text: '/help' });
  // Nobody took it: a stopped bot no longer asks Telegram for updates, so it is still Telegram's to deliver.
  expect(h.tg.pendingUpdates()).toBe(1);
  await h.restart();
  const answers = await h.until(() => {
    const after = h.tg.messages(ADMIN).slice(messages);
    return after.length > 0 && after;
  }, 'the /help answer after the restart');
  expect(answers.map((m) => m.text ?? '')).toEqual([expect.stringMatching(/\/qr/)]);
});
