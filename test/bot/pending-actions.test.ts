import { afterEach, describe, expect, it } from 'vitest';
import { ADMIN, buttonData, startApp, untilShowsCurrentCode, type AppHarness, type AppHarnessOptions } from '../support/app-harness.js';
import { prepareSchema } from '../support/instances.js';
import { describePostgres, useSchemas } from '../support/postgres.js';

/*
 * A /delete confirm and a "reply with the phone number" prompt live in the store: the answer counts on whichever
 * instance receives it. A restart is the plainest other instance (nothing of the first one's memory is left); on
 * PostgreSQL it is exactly what a second instance on the same database sees.
 */

const OTHER_ADMIN = 1002;
let h: AppHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const sessions = [
  { id: 'demo', name: 'Demo phone', status: 'SCAN_QR_CODE' as const },
  { id: 'keep', status: 'STOPPED' as const },
];

async function scenarios(options: Partial<AppHarnessOptions>): Promise<void> {
  h = await startApp({ sessions, moreAdmins: [OTHER_ADMIN], ...options });
  const harness = h;

  // A /delete asked before a restart is confirmed after it; another admin's press neither deletes nor spends it.
  const ask = await harness.say(ADMIN, '/delete keep');
  const data = buttonData(ask)[0]!;
  await harness.restart();
  const foreign = harness.tg.pressButton({ userId: OTHER_ADMIN, chatId: ADMIN, messageId: ask.messageId, data });
  expect((await harness.until(() => harness.tg.answerOf(foreign.callbackQueryId), "the other admin's answer")).text).toBe(
    'This confirmation belongs to the admin who asked for it.',
  );
  expect(harness.sim.state('keep')).toBeDefined();
  harness.tg.pressButton({ userId: ADMIN, chatId: ADMIN, messageId: ask.messageId, data });
  await harness.until(() => ask.text === 'Deleted keep.', 'the confirmation to say Deleted');
  expect(harness.sim.state('keep')).toBeUndefined();

  // "Phone number instead" asked before a restart: the number typed after it gets its pairing code.
  const qr = await harness.say(ADMIN, '/qr demo');
  await untilShowsCurrentCode(harness, qr, 'demo');
  harness.tg.pressButton({ userId: ADMIN, chatId: ADMIN, messageId: qr.messageId, data: 'qr:phone' });
  const question = await harness.until(() => harness.tg.messages(ADMIN).find((m) => m.forceReply), 'the question for a number');
  await harness.restart();
  harness.tg.sendText({ userId: ADMIN, text: '+55 11 98765-4321', replyTo: question.messageId });
  await harness.until(() => harness.sim.state('demo')?.pairingRequests === 1, 'the pairing code to be asked for');
  await harness.until(() => qr.caption?.includes(harness.sim.state('demo')?.pairingCode ?? '#'), 'the live message to show the pairing code');
  expect(harness.tg.messages(ADMIN).some((m) => /only understand commands/i.test(m.text ?? ''))).toBe(false);
}

describe('questions that outlive the instance that asked them (SQLite)', () => {
  it('a /delete confirm and a phone prompt are answered after a restart; a confirm is bound to the admin who asked', async () => {
    await scenarios({});
  }, 60_000);
});

describePostgres('questions that outlive the instance that asked them (PostgreSQL)', () => {
  const newSchema = useSchemas();
  it('the same on PostgreSQL, where another instance reads them from the same tables', async () => {
    await scenarios({ database: { url: await prepareSchema(newSchema()) } });
  }, 60_000);
});
