import { eventually } from '../support/wait.js';
import { describe, expect, it } from 'vitest';
import { createUpdateQueue, updateChatId } from '../../src/telegram/update-queue.js';
import { createMemoryLogger } from '../support/memory-logger.js';

interface Gate {
  readonly promise: Promise<void>;
  open(): void;
}

function gate(): Gate {
  let open = (): void => {};
  const promise = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}

const message = (updateId: number, chatId: number) => ({
  update_id: updateId,
  message: { message_id: updateId, chat: { id: chatId }, text: `u${updateId}` },
});

describe('createUpdateQueue', () => {
  it('starts updates in arrival order and never lets a slow one hold another, of its chat or any other', async () => {
    const gates = new Map<number, Gate>([1, 2, 3, 4].map((id) => [id, gate()]));
    const started: number[] = [];
    const finished: number[] = [];
    const queue = createUpdateQueue({
      handle: async (update) => {
        const id = (update as { update_id: number }).update_id;
        started.push(id);
        await gates.get(id)?.promise;
        finished.push(id);
      },
      logger: createMemoryLogger(),
    });
    queue.push(message(1, 100));
    queue.push(message(2, 100));
    queue.push(message(3, 200));
    queue.push(message(4, 100));
    await eventually(() => started.length === 4, "every chat's first update to start");
    expect(started).toEqual([1, 2, 3, 4]);
    gates.get(4)?.open();
    gates.get(2)?.open();
    await eventually(() => finished.length === 2, 'the two opened updates to finish');
    expect(finished.sort()).toEqual([2, 4]);
    gates.get(1)?.open();
    gates.get(3)?.open();
    await queue.drain();
    expect(queue.pending).toBe(0);
  });

  it('runs at most maxRunning at once, keeps the rest in order, refuses beyond maxQueued and drops repeats', async () => {
    const blocker = gate();
    const started: number[] = [];
    const queue = createUpdateQueue({
      handle: async (update) => {
        started.push((update as { update_id: number }).update_id);
        await blocker.promise;
      },
      logger: createMemoryLogger(),
      maxRunning: 2,
      maxQueued: 2,
    });
    expect([1, 2, 3, 4, 5].map((id) => queue.push(message(id, id)))).toEqual(['queued', 'queued', 'queued', 'queued', 'full']);
    expect(queue.push(message(3, 3))).toBe('duplicate');
    await eventually(() => started.length === 2, 'two updates to start');
    expect(started).toEqual([1, 2]);
    expect(queue.pending).toBe(4);
    blocker.open();
    await queue.drain();
    expect(started).toEqual([1, 2, 3, 4]);
  });

  it('logs a failing update and goes on with the next one', async () => {
    const logger = createMemoryLogger();
    const handled: number[] = [];
    const queue = createUpdateQueue({
      handle: async (update) => {
        const id = (update as { update_id: number }).update_id;
        if (id === 1) throw new Error('handler broke');
        handled.push(id);
      },
      logger,
    });
    queue.push(message(1, 7));
    queue.push(message(2, 7));
    await queue.drain();
    expect(handled).toEqual([2]);
    expect(logger.entries).toEqual([
      expect.objectContaining({ level: 'error', msg: 'update failed', obj: expect.objectContaining({ updateId: 1 }) }),
    ]);
  });

  it('drain waits for updates pushed while draining', async () => {
    const handled: number[] = [];
    const queue = createUpdateQueue({
      handle: async (update) => {
        const id = (update as { update_id: number }).update_id;
        if (id === 1) queue.push(message(2, 9));
        await new Promise((resolve) => setTimeout(resolve, 5));
        handled.push(id);
      },
      logger: createMemoryLogger(),
    });
    queue.push(message(1, 8));
    await queue.drain();
    expect(handled).toEqual([1, 2]);
  });

  it('runs updates without a chat on their own, each unblocked by the others', async () => {
    const blocker = gate();
    const handled: string[] = [];
    const queue = createUpdateQueue({
      handle: async (update) => {
        const id = (update as { inline_query?: { id: string } }).inline_query?.id ?? 'x';
        if (id === 'slow') await blocker.promise;
        handled.push(id);
      },
      logger: createMemoryLogger(),
    });
    queue.push({ update_id: 1, inline_query: { id: 'slow', from: { id: 1 }, query: '' } });
    queue.push({ update_id: 2, inline_query: { id: 'fast', from: { id: 1 }, query: '' } });
    await eventually(() => handled.length === 1, 'the fast update');
    expect(handled).toEqual(['fast']);
    blocker.open();
    await queue.drain();
    expect(handled).toEqual(['fast', 'slow']);
  });

  it('finds the chat of every kind of update that has one', () => {
    expect(updateChatId(message(1, -100123))).toBe(-100123);
    expect(updateChatId({ update_id: 2, edited_message: { chat: { id: 5 } } })).toBe(5);
    expect(updateChatId({ update_id: 3, callback_query: { id: 'q', from: { id: 6 }, message: { chat: { id: 6 } } } })).toBe(6);
    expect(updateChatId({ update_id: 4, my_chat_member: { chat: { id: 11 } } })).toBe(11);
    expect(updateChatId({ update_id: 5, callback_query: { id: 'q', from: { id: 6 }, inline_message_id: 'i' } })).toBeUndefined();
    expect(updateChatId({ update_id: 6, poll: { id: 'p' } })).toBeUndefined();
    expect(updateChatId(null)).toBeUndefined();
  });
});
