import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { LiveMessage } from '../../src/store/types.js';
import { useStores, useTempDir } from './temp-dir.js';

const tempDir = useTempDir();
const open = useStores();

function clock(start = 1_700_000_000_000) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

function liveMessage(overrides: Partial<LiveMessage> = {}): LiveMessage {
  return {
    chatId: 100,
    messageId: 1,
    userId: 7,
    sessionId: 'alpha',
    state: 'showing',
    fingerprint: 'fp-1',
    expiresAt: 1_700_000_020_000,
    deadlineAt: 1_700_000_600_000,
    createdAt: 1_700_000_000_000,
    updatedAt: 1_700_000_000_000,
    ...overrides,
  };
}

describe('grants', () => {
  it('grants once per user and session, revokes, and lists sorted', async () => {
    const store = await open(':memory:', { now: () => 5000 });
    expect(await store.grants.grant(2, 'beta', 1)).toBe(true);
    expect(await store.grants.grant(2, 'beta', 9)).toBe(false);
    expect(await store.grants.grant(2, 'alpha', 1, 42)).toBe(true);
    expect(await store.grants.grant(1, 'beta', 1)).toBe(true);

    expect(await store.grants.has(2, 'beta')).toBe(true);
    expect(await store.grants.has(3, 'beta')).toBe(false);
    expect(await store.grants.sessionsOf(2)).toEqual(['alpha', 'beta']);
    expect(await store.grants.list()).toEqual([
      { userId: 2, sessionId: 'alpha', grantedBy: 1, grantedAt: 42 },
      { userId: 1, sessionId: 'beta', grantedBy: 1, grantedAt: 5000 },
      { userId: 2, sessionId: 'beta', grantedBy: 1, grantedAt: 5000 },
    ]);
    expect((await store.grants.list('beta')).map((grant) => grant.userId)).toEqual([1, 2]);

    expect(await store.grants.revoke(2, 'beta')).toBe(true);
    expect(await store.grants.revoke(2, 'beta')).toBe(false);
    expect(await store.grants.has(2, 'beta')).toBe(false);
    expect(await store.grants.sessionsOf(2)).toEqual(['alpha']);
  });
});

