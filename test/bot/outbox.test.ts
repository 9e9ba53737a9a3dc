import { describe, expect, it } from 'vitest';
import { createOutbox } from '../../src/bot/outbox.js';

type Call = { method: string; chatId: number; at: number };

/** Runs `calls` through an outbox whose "Telegram" records when each call went out. */
async function through(outbox: ReturnType<typeof createOutbox>, calls: Array<{ method: string; chatId: number }>) {
  const sent: Call[] = [];
  const start = Date.now();
  const prev = (async (method: string, payload: { chat_id: number }) => {
    sent.push({ method, chatId: payload.chat_id, at: Date.now() - start });
    return { ok: true, result: true };
  }) as unknown as Parameters<typeof outbox>[0];
  await Promise.all(calls.map((c) => outbox(prev, c.method as never, { chat_id: c.chatId } as never)));
  return sent;
}

describe('the outgoing Telegram queue', () => {
  it('keeps within the per-second limit and sends live QR edits before text replies waiting with them', async () => {
    const outbox = createOutbox({ perSecond: 5, burst: 5 });
    const replies = (from: number) => Array.from({ length: 5 }, (_, i) => ({ method: 'sendMessage', chatId: from + i }));
    const edits = Array.from({ length: 4 }, (_, i) => ({ method: 'editMessageMedia', chatId: 200 + i }));
    // The first five empty the bucket; five more replies, then four edits, queue behind them.
    const sent = await through(outbox, [...replies(100), ...replies(300), ...edits]);
    const methods = sent.map((c) => c.method);
    expect(methods.slice(0, 5)).toEqual(Array(5).fill('sendMessage'));
    expect(methods.slice(5, 9)).toEqual(Array(4).fill('editMessageMedia'));
    expect(methods.slice(9)).toEqual(Array(5).fill('sendMessage'));
    // Nine waited for a bucket that refills five a second.
    expect(sent.at(-1)!.at).toBeGreaterThanOrEqual(1_600);
    expect(sent.filter((c) => c.at < 900).length).toBeLessThanOrEqual(5 + 5);
    await outbox.stop();
  });

  it('keeps a group to its own per-minute limit without holding private chats', async () => {
    const outbox = createOutbox({ perSecond: 100, perGroupPerMinute: 2 });
    const group = through(outbox, [
      { method: 'sendMessage', chatId: -500 },
      { method: 'sendMessage', chatId: -500 },
      { method: 'sendMessage', chatId: -500 },
    ]);
    const privately = await through(outbox, [{ method: 'sendMessage', chatId: 7 }]);
    expect(privately).toHaveLength(1);
    // Stopping drops the calls still waiting: the group's third was, while the private chat's went out.
    await outbox.stop();
    await expect(group).rejects.toThrow();
  });

  it('lets a burst of twice the rate out at once after a quiet spell, then keeps to the rate', async () => {
    const outbox = createOutbox({ perSecond: 10 });
    const sent = await through(
      outbox,
      Array.from({ length: 30 }, (_, i) => ({ method: 'editMessageMedia', chatId: i + 1 })),
    );
    // Twenty at once (a burst of one second's rate would let ten out); the last ten at the rate of ten a second.
    expect(sent.filter((c) => c.at < 150).length).toBeGreaterThanOrEqual(18);
    expect(sent.at(-1)!.at).toBeGreaterThanOrEqual(800);
    await outbox.stop();
  });

  it('lets calls that send no message through at once', async () => {
    const outbox = createOutbox({ perSecond: 1 });
    const sent = await through(outbox, [
      { method: 'getUpdates', chatId: 0 },
      { method: 'answerCallbackQuery', chatId: 0 },
      { method: 'sendChatAction', chatId: 1 },
      { method: 'getMe', chatId: 0 },
    ]);
    expect(sent.every((c) => c.at < 200)).toBe(true);
    await outbox.stop();
  });
});
