import { setTimeout as delay } from 'node:timers/promises';
import { afterEach, expect, it } from 'vitest';
import { openStore } from '../../src/store/open.js';
import { ADMIN, startApp, type AppHarness } from '../support/app-harness.js';

let h: AppHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

it('a button pressed the moment the photo arrives waits for its message to be stored, instead of calling it stale', async () => {
  // The row of a new live message is stored 800 ms after Telegram took the photo: a slow disk, a busy database.
  let slowSaves = false;
  h = await startApp({
    sessions: [{ id: 'demo', status: 'SCAN_QR_CODE' }],
    speed: 1,
    openStore: async (config) => {
      const store = await openStore(config);
      const { liveMessages } = store;
      return {
        ...store,
        liveMessages: {
          ...liveMessages,
          save: async (message) => {
            if (slowSaves) await delay(800);
            return liveMessages.save(message);
          },
        },
      };
    },
  });
  const harness = h;
  slowSaves = true;
  harness.tg.sendText({ userId: ADMIN, text: '/qr demo' });
  const photo = await harness.tg.waitFor(() => harness.tg.messages(ADMIN).find((m) => m.photo !== undefined), {
    timeoutMs: 10_000,
    description: 'the QR photo',
  });
  expect(await harness.store().liveMessages.get(ADMIN, photo.messageId)).toBeUndefined();
  const press = harness.tg.pressButton({ userId: ADMIN, chatId: ADMIN, messageId: photo.messageId, data: 'qr:refresh' });
  const answer = await harness.until(() => harness.tg.answerOf(press.callbackQueryId), 'the answer to the early press', 10_000);
  expect(answer.text).toBe('This is still the current code.');
});