describe('invites', () => {
  it('redeems once: the first redeemer gets the session, the second is told it was used', async () => {
    const time = clock();
    const store = await open(':memory:', { now: time.now });
    const { token, expiresAt } = await store.invites.create({ sessionId: 'alpha', createdBy: 1, ttlMs: 60_000 });
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(expiresAt).toBe(time.now() + 60_000);

    expect(await store.invites.redeem(token, 7)).toEqual({ ok: true, sessionId: 'alpha', alreadyGranted: false });
    expect(await store.grants.list('alpha')).toEqual([{ userId: 7, sessionId: 'alpha', grantedBy: 1, grantedAt: time.now() }]);
    expect(await store.invites.redeem(token, 8)).toEqual({ ok: false, reason: 'used' });
    expect(await store.invites.redeem(token, 7)).toEqual({ ok: false, reason: 'used' });
    expect(await store.grants.has(8, 'alpha')).toBe(false);
  });

  it('tells a user who already had the session so', async () => {
    const store = await open(':memory:');
    await store.grants.grant(7, 'alpha', 1);
    const { token } = await store.invites.create({ sessionId: 'alpha', createdBy: 1, ttlMs: 60_000 });
    expect(await store.invites.redeem(token, 7)).toEqual({ ok: true, sessionId: 'alpha', alreadyGranted: true });
  });

  it('refuses an expired invite and an unknown token', async () => {
    const time = clock();
    const store = await open(':memory:', { now: time.now });
    const { token } = await store.invites.create({ sessionId: 'alpha', createdBy: 1, ttlMs: 60_000 });
    time.advance(60_000);
    expect(await store.invites.redeem(token, 7)).toEqual({ ok: false, reason: 'expired' });
    expect(await store.invites.redeem('no-such-token', 7)).toEqual({ ok: false, reason: 'unknown' });
    expect(await store.invites.redeem(`${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`, 7)).toEqual({
      ok: false,
      reason: 'unknown',
    });
    expect(await store.grants.has(7, 'alpha')).toBe(false);
  });

  it('gives every invite its own token', async () => {
    const store = await open(':memory:');
    const tokens = new Set(
      await Promise.all(Array.from({ length: 50 }, async () => (await store.invites.create({ sessionId: 'a', createdBy: 1, ttlMs: 1000 })).token)),
    );
    expect(tokens.size).toBe(50);
  });

  it('lets only one of two connections to the same file redeem a token', async () => {
    const path = join(tempDir(), 'shared.sqlite');
    const first = await open(path);
    const second = await open(path);
    const { token } = await first.invites.create({ sessionId: 'alpha', createdBy: 1, ttlMs: 60_000 });
    const results = [await second.invites.redeem(token, 7), await first.invites.redeem(token, 8)];
    expect(results).toEqual([
      { ok: true, sessionId: 'alpha', alreadyGranted: false },
      { ok: false, reason: 'used' },
    ]);
    expect((await first.grants.list('alpha')).map((grant) => grant.userId)).toEqual([7]);
  });

  it('never writes the raw token to the database files', async () => {
    const dir = tempDir();
    const path = join(dir, 'invites.sqlite');
    const store = await open(path);
    const tokens = await Promise.all(
      Array.from({ length: 5 }, async () => (await store.invites.create({ sessionId: 'alpha', createdBy: 1, ttlMs: 60_000 })).token),
    );
    const filesWhileOpen = readAllBytes(dir);
    await store.close();
    const filesAfterClose = readAllBytes(dir);
    for (const token of tokens) {
      for (const bytes of [filesWhileOpen, filesAfterClose]) {
        expect(bytes.includes(Buffer.from(token, 'utf8'))).toBe(false);
        expect(bytes.includes(Buffer.from(token, 'base64url'))).toBe(false);
      }
    }
    // The invites are still there (so the check above looked at real data) and still redeem.
    const reopened = await open(path);
    expect(await reopened.invites.redeem(tokens[0]!, 7)).toMatchObject({ ok: true });
  });
});

function readAllBytes(dir: string): Buffer {
  return Buffer.concat(readdirSync(dir).map((name) => readFileSync(join(dir, name))));
}

