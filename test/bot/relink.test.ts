import { afterEach, describe, expect, it } from 'vitest';
import { ADMIN, USER, buttonData, scanPhoto, startApp, type AppHarness } from '../support/app-harness.js';
import type { FakeMessage } from '../support/fake-telegram.js';

let h: AppHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const SESSIONS = [
  { id: 'front', status: 'SCAN_QR_CODE' },
  { id: 'linked', status: 'WORKING' },
  { id: 'shop', status: 'SCAN_QR_CODE' },
  { id: 'desk', status: 'SCAN_QR_CODE' },
] as const;

/** The walk's place and session as its caption says it ("Relinking 2 of 3: shop"). */
const stepOf = (message: FakeMessage) => /^🔁 Relinking (\d+) of (\d+): (\S+)/.exec(message.caption ?? '')?.slice(1);

/** Waits until the walk's message shows step `index` with a code a phone can scan (the simulator's current one); returns its session. */
async function untilStep(harness: AppHarness, message: FakeMessage, index: number, timeoutMs?: number): Promise<string> {
  return harness.until(
    async () => {
      const step = stepOf(message);
      if (step?.[0] !== String(index)) return undefined;
      const sessionId = step[2]!;
      return (await scanPhoto(message)) === harness.sim.state(sessionId)?.code ? sessionId : undefined;
    },
    `the walk to show step ${index} with its current code`,
    timeoutMs,
  );
}

describe('/relink', () => {
  it('walks an admin through every unlinked session in one message: it moves on at each link, Skip skips, and the end counts', async () => {
    h = await startApp({ sessions: [...SESSIONS] });
    const walk = await h.say(ADMIN, '/relink');
    const first = await untilStep(h, walk, 1);
    expect(stepOf(walk)?.[1]).toBe('3');
    expect(buttonData(walk)).toEqual(expect.arrayContaining(['rl:skip', 'rl:stop', 'qr:phone']));
    expect(buttonData(walk)).not.toContain('qr:cancel');

    h.sim.scan(first);
    const second = await untilStep(h, walk, 2);
    expect(second).not.toBe(first);

    h.tg.pressButton({ userId: ADMIN, chatId: ADMIN, messageId: walk.messageId, data: 'rl:skip' });
    const third = await untilStep(h, walk, 3);
    expect(new Set([first, second, third])).toEqual(new Set(['front', 'shop', 'desk']));

    h.sim.scan(third);
    await h.until(() => walk.caption?.startsWith('✅ Relinking done'), 'the walk to say it is done');
    expect(walk.caption).toBe(`✅ Relinking done: 2 linked, 1 skipped.\nSkipped: ${second}`);
    expect(buttonData(walk)).toEqual([]);
    // One message the whole way: no other photo was sent.
    expect(h.photos(ADMIN).map((m) => m.messageId)).toEqual([walk.messageId]);
    expect(h.crashes).toEqual([]);
  });

  it('carries on after a restart from where the store says it was (its message found again), and Stop names what was not reached', async () => {
    h = await startApp({ sessions: [...SESSIONS] });
    const walk = await h.say(ADMIN, '/relink');
    const first = await untilStep(h, walk, 1);
    // As if the process had died between the photo and writing down its message: the walk finds it again.
    await h.until(async () => (await h!.store().relinkWalks.get(ADMIN))?.messageId === walk.messageId, 'the walk to know its message');
    expect(await h.store().relinkWalks.move(ADMIN, 0, { messageId: null })).toBe(true);
    await h.restart();
    h.sim.scan(first);
    await untilStep(h, walk, 2, 8_000);
    h.tg.pressButton({ userId: ADMIN, chatId: ADMIN, messageId: walk.messageId, data: 'rl:stop' });
    await h.until(() => walk.caption?.startsWith('⏹'), 'the walk to say it stopped');
    expect(walk.caption).toMatch(/^⏹ Relinking stopped at 2 of 3: 1 linked, 0 skipped\.\nNot linked yet: \w+, \w+$/);
    expect(await scanPhoto(walk)).toBeNull();
    // A press on a finished walk does nothing but say so.
    const press = h.tg.pressButton({ userId: ADMIN, chatId: ADMIN, messageId: walk.messageId, data: 'rl:skip' });
    await h.until(
      () => h!.tg.callsTo('answerCallbackQuery').find((c) => c.params.callback_query_id === press.callbackQueryId)?.params.text,
      'the press answered',
    );
    expect(h.tg.callsTo('answerCallbackQuery').find((c) => c.params.callback_query_id === press.callbackQueryId)?.params.text).toMatch(
      /no longer active/,
    );
  });

  it('walks a user through their own unlinked sessions only, and says when there is nothing to do', async () => {
    h = await startApp({ sessions: [...SESSIONS] });
    await h.store().grants.grant(USER, 'linked', ADMIN);
    expect((await h.say(USER, '/relink')).text).toBe('Nothing to relink: every session you can use is linked.');
    await h.store().grants.grant(USER, 'shop', ADMIN);
    const walk = await h.say(USER, '/relink');
    expect(await untilStep(h, walk, 1)).toBe('shop');
    expect(stepOf(walk)?.[1]).toBe('1');
  });

  it('a step the gateway fails says why, with Try again; /cancel stops the walk and says what it did not reach', async () => {
    h = await startApp({ sessions: [...SESSIONS] });
    const walk = await h.say(ADMIN, '/relink');
    expect(await untilStep(h, walk, 1)).toBe('front');
    h.sim.injectFaults({ kind: 'status', status: 503, path: '/sessions/shop' }, 1);
    h.sim.scan('front');
    await h.until(
      () => walk.caption?.startsWith('🔁 Relinking 2 of 3: shop\n') && buttonData(walk).includes('rl:retry'),
      'the step to say it failed',
    );
    expect(walk.caption).toMatch(/unreachable|not answer|down/i);
    expect(buttonData(walk)).toEqual(['rl:retry', 'rl:skip', 'rl:stop']);
    h.tg.pressButton({ userId: ADMIN, chatId: ADMIN, messageId: walk.messageId, data: 'rl:retry' });
    expect(await untilStep(h, walk, 2)).toBe('shop');

    await h.say(ADMIN, '/cancel');
    await h.until(() => walk.caption?.startsWith('⏹'), 'the walk to stop');
    expect(walk.caption).toBe('⏹ Relinking stopped at 2 of 3: 1 linked, 0 skipped.\nNot linked yet: shop, desk');
    expect(buttonData(walk)).toEqual([]);
    expect(h.photos(ADMIN).map((m) => m.messageId)).toEqual([walk.messageId]);
  });
});
