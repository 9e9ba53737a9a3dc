import { afterEach, expect, it, vi } from 'vitest';
import { keepCommandMenus } from '../../src/bot/commands.js';
import { createMemoryLogger } from '../support/memory-logger.js';
import { ADMIN, startApp, untilShowsCurrentCode, type AppHarness } from '../support/app-harness.js';

/* A Bot API server written by others: it refuses what ours takes, leaves fields out, and ignores `timeout`. */

let h: AppHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

it('a refused setMyCommands does not stop the bot: it answers, and says it will try again', async () => {
  h = await startApp({
    sessions: [{ id: 'demo', status: 'STOPPED' }],
    beforeStart: (tg) => tg.failNext('setMyCommands', { errorCode: 400, description: 'Bad Request: method not supported here' }),
  });
  expect((await h.say(ADMIN, '/help')).text).toMatch(/^I send WhatsApp pairing QR codes/);
  expect(h.logs.some((line) => line.includes('could not set the command menus; the bot runs without them and tries again'))).toBe(true);
});

it('an edit refused without a description is a failed edit retried, not a TypeError', async () => {
  h = await startApp({ sessions: [{ id: 'demo', status: 'SCAN_QR_CODE' }] });
  const qr = await h.say(ADMIN, '/qr demo');
  await untilShowsCurrentCode(h, qr, 'demo');
  h.tg.failNext('editMessageMedia', { errorCode: 400 }, 2);
  h.rotate('demo');
  // The rotation shows after the refused edits were tried again.
  await untilShowsCurrentCode(h, qr, 'demo', 15_000);
  expect(h.tg.callsTo('editMessageMedia').filter((c) => !c.ok)).toHaveLength(2);
  expect(h.logs.join('\n')).not.toMatch(/TypeError|Cannot read properties of undefined/);
  expect(h.crashes).toEqual([]);
});

it('a photo Telegram refuses for good is told as refused, with its reason; a lost answer as unknown', async () => {
  h = await startApp({ sessions: [{ id: 'demo', status: 'SCAN_QR_CODE' }] });
  h.tg.failNext('sendPhoto', { errorCode: 400, description: 'Bad Request: PHOTO_INVALID_DIMENSIONS' });
  const refused = await h.say(ADMIN, '/qr demo');
  expect(refused.text).toBe(
    'Telegram refused the QR photo (Bad Request: PHOTO_INVALID_DIMENSIONS), so nothing was sent. Send /qr demo to try again.',
  );
  h.tg.failNext('sendPhoto', { errorCode: 502, description: 'Bad Gateway' }, 3);
  const unknown = await h.say(ADMIN, '/qr demo');
  expect(unknown.text).toBe('Telegram did not confirm the QR photo. If no photo arrived, send /qr demo again.');
  expect(h.photos(ADMIN)).toEqual([]);
});

it('a getUpdates that answers at once, ignoring its timeout, does not make the poller spin', async () => {
  h = await startApp({ sessions: [{ id: 'demo', status: 'STOPPED' }], telegram: { ignorePollTimeout: true } });
  const harness = h;
  expect((await harness.say(ADMIN, '/help')).text).toMatch(/^I send WhatsApp/);
  const from = Date.now();
  await harness.until(() => harness.tg.callsTo('getUpdates').filter((c) => c.at >= from).length >= 3, 'three polls', 10_000);
  const window = Date.now() - from;
  const polls = harness.tg.callsTo('getUpdates').filter((c) => c.at >= from).length;
  // At most one poll every 500 ms (and one at the start of the window); a spinning loop makes hundreds.
  expect(polls).toBeLessThanOrEqual(Math.floor(window / 500) + 2);
  // Still answering at once.
  expect((await harness.say(ADMIN, '/help')).text).toMatch(/^I send WhatsApp/);
});

it('the menus are tried again until they are set, then no more', async () => {
  const logger = createMemoryLogger();
  let tries = 0;
  const set = async () => {
    tries += 1;
    if (tries <= 2) throw new Error('Bad Request: method not supported here');
  };
  const menus = await keepCommandMenus(set, logger, 20);
  try {
    await vi.waitFor(() => expect(logger.text()).toContain('command menus set'), { timeout: 5_000 });
    expect(tries).toBe(3);
  } finally {
    menus.stop();
  }
});