describe('live messages', () => {
  it('saves, replaces, gets and lists only the showing ones, by session and by chat', async () => {
    const store = await open(':memory:');
    await store.liveMessages.save(liveMessage({ chatId: 100, messageId: 1, sessionId: 'alpha' }));
    await store.liveMessages.save(liveMessage({ chatId: 100, messageId: 2, sessionId: 'beta', createdAt: 2 }));
    await store.liveMessages.save(liveMessage({ chatId: 200, messageId: 1, sessionId: 'alpha', createdAt: 3 }));
    await store.liveMessages.save(liveMessage({ chatId: 200, messageId: 2, sessionId: 'alpha', state: 'connected' }));
    await store.liveMessages.save(liveMessage({ chatId: 300, messageId: 9, state: 'expired', fingerprint: null }));

    const keys = (messages: LiveMessage[]) => messages.map((m) => `${m.chatId}/${m.messageId}`).sort();
    expect(keys(await store.liveMessages.listLive())).toEqual(['100/1', '100/2', '200/1']);
    expect(keys(await store.liveMessages.listLiveBySession('alpha'))).toEqual(['100/1', '200/1']);
    expect(keys(await store.liveMessages.listLiveByChat(100))).toEqual(['100/1', '100/2']);
    expect(await store.liveMessages.listLiveByChat(300)).toEqual([]);

    expect(await store.liveMessages.get(300, 9)).toEqual(liveMessage({ chatId: 300, messageId: 9, state: 'expired', fingerprint: null }));
    expect(await store.liveMessages.get(300, 10)).toBeUndefined();

    await store.liveMessages.save(liveMessage({ chatId: 100, messageId: 1, state: 'cancelled' }));
    expect((await store.liveMessages.get(100, 1))?.state).toBe('cancelled');
    expect(keys(await store.liveMessages.listLive())).toEqual(['100/2', '200/1']);
  });

  it('patches only the given fields and stamps updatedAt', async () => {
    const store = await open(':memory:', { now: () => 9_999 });
    const original = liveMessage();
    await store.liveMessages.save(original);

    const updated = await store.liveMessages.update(100, 1, { fingerprint: 'fp-2', expiresAt: null });
    expect(updated).toEqual({ ...original, fingerprint: 'fp-2', expiresAt: null, updatedAt: 9_999 });
    expect(await store.liveMessages.get(100, 1)).toEqual(updated);

    const connected = await store.liveMessages.update(100, 1, { state: 'connected', fingerprint: null }, 12_345);
    expect(connected).toEqual({ ...original, state: 'connected', fingerprint: null, expiresAt: null, updatedAt: 12_345 });
    expect(await store.liveMessages.listLive()).toEqual([]);

    expect(await store.liveMessages.update(100, 2, { state: 'gone' })).toBeUndefined();
    expect(await store.liveMessages.get(100, 2)).toBeUndefined();
  });

  it('sets and clears a pending final view, and ignores a patch of nothing but the stamp', async () => {
    const store = await open(':memory:', { now: () => 1 });
    const original = liveMessage();
    await store.liveMessages.save(original);

    await store.liveMessages.update(100, 1, { state: 'expired', expiredReason: 'failed', finalEditSince: 500 }, 600);
    expect((await store.liveMessages.listFinalPending()).map((m) => [m.state, m.expiredReason, m.finalEditSince])).toEqual([
      ['expired', 'failed', 500],
    ]);

    await store.liveMessages.update(100, 1, { state: 'retired', expiredReason: null, finalEditSince: null }, 700);
    expect(await store.liveMessages.get(100, 1)).toEqual({ ...original, state: 'retired', updatedAt: 700 });
    expect(await store.liveMessages.listFinalPending()).toEqual([]);

    expect(await store.liveMessages.update(100, 1, {}, 800)).toEqual({ ...original, state: 'retired', updatedAt: 800 });
  });

  it('keeps Telegram-sized ids exactly', async () => {
    const store = await open(':memory:');
    const message = liveMessage({ chatId: -1_001_234_567_890, messageId: 2_147_483_647, userId: 8_000_000_000 });
    await store.liveMessages.save(message);
    expect(await store.liveMessages.get(-1_001_234_567_890, 2_147_483_647)).toEqual(message);
  });
});

describe('audit log', () => {
  const entry = (action: string) => ({
    userId: 7,
    chatId: 100,
    action,
    sessionId: 'alpha',
    outcome: 'ok',
    detail: null,
  });

  it('returns the newest entries first, up to the limit', async () => {
    const time = clock(1000);
    const store = await open(':memory:', { now: time.now });
    for (const action of ['qr', 'grant', 'revoke', 'invite.create']) {
      await store.audit.record(entry(action));
      time.advance(10);
    }
    await store.audit.record({ ...entry('denied'), userId: null, chatId: null, sessionId: null, outcome: 'denied', detail: 'not allowed', at: 5 });

    const latest = await store.audit.latest(3);
    expect(latest.map((e) => e.action)).toEqual(['denied', 'invite.create', 'revoke']);
    expect(latest[0]).toMatchObject({ at: 5, userId: null, chatId: null, sessionId: null, outcome: 'denied', detail: 'not allowed' });
    expect(latest[1]).toMatchObject({ at: 1030, userId: 7, chatId: 100, sessionId: 'alpha', outcome: 'ok', detail: null });
    expect(latest[0]!.id).toBeGreaterThan(latest[1]!.id);
    expect(await store.audit.latest(100)).toHaveLength(5);
  });

  it('stays bounded, keeping the newest rows', async () => {
    const path = join(tempDir(), 'audit.sqlite');
    const store = await open(path, { auditMaxRows: 20 });
    for (let i = 0; i < 100; i += 1) await store.audit.record(entry(`a${i}`));
    const kept = await store.audit.latest(1000);
    expect(kept.length).toBeLessThanOrEqual(21);
    expect(kept.length).toBeGreaterThanOrEqual(20);
    expect(kept[0]!.action).toBe('a99');
    await store.close();

    const reopened = await open(path, { auditMaxRows: 20 });
    expect((await reopened.audit.latest(1000)).map((e) => e.action)).toEqual(Array.from({ length: 20 }, (_, i) => `a${99 - i}`));
  });
});

