import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createPostgresStore } from '../../src/store/postgres.js';
import { createStore } from '../../src/store/sqlite.js';
import type { Store } from '../../src/store/types.js';
import { POSTGRES_URL, postgresAnswers, useSchemas } from '../support/postgres.js';
import { useTempDir } from './temp-dir.js';

/*
 * The same repositories on both engines: what the bot relies on when several instances share PostgreSQL
 * (atomic redeem, leases with fencing, the update inbox), checked on SQLite too.
 */

const tempDir = useTempDir();
const newSchema = useSchemas();
const opened: Store[] = [];
afterEach(async () => {
  for (const store of opened.splice(0)) await store.close();
});

type Engine = 'sqlite' | 'postgres';
const engines: Engine[] = postgresAnswers || process.env['REQUIRE_POSTGRES'] === '1' ? ['sqlite', 'postgres'] : ['sqlite'];

/** `count` stores on one new database of `engine` (two stores = two instances). */
async function databases(engine: Engine, count = 1, now?: () => number): Promise<Store[]> {
  const options = now ? { now } : {};
  const stores: Store[] = [];
  if (engine === 'sqlite') {
    // One connection stands for every instance: better-sqlite3 waits for a lock synchronously, so two
    // connections of one process would wait on each other (SQLite is the one-instance engine anyway).
    const store = await createStore(join(tempDir(), 'shared.sqlite'), options);
    for (let i = 0; i < count; i++) stores.push(store);
    opened.push(store);
    return stores;
  } else {
    const schema = newSchema();
    for (let i = 0; i < count; i++) stores.push(await createPostgresStore(POSTGRES_URL, { ...options, schema }));
  }
  opened.push(...stores);
  return stores;
}

