import { afterEach, describe, expect, it } from 'vitest';
import { ADMIN, USER, startApp, untilShowsCurrentCode, type AppHarness } from '../support/app-harness.js';

let h: AppHarness;
afterEach(async () => {
  await h?.close();
});

describe('no chat is ever blocked', () => {
  it('a /qr waiting for its first code does not hold /status or /cancel in the same chat, and /cancel stops it', async () => {
    // STARTING lasts 200 s of simulated time (20 s real at speed 10): the /qr waits for a code all along.
    h = await startApp({
      startingMs: 200_000,
      sessions: [
        { id: 'slow', status: 'STOPPED' },
        { id: 'linked', status: 'WORKING' },
      ],
    });
    h.tg.sendText({ userId: ADMIN, text: '/qr slow' });
    await h.until(() => h.sim.requests.some((r) => r.method === 'POST' && r.path === '/sessions/slow/start'), 'the /qr to start the session');

    const status = await h.say(ADMIN, '/status linked');
    expect(status.text).toBe('linked: ✅ connected');
    const cancel = await h.say(ADMIN, '/cancel');
    expect(cancel.text).toBe('Stopped 1 live QR code.');

    // The cancelled /qr ends (audited as cancelled) and never sends a photo, even once a code appears.
    h.rotate('slow');
    await h.until(
      async () => (await h.store().audit.latest(20)).find((e) => e.action === 'qr' && e.outcome === 'cancelled'),
      'the /qr to end as cancelled',
    );
    const asked = () => h.sim.requests.filter((r) => r.path.startsWith('/sessions/slow/')).length;
    const afterEnd = asked();
    const probe = await h.say(ADMIN, '/status slow');
    expect(probe.text).toMatch(/^slow: /);
    expect(asked()).toBe(afterEnd);
    expect(h.photos(ADMIN)).toHaveLength(0);
  });

  it('a revoke reaches a /qr still waiting for Wasend: the photo never goes out', async () => {
    h = await startApp({ startingMs: 200_000, sessions: [{ id: 'slow', status: 'STOPPED' }] });
    await h.say(ADMIN, `/grant ${USER} slow`);
    h.tg.sendText({ userId: USER, text: '/qr slow' });
    await h.until(() => h.sim.requests.some((r) => r.method === 'POST' && r.path === '/sessions/slow/start'), 'the /qr to start the session');
    const revoked = await h.say(ADMIN, `/revoke ${USER} slow`);
    expect(revoked.text).toContain(`User ${USER} (${USER}) can no longer use slow. Stopped 1 live QR code.`);
    h.rotate('slow');
    await h.until(() => h.tg.messages(USER).find((m) => m.text === 'You no longer have access to slow.'), 'the /qr in flight to be refused');
    const next = await h.say(USER, '/qr slow');
    expect(next.text).toMatch(/don't have access/);
    expect(h.photos(USER)).toHaveLength(0);
    const qrEntries = (await h.store().audit.latest(50)).filter((e) => e.action === 'qr' && e.userId === USER);
    expect(qrEntries.map((e) => e.outcome)).toEqual(['refused']);
  });

  it('with 30 live sessions, a 500 ms poll and a 10 rps budget, a new /qr still gets its photo and /cancel in another chat answers', async () => {
    const ids = Array.from({ length: 31 }, (_, i) => `busy-${i}`);
    h = await startApp({
      chats: [ADMIN, USER],
      sessions: ids.map((id) => ({ id, status: 'SCAN_QR_CODE' as const })),
      wasend: { pollIntervalMs: 500, maxRps: 10 },
    });
    for (const id of ids.slice(0, 30)) h.tg.sendText({ userId: ADMIN, text: `/qr ${id}` });
    await h.until(() => h.photos(ADMIN).length === 30, 'thirty live QR photos', 20_000);

    await h.say(ADMIN, `/grant ${USER} busy-30`);
    const photo = await h.say(USER, '/qr busy-30');
    expect(photo.photo).toBeDefined();
    await untilShowsCurrentCode(h, photo, 'busy-30');
    const cancel = await h.say(USER, '/cancel');
    expect(cancel.text).toBe('Stopped 1 live QR code.');
  });
});