describe('watches', () => {
  it('adds once per user and session, removes, and lists', async () => {
    const store = await open(':memory:', { now: () => 77 });
    expect(await store.watches.add({ userId: 7, chatId: 7, sessionId: 'beta' })).toBe(true);
    expect(await store.watches.add({ userId: 7, chatId: 700, sessionId: 'beta' })).toBe(false);
    expect(await store.watches.add({ userId: 7, chatId: 7, sessionId: 'alpha', now: 5 })).toBe(true);
    expect(await store.watches.add({ userId: 3, chatId: 3, sessionId: 'beta' })).toBe(true);

    expect(await store.watches.listByUser(7)).toEqual([
      { userId: 7, chatId: 7, sessionId: 'alpha', createdAt: 5 },
      { userId: 7, chatId: 7, sessionId: 'beta', createdAt: 77 },
    ]);
    expect((await store.watches.listBySession('beta')).map((w) => w.userId)).toEqual([3, 7]);
    expect(await store.watches.sessions()).toEqual(['alpha', 'beta']);

    expect(await store.watches.remove(7, 'beta')).toBe(true);
    expect(await store.watches.remove(7, 'beta')).toBe(false);
    expect(await store.watches.remove(3, 'beta')).toBe(true);
    expect(await store.watches.sessions()).toEqual(['alpha']);
  });
});

describe('lifetime', () => {
  it('keeps everything across close and reopen', async () => {
    const path = join(tempDir(), 'nested', 'dir', 'bot.sqlite');
    const first = await open(path, { now: () => 1234 });
    await first.grants.grant(7, 'alpha', 1);
    const { token } = await first.invites.create({ sessionId: 'beta', createdBy: 1, ttlMs: 60_000 });
    const used = (await first.invites.create({ sessionId: 'gamma', createdBy: 1, ttlMs: 60_000 })).token;
    await first.invites.redeem(used, 8);
    await first.liveMessages.save(liveMessage());
    await first.audit.record({ userId: 7, chatId: 100, action: 'qr', sessionId: 'alpha', outcome: 'ok', detail: 'x' });
    await first.watches.add({ userId: 7, chatId: 100, sessionId: 'alpha' });
    await first.close();

    const second = await open(path, { now: () => 2000 });
    expect(await second.grants.list()).toEqual([
      { userId: 7, sessionId: 'alpha', grantedBy: 1, grantedAt: 1234 },
      { userId: 8, sessionId: 'gamma', grantedBy: 1, grantedAt: 1234 },
    ]);
    expect(await second.invites.redeem(used, 9)).toEqual({ ok: false, reason: 'used' });
    expect(await second.invites.redeem(token, 9)).toEqual({ ok: true, sessionId: 'beta', alreadyGranted: false });
    expect(await second.liveMessages.listLive()).toEqual([liveMessage()]);
    expect(await second.audit.latest(10)).toEqual([
      { id: 1, at: 1234, userId: 7, chatId: 100, action: 'qr', sessionId: 'alpha', outcome: 'ok', detail: 'x' },
    ]);
    expect(await second.watches.listBySession('alpha')).toEqual([{ userId: 7, chatId: 100, sessionId: 'alpha', createdAt: 1234 }]);
  });

  it('answers ping while open, not after close, and closes twice without error', async () => {
    const store = await open(join(tempDir(), 'ping.sqlite'));
    expect(await store.ping()).toBe(true);
    await store.close();
    expect(await store.ping()).toBe(false);
    await store.close();
  });

  it('uses WAL journaling on a file', async () => {
    const dir = tempDir();
    const store = await open(join(dir, 'wal.sqlite'));
    await store.grants.grant(1, 'a', 1);
    expect(readdirSync(dir)).toContain('wal.sqlite-wal');
  });
});
