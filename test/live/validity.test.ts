import { afterEach, describe, expect, it } from 'vitest';
import type { QrView } from '../../src/live/types.js';
import { createLiveHarness } from './fakes.js';

const POLL_MS = 2_000;
const ALICE = 11;
const BOB = 22;
/** FakeWasend: a session leaves STARTING 2 s after it was started; its first code lives 60 s, later ones 20 s. */
const STARTING_MS = 2_000;

let stops: Array<() => Promise<void>> = [];
function harness() {
  const h = createLiveHarness({ pollIntervalMs: POLL_MS });
  stops.push(h.stop);
  return h;
}
afterEach(async () => {
  for (const stop of stops) await stop();
  stops = [];
});

const codeViews = (views: QrView[]) => views.filter((v): v is Extract<QrView, { kind: 'code' }> => v.kind === 'code');

describe('how long a code is valid, as the message says', () => {
  it('estimates the expiry of codes of a series it started, never before the real rotation nor long after', async () => {
    const t = harness();
    t.wasend.addSession('demo', { status: 'STOPPED' });
    const startedAt = t.clock.now();
    const id = await t.sentId(ALICE);
    await t.clock.advance(60_000 + 20_000 + 1_000);

    const shown = codeViews([t.messenger.sends(ALICE)[0]!.view, ...t.messenger.edits(ALICE, id).map((e) => e.view)]);
    expect(shown).toHaveLength(3);
    const realExpiry = (index: number) => startedAt + STARTING_MS + 60_000 + index * 20_000;
    shown.forEach((view, index) => {
      expect(view.estimated).toBe(true);
      expect(view.expiresAt).toBeGreaterThanOrEqual(realExpiry(index));
      expect(view.expiresAt).toBeLessThanOrEqual(realExpiry(index) + POLL_MS);
    });
  });

  it('gives a second chat opening the same session the estimate the watcher already has', async () => {
    const t = harness();
    t.wasend.addSession('demo', { status: 'STOPPED' });
    await t.sentId(ALICE);
    await t.clock.advance(5_000);
    await t.sentId(BOB);
    const first = t.messenger.sends(ALICE)[0]!.view;
    const second = t.messenger.sends(BOB)[0]!.view;
    expect(second.kind === 'code' && second.estimated).toBe(true);
    expect(second.kind === 'code' && first.kind === 'code' && second.expiresAt === first.expiresAt).toBe(true);
  });

  it('claims no time for a code that was already there when it first looked (its age is unknown)', async () => {
    const t = harness();
    t.wasend.addSession('demo', { status: 'SCAN_QR_CODE', codeAgeMs: 30_000 });
    await t.sentId(ALICE);
    const view = t.messenger.sends(ALICE)[0]!.view;
    expect(view.kind === 'code' && view.expiresAt).toBeNull();
    expect(view.kind === 'code' && view.estimated).toBeFalsy();
  });

  it("shows Wasend's own expiry as exact when Wasend sends one", async () => {
    const t = harness();
    t.wasend.addSession('demo', { status: 'SCAN_QR_CODE', codeAgeMs: 10_000, withExpiresAt: true });
    const openedAt = t.clock.now();
    await t.sentId(ALICE);
    const view = t.messenger.sends(ALICE)[0]!.view;
    expect(view.kind === 'code' && view.expiresAt).toBe(openedAt + 50_000);
    expect(view.kind === 'code' && view.estimated).toBeFalsy();
  });
});
