import { afterEach, describe, expect, it } from 'vitest';
import { ADMIN, STRANGER, USER, startApp, type AppHarness } from '../support/app-harness.js';

let h: AppHarness;
afterEach(async () => {
  await h?.close();
});

const tokenOf = (text: string | undefined) => /start=([A-Za-z0-9_-]+)/.exec(text ?? '')?.[1] ?? '';

describe('invite links', () => {
  it('/invite checks that the session exists on Wasend', async () => {
    h = await startApp({ sessions: [{ id: 'demo', status: 'STOPPED' }] });
    expect((await h.say(ADMIN, '/invite ghost')).text).toBe('No invite made: ghost was not found on Wasend.');
    expect(await h.store().invites.listOpen()).toEqual([]);
    expect((await h.say(ADMIN, '/invite demo')).text).toMatch(/^Invite for demo, single use/);
  });

  it('/invites lists the open ones without their tokens, /uninvite voids one: its link then grants nothing', async () => {
    h = await startApp({
      sessions: [
        { id: 'demo', status: 'STOPPED' },
        { id: 'shop', status: 'STOPPED' },
      ],
    });
    const first = tokenOf((await h.say(ADMIN, '/invite demo')).text);
    const second = tokenOf((await h.say(ADMIN, '/invite shop')).text);
    const listed = (await h.say(ADMIN, '/invites')).text ?? '';
    expect(listed).toMatch(/^Open invites/);
    expect(listed).not.toContain(first);
    expect(listed).not.toContain(second);
    const ids = [...listed.matchAll(/^([0-9a-f]{8}): (\w+), by /gm)].map((m) => [m[1], m[2]]);
    expect(ids.map(([, session]) => session)).toEqual(['demo', 'shop']);
    expect((await h.say(ADMIN, '/invites shop')).text).not.toContain('demo');

    const demoId = ids[0]![0]!;
    expect((await h.say(ADMIN, `/uninvite ${demoId}`)).text).toBe(`Invite ${demoId} is void: its link no longer works.`);
    expect((await h.say(ADMIN, `/uninvite ${demoId}`)).text).toMatch(/There is no open invite/);
    expect((await h.say(ADMIN, '/uninvite nothex!')).text).toMatch(/^Usage: \/uninvite/);
    await h.say(STRANGER, `/start ${first}`);
    expect(await h.store().grants.has(STRANGER, 'demo')).toBe(false);
    await h.say(STRANGER, `/start ${second}`);
    expect(await h.store().grants.has(STRANGER, 'shop')).toBe(true);
  });

  it('/revoke also voids the open links of that session, which the revoked user may hold', async () => {
    h = await startApp({ sessions: [{ id: 'demo', status: 'STOPPED' }] });
    await h.say(ADMIN, `/grant ${USER} demo`);
    const token = tokenOf((await h.say(ADMIN, '/invite demo')).text);
    expect((await h.say(ADMIN, `/revoke ${USER} demo`)).text).toBe(`User ${USER} can no longer use demo. Voided 1 open invite link for demo.`);
    await h.say(USER, `/start ${token}`);
    expect(await h.store().grants.has(USER, 'demo')).toBe(false);
  });

  it('purges invites used or expired long ago', () => {
    h = undefined as unknown as AppHarness;
    return import('../../src/store/sqlite.js').then(async ({ createStore }) => {
      const store = await createStore(':memory:');
      try {
        const day = 24 * 60 * 60_000;
        const used = await store.invites.create({ sessionId: 'demo', createdBy: ADMIN, ttlMs: day, now: 0 });
        await store.invites.redeem(used.token, USER, 1_000);
        await store.invites.create({ sessionId: 'demo', createdBy: ADMIN, ttlMs: day, now: 0 });
        const fresh = await store.invites.create({ sessionId: 'demo', createdBy: ADMIN, ttlMs: day, now: 9 * day });
        expect(await store.invites.purge(7 * day, 9 * day)).toBe(2);
        expect(await store.invites.listOpen(undefined, 9 * day)).toHaveLength(1);
        expect(await store.invites.redeem(fresh.token, STRANGER, 9 * day)).toMatchObject({ ok: true });
      } finally {
        await store.close();
      }
    });
  });
});