describe.each(engines)('repositories on %s', (engine) => {
  it('an invite redeemed through two instances at the same moment grants exactly once', async () => {
    const [a, b] = await databases(engine, 2);
    for (let round = 0; round < 10; round++) {
      const { token } = await a!.invites.create({ sessionId: `s${round}`, createdBy: 1, ttlMs: 60_000 });
      const results = await Promise.all([a!.invites.redeem(token, 100 + round), b!.invites.redeem(token, 200 + round)]);
      expect(results.filter((r) => r.ok)).toHaveLength(1);
      expect(results.filter((r) => !r.ok).map((r) => (r.ok ? '' : r.reason))).toEqual(['used']);
      expect((await a!.grants.list(`s${round}`)).map((g) => g.userId)).toHaveLength(1);
    }
  });

  it('a grant written by one instance is read by another at once', async () => {
    const [a, b] = await databases(engine, 2);
    expect(await b!.grants.has(7, 'demo')).toBe(false);
    await a!.grants.grant(7, 'demo', 1);
    expect(await b!.grants.has(7, 'demo')).toBe(true);
    await b!.grants.revoke(7, 'demo');
    expect(await a!.grants.has(7, 'demo')).toBe(false);
  });

  it('leases: one holder at a time, the fence grows at every change of holder, an expired lease is free', async () => {
    let t = 1_000_000;
    const [a, b] = await databases(engine, 2, () => t);
    const first = await a!.leases.acquire('poller', 'i1', 6_000);
    expect(first).toMatchObject({ holder: 'i1', expiresAt: t + 6_000 });
    expect(await b!.leases.acquire('poller', 'i2', 6_000)).toBeUndefined();
    t += 2_000;
    expect((await a!.leases.renew('i1', '', 6_000)).map((l) => l.name)).toEqual(['poller']);
    expect(await a!.leases.acquire('poller', 'i1', 6_000)).toMatchObject({ fence: first!.fence });
    t += 6_001;
    expect(await a!.leases.holds('poller', 'i1', first!.fence)).toBe(false);
    expect(await a!.leases.renew('i1', '', 6_000)).toEqual([]);
    const second = await b!.leases.acquire('poller', 'i2', 6_000);
    expect(second!.fence).toBe(first!.fence + 1);
    // The old holder comes back: it cannot take the lease, nor act with its old fence.
    expect(await a!.leases.acquire('poller', 'i1', 6_000)).toBeUndefined();
    expect(await a!.leases.holds('poller', 'i1', first!.fence)).toBe(false);
    await b!.leases.release('poller', 'i2', second!.fence);
    expect((await a!.leases.acquire('poller', 'i1', 6_000))!.fence).toBe(second!.fence + 1);
  });

  it('leases: of many instances taking one free lease at once, exactly one gets it', async () => {
    const stores = await databases(engine, engine === 'postgres' ? 4 : 1);
    const takers = Array.from({ length: 8 }, (_, i) => stores[i % stores.length]!.leases.acquire('session:demo', `i${i}`, 6_000));
    const won = (await Promise.all(takers)).filter((lease) => lease !== undefined);
    expect(won).toHaveLength(1);
  });

  it("the update inbox: an update is taken once, its JSON kept until done; a dead holder's waiting ones are taken over, its started ones not run again", async () => {
    let t = 5_000_000;
    const [a, b] = await databases(engine, 2, () => t);
    const update = (id: number) => ({ updateId: id, payload: JSON.stringify({ update_id: id }) });
    expect(await a!.telegramUpdates.oldestOpenAt()).toBeNull();
    expect(await a!.telegramUpdates.take(update(1), 'i1', 60_000)).toBe(true);
    expect(await b!.telegramUpdates.take(update(1), 'i2', 60_000)).toBe(false);
    t += 1_000;
    expect(await a!.telegramUpdates.take(update(2), 'i1', 60_000)).toBe(true);
    // The inbox's oldest waiting update, whichever instance took it (a metric).
    expect(await b!.telegramUpdates.oldestOpenAt()).toBe(5_000_000);
    expect(await a!.telegramUpdates.take(update(3), 'i1', 60_000)).toBe(true);
    await a!.telegramUpdates.start(1);
    await a!.telegramUpdates.done(1);
    expect(await b!.telegramUpdates.oldestOpenAt()).toBe(5_001_000);
    await a!.telegramUpdates.start(3);
    t += 10_000;
    // i1 is alive: nothing to take over.
    expect(await b!.telegramUpdates.reclaim('i2', ['i1', 'i2'], 5_000)).toEqual({ updates: [], cutShort: [] });
    // i1 died with update 2 waiting and update 3 being handled: 2 is taken over, once; 3 is not run again.
    const [taken, again] = await Promise.all([
      b!.telegramUpdates.reclaim('i2', ['i2', 'i3'], 5_000),
      a!.telegramUpdates.reclaim('i3', ['i2', 'i3'], 5_000),
    ]);
    expect([...taken.updates, ...again.updates]).toEqual([{ updateId: 2, payload: '{"update_id":2}' }]);
    expect([...taken.cutShort, ...again.cutShort]).toEqual([3]);
  });

  it('a /relink walk moves on once when two instances move it from the same place at once, and keeps its lists', async () => {
    const [a, b] = await databases(engine, 2);
    const walk = {
      chatId: 7,
      userId: 7,
      messageId: null,
      sessions: ['a', 'b', 'c'],
      position: 0,
      linked: [],
      skipped: [],
      state: 'active' as const,
      updatedAt: 1,
    };
    await a!.relinkWalks.put(walk);
    const moves = await Promise.all([
      a!.relinkWalks.move(7, 0, { position: 1, linked: ['a'] }),
      b!.relinkWalks.move(7, 0, { position: 1, skipped: ['a'] }),
    ]);
    expect(moves.filter(Boolean)).toHaveLength(1);
    const after = await b!.relinkWalks.get(7);
    expect(after).toMatchObject({ position: 1, sessions: ['a', 'b', 'c'], messageId: null, state: 'active' });
    expect([...after!.linked, ...after!.skipped]).toEqual(['a']);
    expect(await a!.relinkWalks.move(7, 1, { position: 3, state: 'done', messageId: 42 })).toBe(true);
    expect(await a!.relinkWalks.listActive()).toEqual([]);
    // A finished walk does not move again.
    expect(await b!.relinkWalks.move(7, 3, { position: 4 })).toBe(false);
    await b!.relinkWalks.put({ ...walk, sessions: ['d'] });
    expect((await a!.relinkWalks.listActive()).map((w) => w.sessions)).toEqual([['d']]);
  });

  it('the ids of Wasend webhook events: a replay through another instance is refused', async () => {
    const [a, b] = await databases(engine, 2);
    expect(await a!.webhookEvents.firstSeen('evt-1', 1_000, 600_000)).toBe(true);
    expect(await b!.webhookEvents.firstSeen('evt-1', 2_000, 600_000)).toBe(false);
    expect(await b!.webhookEvents.firstSeen('evt-1', 700_000, 600_000)).toBe(true);
  });

  it('sessions with work: those with a message showing a code or a final view still to put', async () => {
    const [store] = await databases(engine);
    const row = {
      chatId: 1,
      messageId: 1,
      userId: 1,
      sessionId: 'a',
      state: 'showing' as const,
      fingerprint: 'f',
      expiresAt: null,
      deadlineAt: 9,
      createdAt: 1,
      updatedAt: 1,
    };
    await store!.liveMessages.save(row);
    await store!.liveMessages.save({ ...row, messageId: 2, sessionId: 'b', state: 'cancelled', finalEditSince: 5 });
    await store!.liveMessages.save({ ...row, messageId: 3, sessionId: 'c', state: 'connected' });
    expect(await store!.liveMessages.sessionsWithWork()).toEqual(['a', 'b']);
    expect(await store!.liveMessages.update(1, 1, { state: 'connected', fingerprint: null })).toMatchObject({
      state: 'connected',
      fingerprint: null,
      sessionId: 'a',
    });
    expect(await store!.liveMessages.sessionsWithWork()).toEqual(['b']);
  });

  it('Telegram ids and times beyond 32 bits come back as the same numbers', async () => {
    const [store] = await databases(engine);
    const big = 7_123_456_789;
    await store!.grants.grant(big, 'demo', 1, 1_764_000_000_000);
    expect(await store!.grants.list('demo')).toEqual([{ userId: big, sessionId: 'demo', grantedBy: 1, grantedAt: 1_764_000_000_000 }]);
    await store!.audit.record({ userId: big, chatId: -1_001_234_567_890, action: 'qr', sessionId: 'demo', outcome: 'sent', detail: null });
    expect((await store!.audit.latest(1))[0]).toMatchObject({ userId: big, chatId: -1_001_234_567_890 });
  });
});
