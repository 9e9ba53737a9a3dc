import { afterEach, describe, expect, it, vi } from 'vitest';
import { canWait, createOutbox } from '../../src/bot/outbox.js';

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

  it('sends the old message of a session turning into "replaced" after every photo and reply a person waits for', async () => {
    const outbox = createOutbox({ perSecond: 20, burst: 1 });
    const sent: string[] = [];
    const prev = (async (method: string, payload: { chat_id: number }) => {
      sent.push(`${method}:${payload.chat_id}`);
      return { ok: true, result: true };
    }) as unknown as Parameters<typeof outbox>[0];
    const call = (method: string, payload: object) => outbox(prev, method as never, payload as never);
    await Promise.all([
      call('sendMessage', { chat_id: 1 }),
      call('editMessageMedia', canWait({ chat_id: 2, reply_markup: {} })),
      call('sendMessage', { chat_id: 3 }),
      call('sendPhoto', { chat_id: 4 }),
      call('editMessageMedia', { chat_id: 5 }),
    ]);
    expect(sent).toEqual(['sendMessage:1', 'editMessageMedia:5', 'sendPhoto:4', 'sendMessage:3', 'editMessageMedia:2']);
    // The mark is not a field Telegram would see.
    expect(JSON.stringify(canWait({ chat_id: 2 }))).toBe('{"chat_id":2}');
    await outbox.stop();
  });

  it('leaves a third of the burst to people when a wave of old messages turns into "replaced"', async () => {
    const outbox = createOutbox({ perSecond: 10, burst: 6 });
    const sent: Array<{ what: string; at: number }> = [];
    const start = Date.now();
    const prev = (async (method: string, payload: { chat_id: number }) => {
      sent.push({ what: `${method}:${payload.chat_id}`, at: Date.now() - start });
      return { ok: true, result: true };
    }) as unknown as Parameters<typeof outbox>[0];
    const call = (method: string, payload: object) => outbox(prev, method as never, payload as never);
    const replaced = Array.from({ length: 6 }, (_, i) => call('editMessageMedia', canWait({ chat_id: 10 + i })));
    // Four of six tokens went to the old messages; the photo that comes next finds two left and goes at once.
    await call('sendPhoto', { chat_id: 1 });
    await Promise.all(replaced);
    expect(sent.slice(0, 5).map((c) => c.what)).toEqual([
      'editMessageMedia:10',
      'editMessageMedia:11',
      'editMessageMedia:12',
      'editMessageMedia:13',
      'sendPhoto:1',
    ]);
    expect(sent[4]!.at).toBeLessThan(sent[5]!.at);
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

  describe('on a clock the test moves', () => {
    afterEach(() => {
      vi.useRealTimers();
    });

    it("sends a group's third message of a minute once the first is a minute old, and nobody else waits for it", async () => {
      vi.useFakeTimers();
      const outbox = createOutbox({ perSecond: 100, perGroupPerMinute: 2 });
      const sent: Array<{ chatId: number; at: number }> = [];
      const start = Date.now();
      const prev = (async (_method: string, payload: { chat_id: number }) => {
        sent.push({ chatId: payload.chat_id, at: Date.now() - start });
        return { ok: true, result: true };
      }) as unknown as Parameters<typeof outbox>[0];
      const call = (chatId: number) => outbox(prev, 'sendMessage' as never, { chat_id: chatId } as never);
      const group = [call(-500), call(-500)];
      await vi.advanceTimersByTimeAsync(30_000);
      const third = call(-500);
      await call(7);
      await Promise.all(group);
      expect(sent).toEqual([
        { chatId: -500, at: 0 },
        { chatId: -500, at: 0 },
        { chatId: 7, at: 30_000 },
      ]);
      expect(outbox.queued()).toBe(1);
      await vi.advanceTimersByTimeAsync(29_999);
      expect(sent).toHaveLength(3);
      await vi.advanceTimersByTimeAsync(1);
      await third;
      expect(sent.at(-1)).toEqual({ chatId: -500, at: 60_000 });
      await outbox.stop();
    });
  });
});
