import { afterEach, describe, expect, it } from 'vitest';
import { createLiveHarness } from './fakes.js';

const POLL_MS = 2_000;
const ALICE = 11;

let stops: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const stop of stops) await stop();
  stops = [];
});

/**
 * Opens a stopped session (so every rotation time is known) and follows it through three rotations;
 * `hookAt` is when a webhook event for the session arrived, relative to the open (none when undefined).
 */
async function followSeries(hookAt?: number) {
  const h = createLiveHarness({ pollIntervalMs: POLL_MS, webhookPollFactor: 3 });
  stops.push(h.stop);
  h.wasend.addSession('demo', { status: 'STOPPED' });
  if (hookAt !== undefined) {
    h.live.noteWebhookEvent('demo');
    await h.clock.advance(-hookAt);
  }
  const id = await h.sentId(ALICE);
  await h.clock.advance(60_000 + 2 * 20_000 + 1_000);
  const edits = h.messenger.edits(ALICE, id).map((e) => e.at);
  const first = edits[0]!;
  const last = edits.at(-1)!;
  const between = (c: { at: number }) => c.at > first && c.at < last;
  const looksBetween = h.wasend.callsOf('getSession').filter(between).length;
  const qrLooksBetween = h.wasend.callsOf('getQr').filter(between).length;
  return { h, id, edits, looksBetween, qrLooksBetween };
}

describe('the status feed while Wasend webhooks flow', () => {
  it('looks fewer times between rotations after a recent webhook event, and puts every rotation up at the same moment', async () => {
    const polled = await followSeries();
    const hooked = await followSeries(0);

    expect(polled.edits).toHaveLength(3);
    expect(hooked.edits).toEqual(polled.edits);
    // 40 s from the first to the third rotation: a status look every second without webhooks, every 3 s
    // with them; the QR looks that pin down each rotation are the same in both.
    expect(polled.looksBetween).toBeGreaterThanOrEqual(38);
    expect(hooked.looksBetween).toBeLessThanOrEqual(15);
    expect(hooked.looksBetween).toBeGreaterThanOrEqual(12);
    expect(hooked.qrLooksBetween).toBe(polled.qrLooksBetween);
  });

  it('polls at the normal interval once the last webhook event is over 5 minutes old', async () => {
    const stale = await followSeries(-(5 * 60_000 + 1_000));
    expect(stale.looksBetween).toBeGreaterThanOrEqual(38);
  });

  it('still notices a link without any webhook for it, within the stretched interval', async () => {
    const h = createLiveHarness({ pollIntervalMs: POLL_MS, webhookPollFactor: 3 });
    stops.push(h.stop);
    h.wasend.addSession('demo', { status: 'STOPPED' });
    h.live.noteWebhookEvent('demo');
    const id = await h.sentId(ALICE);
    await h.clock.advance(10_000);
    h.wasend.scan('demo');
    await h.clock.advance(3 * POLL_MS + 100);
    expect(h.messenger.shows(ALICE, id)).toBe('connected');
  });

  it('a webhook event with its poke is seen at once, whatever the interval', async () => {
    const h = createLiveHarness({ pollIntervalMs: POLL_MS, webhookPollFactor: 3 });
    stops.push(h.stop);
    h.wasend.addSession('demo', { status: 'STOPPED' });
    const id = await h.sentId(ALICE);
    await h.clock.advance(10_000);
    h.wasend.scan('demo');
    h.live.noteWebhookEvent('demo');
    h.live.poke('demo');
    await h.clock.advance(0);
    expect(h.messenger.shows(ALICE, id)).toBe('connected');
  });
});
