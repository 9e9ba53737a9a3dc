import { describe, expect, it } from 'vitest';
import { createLiveQr } from '../../src/live/live-qr.js';
import { renderQrPng } from '../../src/qr/render.js';
import { decodeQrPng } from '../support/decode-qr.js';
import { FakeClock, FakeMessenger, FakeWasend, MemoryLiveStore } from './fakes.js';
import { createMemoryLogger } from '../support/memory-logger.js';

/** Waits (real time, bounded) for work off the fake clock, like sharp rendering, to finish. */
async function until(check: () => boolean, clock: FakeClock): Promise<void> {
  for (let i = 0; i < 200 && !check(); i++) {
    await clock.flush();
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('live QR with the real renderer', () => {
  it('the photo a user gets, and the photo after a rotation, scan as the code the phone expects', async () => {
    const clock = new FakeClock();
    const wasend = new FakeWasend(clock);
    const messenger = new FakeMessenger(clock);
    const store = new MemoryLiveStore(clock);
    const live = createLiveQr({
      wasend,
      store,
      messenger,
      render: renderQrPng,
      logger: createMemoryLogger(),
      pollIntervalMs: 2_000,
      watchTimeoutMs: 600_000,
      clock,
    });
    wasend.addSession('demo', { status: 'SCAN_QR_CODE', codeAgeMs: 59_000 });

    const opening = live.open({ chatId: 5, userId: 5, sessionId: 'demo' });
    await until(() => messenger.sends().length > 0, clock);
    const outcome = await opening;
    expect(outcome.kind).toBe('sent');
    if (outcome.kind !== 'sent') return;
    const photo = () => {
      const view = messenger.message(5, outcome.messageId)?.view;
      return view?.kind === 'code' ? view.png : undefined;
    };
    expect(await decodeQrPng(photo()!)).toBe('2@demo-1-0');

    await clock.advance(2_000);
    await until(() => messenger.edits(5, outcome.messageId).length > 0 && store.peek(5, outcome.messageId)?.fingerprint === 'demo#1.1', clock);
    expect(await decodeQrPng(photo()!)).toBe('2@demo-1-1');

    await clock.run(live.stop());
    expect(clock.pendingTimers).toBe(0);
  });
});
